/**
 * The merchant in the loop, in two browser contexts against the real server: (1) the demo shop's
 * owner (staff of every demo merchant, H5 phone 13500000000, the sandbox's one-time code) signs in
 * in one context and opens the workbench's order list; a shopper buys in another; the paid order
 * arrives on the owner's open list without a reload (the merchant's topic), the owner ships it on the workbench's
 * order page (carrier, tracking number, 确认发货), and the shopper's
 * open order detail turns 待收货 without a reload (the `user:{id}` topic). (2) 退货退款 of that
 * order end to end in the shopper's UI: 申请售后 with a photo (the browser's file chooser,
 * uploaded as the raw body), the owner approves with a return address on the workbench, the page shows it
 * live, the shopper enters the return shipment, the owner confirms receipt on the workbench, and the page
 * shows 退款成功 and the refund, live.
 */
import type { Order } from '@contract';
import type { Locator, Page } from 'playwright-core';
import { eventually } from './support/api';
import { newMobileContext } from './support/browser';
import { scenario, useShop, type ShopFixture } from './support/fixture';
import {
  atCashier,
  atChannelCashier,
  byText,
  enabledSubmit,
  ENABLED,
  fillByPlaceholder,
  loginOnPage,
  pickSku,
  route,
  submitAtCashier,
  waitForRoute,
} from './support/shop';

const shop = useShop('aftersale');
const PHONE = '13800138031';
const OWNER_PHONE = '13500000000';

/** A 2x2 PNG: the smallest image the upload's type sniffing accepts as PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDK+mmyAAAAABJRU5ErkJggg==',
  'base64',
);

interface Shared {
  token: string;
  ownerToken: string;
  /** The owner's signed-in page (their own browser context), kept for the workbench's after-sale page. */
  staffPage: Page;
  closeStaff: () => Promise<void>;
  order: Order;
}
let shared: Shared | null = null;

