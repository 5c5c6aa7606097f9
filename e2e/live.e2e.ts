/**
 * Live-stream ordering end to end in three browser contexts against the real server: the demo
 * owner schedules a session of two of a merchant's products (at a live price, with a quota) and
 * runs it from the workbench's console on one phone; two viewers have the room open on theirs
 * (one signed in, one a guest). The host taps 讲解 on a product: both viewers' pinned card shows
 * it within a second of the pin's answer (the push, not their 10-second fallback). The signed-in
 * viewer buys it from the card at the session price through the normal checkout and the
 * channel's cashier; the host's board shows the paid order and its amount, and the lines' left.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { HostLiveSession, ProductDetail } from '@contract';
import { eventually, loginByApi } from './support/api';
import { newMobileContext } from './support/browser';
import { scenario, useShop } from './support/fixture';
import { atCashier, atChannelCashier, byText, choosePickup, loginOnPage, route, submitAtCashier, waitForRoute } from './support/shop';

const shop = useShop('live');
const OWNER = '13500000000';
const VIEWER = '13800138071';
const yuan = (fen: number) => (fen / 100).toFixed(2);

async function signIn(page: Page, baseUrl: string, api: Parameters<typeof loginOnPage>[1], phone: string): Promise<string> {
  const me = await route(page, baseUrl, '/pages/me/index');
  await byText(me, '点击登录').click();
  const token = await loginOnPage(page, api, phone);
  await waitForRoute(page, '/pages/me/index');
  return token;
}

/** The room's pinned card showing a product's title. */
function pinnedCard(room: Locator, title: string): Locator {
  return room.locator('[data-testid="live-pin"]').filter({ hasText: title, visible: true }).first();
}

test('the host pins a product, both viewers see it within a second, one buys at the session price, the board shows the sale', () =>
  scenario(shop, async (f) => {
    const { page, api, server, shot } = f;
    const ownerToken = await loginByApi(api, OWNER);
    const [workplace] = (await api.call('listWorkplaces', {}, { token: ownerToken })).items;
    const merchantId = workplace.merchantId;

    // Two of the merchant's products with stock, one SKU each, at about 70 % of their price.
    const products: ProductDetail[] = [];
    for (const item of (await api.call('listMerchantProducts', { params: { merchantId }, query: { limit: 30 } }, { token: ownerToken })).items) {
      const detail = await api.call('getProduct', { params: { id: item.id } });
      if (detail.skus.some((s) => s.stock >= 30) && detail.onShelf !== false) products.push(detail);
      if (products.length === 2) break;
    }
    expect(products).toHaveLength(2);
    const lines = products.map((p) => {
      const sku = p.skus.find((s) => s.stock >= 30)!;
      return { product: p, sku, price: Math.floor((sku.price * 0.7) / 10) * 10 };
    });
    const created: HostLiveSession = await api.call(
      'createLiveSession',
      {
        params: { merchantId },
        body: {
          title: '浏览器测试直播',
          startsAt: Date.now(),
          playbackUrl: '/media/demo-live/index.m3u8',
          perShopperLimit: 2,
          lines: lines.map((l) => ({ skuId: l.sku.id, price: l.price, quota: 10 })),
        },
      },
      { token: ownerToken },
    );
    await api.call('actLiveSession', { params: { merchantId, sessionId: created.id }, body: { action: 'start' } }, { token: ownerToken });
    const target = lines[1];

    // The host signs in on the first phone and opens the session's console.
    await signIn(page, server.baseUrl, api, OWNER);
    const consolePage = await route(page, server.baseUrl, `/pages/merchant/live-console?merchantId=${merchantId}&id=${created.id}`);
    await consolePage.locator('[data-testid="live-board"]').filter({ visible: true }).first().waitFor({ timeout: 20_000 });

    // Viewer one signs in on a second phone, viewer two stays a guest on a third; both open the room.
    const contexts: BrowserContext[] = [];
    try {
      const viewers: Page[] = [];
      for (let i = 0; i < 2; i++) {
        const context = await newMobileContext(f.browser, server.baseUrl);
        contexts.push(context);
        viewers.push(await context.newPage());
      }
      const viewerToken = await signIn(viewers[0], server.baseUrl, api, VIEWER);
      const rooms: Locator[] = [];
      for (const viewer of viewers) {
        const room = await route(viewer, server.baseUrl, `/pages/live/room?id=${created.id}`);
        await byText(room, '浏览器测试直播').first().waitFor({ timeout: 20_000 });
        // Nothing pinned yet.
        expect(await room.locator('[data-testid="live-pin"]').filter({ visible: true }).count()).toBe(0);
        rooms.push(room);
      }
      // Subscribed: a viewer counted on the room (each socket's sub has been answered).
      await eventually(() => api.call('getLiveSession', { params: { sessionId: created.id } }), (s) => s.viewers >= 2, 15_000);

      // The host taps 讲解 on the second product: both cards within a second of the pin's answer.
      const product = consolePage.locator('[data-testid="live-product"]').filter({ hasText: target.product.title, visible: true }).first();
      const answered = page.waitForResponse((res) => res.url().includes(`/live/sessions/${created.id}/pin`) && res.request().method() === 'POST');
      await product.locator('[data-testid="live-pin"]').click();
      const pinAnswer = await answered;
      expect(pinAnswer.status()).toBe(200);
      const t0 = Date.now();
      await Promise.all(rooms.map((room) => pinnedCard(room, target.product.title).waitFor({ timeout: 5_000 })));
      const arrival = Date.now() - t0;
      expect(arrival).toBeLessThan(1_000);
      await product.and(consolePage.locator('[data-pinned="yes"]')).waitFor({ timeout: 5_000 });
      await shot('host-pinned');
      const card = pinnedCard(rooms[0], target.product.title);
      await card.locator('.price').filter({ hasText: `¥${yuan(target.price)}` }).first().waitFor();
      await viewers[1].screenshot({ path: `${f.rec.dir}/guest-room-pinned.png` });

      // Viewer one buys one from the card: the checkout prices it at the session price.
      await card.locator('[data-testid="live-pin-buy"]').click();
      const sheet = rooms[0].locator('[data-testid="live-buy"]').filter({ visible: true }).first();
      await sheet.locator('[data-testid="live-buy-confirm"]').click();
      const checkout = await waitForRoute(viewers[0], '/pages/checkout/index', 20_000);
      await checkout.locator('[data-testid="checkout-live"]').filter({ visible: true }).first().waitFor({ timeout: 20_000 });
      const submit = await choosePickup(checkout, { name: '王五', phone: VIEWER });
      await checkout.locator('.price').filter({ hasText: `¥${yuan(target.price)}` }).first().waitFor();
      await viewers[0].screenshot({ path: `${f.rec.dir}/viewer-checkout.png` });
      await submit.click();
      const cashier = await atCashier(viewers[0]);
      await submitAtCashier(cashier, '支付宝');
      await atChannelCashier(viewers[0]);
      await viewers[0].locator('#sandbox-pay-confirm').click();
      const result = await waitForRoute(viewers[0], '/pages/checkout/result', 30_000);
      await byText(result, '支付成功').waitFor({ timeout: 60_000 });
      const order = (await api.call('listOrders', { query: { status: 'all' } }, { token: viewerToken })).items[0];
      expect(order.liveSessionId).toBe(created.id);
      expect(order.lines).toEqual([expect.objectContaining({ skuId: target.sku.id, unitPrice: target.price, quantity: 1 })]);

      // The host's board shows the paid order, its amount, and one unit fewer left (pushed).
      const board = consolePage.locator('[data-testid="live-board"]').filter({ visible: true }).first();
      await board.locator('[data-testid="board-paid"]').filter({ hasText: '1' }).first().waitFor({ timeout: 10_000 });
      await board.locator('[data-testid="board-gmv"]').filter({ hasText: yuan(target.price) }).first().waitFor({ timeout: 10_000 });
      await consolePage.locator(`[data-testid="live-sku-${target.sku.id}"] [data-testid="live-sku-left"]`).filter({ hasText: '9' }).first().waitFor({ timeout: 10_000 });
      await shot('host-board');
      const host = await api.call('getHostLiveSession', { params: { merchantId, sessionId: created.id } }, { token: ownerToken });
      expect(host.board).toMatchObject({ orders: 1, paidOrders: 1, gmv: target.price });
      expect(host.lines.find((l) => l.skuId === target.sku.id)).toMatchObject({ sold: 1, paid: 1, left: 9 });
      // The guest's card says one fewer is left.
      await pinnedCard(rooms[1], target.product.title).getByText(/剩\s*9\s*件/).first().waitFor({ timeout: 10_000 });
      await viewers[1].screenshot({ path: `${f.rec.dir}/guest-room-after.png` });
    } finally {
      for (const c of contexts) await c.close().catch(() => undefined);
    }
  }));