/** A page marker that a reload would lose: set before waiting for a push, checked after. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
}
async function notReloaded(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
}

async function merchantSeesOrder(f: ShopFixture, ownerToken: string, order: Order) {
  const page = await eventually(
    () => f.api.call('listMerchantOrders', { params: { merchantId: order.merchantId }, query: { tab: 'to_ship', q: order.orderNo } }, { token: ownerToken }),
    (p) => p.items.some((o) => o.id === order.id),
  );
  return page.items.find((o) => o.id === order.id);
}

function asPage(page: Page): Promise<Locator> {
  return waitForRoute(page, '/pages/aftersale/detail', 30_000);
}

async function statusIs(detail: Locator, label: string, timeout = 30_000): Promise<void> {
  await detail.locator('[data-testid="as-status"]', { hasText: label }).filter({ visible: true }).first().waitFor({ timeout });
}

test('a shopper buys; the merchant sees the paid order arrive and ships it; the open order detail turns 待收货 live', () =>
  scenario(shop, async (f) => {
    const { page, api, server, shot } = f;
    // The owner signs in on their own phone (a second browser context) and keeps the token.
    const staffContext = await newMobileContext(f.browser, server.baseUrl);
    const staffPage = await staffContext.newPage();
    f.rec.watch(staffPage);
    await route(staffPage, server.baseUrl, '/pages/login/index');
    const ownerToken = await loginOnPage(staffPage, api, OWNER_PHONE);
    const workplaces = await api.call('listWorkplaces', {}, { token: ownerToken });
    expect(workplaces.items.length).toBeGreaterThan(0);

    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, PHONE);
    await api.call('createAddress', { body: { name: '赵六', phone: PHONE, province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 90 号', isDefault: true } }, { token });

    // A product of a merchant the owner runs, with stock to spare.
    const list = await api.call('listProducts', { query: { sort: 'sales', limit: 20 } });
    const mine = new Set(workplaces.items.map((w) => w.merchantId));
    let skuId: string | null = null;
    let merchantId = '';
    for (const item of list.items) {
      const product = await api.call('getProduct', { params: { id: item.id } });
      const sku = product.onShelf && mine.has(product.merchantId) ? pickSku(product, 3) : null;
      if (sku) {
        skuId = sku.id;
        merchantId = product.merchantId;
        break;
      }
    }
    if (!skuId) throw new Error('no product of the demo owner has stock');
    // The owner watches the workbench's order list (the merchant's topic pushes new paid orders).
    const wbOrders = await route(staffPage, server.baseUrl, `/pages/merchant/orders?merchantId=${merchantId}`);

    // Buy: checkout with the default address -> cashier -> Alipay's sandbox -> 支付成功.
    const checkout = await route(page, server.baseUrl, `/pages/checkout/index?items=${encodeURIComponent(`${skuId}:1`)}`);
    const submit = await enabledSubmit(checkout);
    await submit.click();
    const cashier = await atCashier(page);
    await submitAtCashier(cashier, '支付宝');
    await atChannelCashier(page);
    await page.locator('#sandbox-pay-confirm').click();
    const result = await waitForRoute(page, '/pages/checkout/result', 30_000);
    await byText(result, '支付成功').waitFor({ timeout: 60_000 });

    const orders = await api.call('listOrders', { query: { status: 'all' } }, { token });
    expect(orders.items).toHaveLength(1);
    const order = orders.items[0];
    expect(order.status).toBe('paid');

    // The merchant's side: the paid order arrives on the owner's open workbench list, no reload,
    // and the API lists it to ship.
    await wbOrders.locator('[data-testid="wb-order"]', { hasText: order.orderNo }).first().waitFor({ timeout: 30_000 });
    await staffPage.screenshot({ path: `${process.cwd()}/artifacts/e2e/aftersale/staff-order-arrived.png` });
    const row = await merchantSeesOrder(f, ownerToken, order);
    expect(row).toMatchObject({ id: order.id, status: 'paid' });

    // The shopper has the order open; the merchant ships; the page follows without a reload.
    const detail = await route(page, server.baseUrl, `/pages/orders/detail?id=${order.id}`);
    await detail.locator('.detail-head__status', { hasText: '待发货' }).waitFor();
    await shot('order-paid');
    await markPage(page);
    // The owner ships it on the workbench: the order's page, 发货, the carrier, the tracking
    // number, 确认发货 and the confirmation.
    const wbOrder = await route(staffPage, server.baseUrl, `/pages/merchant/order?merchantId=${order.merchantId}&id=${order.id}`);
    await wbOrder.getByTestId('wb-order-status').filter({ hasText: '待发货' }).waitFor();
    await wbOrder.getByTestId('wb-ship').click();
    await wbOrder.getByTestId('carrier-0-sf').click();
    await fillByPlaceholder(wbOrder, '请输入运单号', 'SF1000000001');
    await wbOrder.getByTestId('wb-ship-submit').click();
    await staffPage.locator('.taro-modal__foot .taro-model__btn').last().click();
    await wbOrder.getByTestId('wb-order-status').filter({ hasText: '已发货' }).waitFor({ timeout: 30_000 });
    await staffPage.screenshot({ path: `${process.cwd()}/artifacts/e2e/aftersale/staff-order-shipped.png` });
    await detail.locator('.detail-head__status', { hasText: '待收货' }).waitFor({ timeout: 30_000 });
    await byText(detail, '商品已发出，请留意收货').waitFor();
    expect(await notReloaded(page)).toBe(true);
    await shot('order-shipped-live');
    shared = { token, ownerToken, order, staffPage, closeStaff: () => staffContext.close() };
  }));

test('退货退款 end to end: apply with a photo, approved with a return address, return shipment, receipt, 退款成功 live', () =>
  scenario(shop, async (f) => {
    if (!shared) throw new Error('the first scenario did not leave a shipped order');
    const { token, order, staffPage, closeStaff } = shared;
    const { page, api, server, shot } = f;

    // 申请售后 from the order detail.
    const detail = await route(page, server.baseUrl, `/pages/orders/detail?id=${order.id}`);
    await detail.locator('.detail-head__status', { hasText: '待收货' }).waitFor();
    await byText(detail, '申请售后').click();
    const apply = await waitForRoute(page, '/pages/aftersale/apply');
    await byText(apply, order.lines[0].title).waitFor();
    await shot('apply-open');
    await apply.getByTestId('kind-return_refund').click();
    await apply.locator('[data-testid="kind-return_refund"][aria-checked="true"]').waitFor();
    await byText(apply, '质量问题').click();
    await fillByPlaceholder(apply, '选填，补充描述有助于商家更快处理（500 字以内）', '袖口开线');

    // A photo: on a phone Taro asks 拍摄 or 从相册选择, then the browser's file chooser opens;
    // the photo uploads and shows as done.
    await apply.getByTestId('add-photo').click();
    const chooser = page.waitForEvent('filechooser');
    await page.getByText('从相册选择', { exact: true }).filter({ visible: true }).first().click();
    await (await chooser).setFiles({ name: 'proof.png', mimeType: 'image/png', buffer: PNG });
    await apply.locator('[data-testid="photo"].as-photo--done').waitFor({ timeout: 20_000 });
    await byText(apply, '最多 6 张，已选 1 张').waitFor();
    const estimate = ((await apply.getByTestId('estimate').textContent()) ?? '').trim();
    await shot('apply-filled');
    await apply.locator(`.as-bar__submit${ENABLED}`).click();

    // The request's page: waiting for the merchant.
    let as = await asPage(page);
    await statusIs(as, '待商家处理');
    const requests = await api.call('listAfterSales', {}, { token });
    expect(requests.items).toHaveLength(1);
    const request = requests.items[0];
    expect(request).toMatchObject({ orderId: order.id, kind: 'return_refund', status: 'requested', reason: 'quality_issue', description: '袖口开线' });
    expect(request.photos).toHaveLength(1);
    expect(estimate).toBe(`¥${(request.amount / 100).toFixed(2)}`);
    const photo = await fetch(server.baseUrl + request.photos[0].url);
    expect(photo.headers.get('content-type')).toBe('image/png');
    await as.getByTestId('as-photos').waitFor();
    await shot('requested');

    // The merchant approves the return with an address: the page shows it live.
    await markPage(page);
    const wbRequest = await route(staffPage, server.baseUrl, `/pages/merchant/after-sale?merchantId=${order.merchantId}&id=${request.id}`);
    await wbRequest.getByTestId('as-approve-return').click();
    const returnForm = wbRequest.getByTestId('as-return-form');
    await returnForm.locator('input').nth(0).fill('售后部');
    await returnForm.locator('input').nth(1).fill('02112345678');
    await returnForm.locator('textarea').first().fill('上海市 黄浦区 人民路 88 号');
    await wbRequest.getByTestId('as-return-submit').click();
    await staffPage.locator('.taro-modal__foot .taro-model__btn').last().click();
    await statusIs(as, '待寄回商品');
    await as.getByTestId('return-address').filter({ hasText: '上海市 黄浦区 人民路 88 号' }).waitFor();
    expect(await notReloaded(page)).toBe(true);
    await shot('awaiting-return');

    // The shopper enters the return shipment.
    await fillByPlaceholder(as, '如：顺丰速运', '顺丰速运');
    await fillByPlaceholder(as, '请输入物流单号', 'SF2000000002');
    await byText(as, '提交物流信息').click();
    await statusIs(as, '待商家收货');
    await as.getByTestId('return-shipment').filter({ hasText: 'SF2000000002' }).waitFor();
    await shot('returning');

    // The merchant confirms receipt: the refund runs; the page turns 退款成功 with the refund, live.
    await markPage(page);
    const wbReturned = await route(staffPage, server.baseUrl, `/pages/merchant/after-sale?merchantId=${order.merchantId}&id=${request.id}`);
    await wbReturned.getByTestId('as-receive').click();
    await staffPage.locator('.taro-modal__foot .taro-model__btn').last().click();
    as = await asPage(page);
    await statusIs(as, '退款成功', 60_000);
    await as.locator('[data-testid="refund-status"]', { hasText: '已退款' }).waitFor({ timeout: 60_000 });
    expect(await notReloaded(page)).toBe(true);
    await shot('refunded');

    const done = await api.call('getAfterSale', { params: { id: request.id } }, { token });
    expect(done.status).toBe('refunded');
    const refunds = await api.call('listRefunds', { params: { id: order.id } }, { token });
    expect(refunds.items.find((r) => r.id === done.refundId)).toMatchObject({ status: 'succeeded', amount: done.amount });
    await closeStaff();

    // The list shows it under 已完成.
    const listPage = await route(page, server.baseUrl, '/pages/aftersale/index');
    await listPage.locator('[data-testid="as-item"][data-status="refunded"]').waitFor();
    await shot('list');
  }));