test('a room whose stream is HTTP-FLV plays it in the browser (mpegts.js), as a guest', () =>
  scenario(shop, async (f) => {
    const { page, api, server, shot } = f;
    const ownerToken = await loginByApi(api, OWNER);
    const [workplace] = (await api.call('listWorkplaces', {}, { token: ownerToken })).items;
    const merchantId = workplace.merchantId;
    const item = (await api.call('listMerchantProducts', { params: { merchantId }, query: { limit: 30 } }, { token: ownerToken })).items[0];
    const detail = await api.call('getProduct', { params: { id: item.id } });
    const sku = detail.skus.find((s) => s.stock >= 5) ?? detail.skus[0];
    const created: HostLiveSession = await api.call(
      'createLiveSession',
      {
        params: { merchantId },
        body: {
          title: 'FLV 测试直播',
          startsAt: Date.now(),
          // The demo stream's FLV copy (server/seed/stream.ts), what most live CDNs serve beside HLS.
          playbackUrl: '/media/demo-live/live.flv',
          perShopperLimit: 1,
          lines: [{ skuId: sku.id, price: sku.price, quota: 1 }],
        },
      },
      { token: ownerToken },
    );
    await api.call('actLiveSession', { params: { merchantId, sessionId: created.id }, body: { action: 'start' } }, { token: ownerToken });

    const flv = page.waitForResponse((res) => res.url().endsWith('/media/demo-live/live.flv'));
    const room = await route(page, server.baseUrl, `/pages/live/room?id=${created.id}`);
    await byText(room, 'FLV 测试直播').first().waitFor({ timeout: 20_000 });
    expect((await flv).status()).toBe(200);
    // Decoded and playing: the video has frames and its clock moves (no error screen).
    const video = room.locator('[data-testid="live-video"]').first();
    await eventually(
      () => video.evaluate((v: HTMLVideoElement) => ({ t: v.currentTime, ready: v.readyState, w: v.videoWidth })),
      (s) => s.t > 0.5 && s.ready >= 2 && s.w === 270,
      15_000,
    );
    expect(await room.getByText('重试').count()).toBe(0);
    await shot('flv-room');
  }));
