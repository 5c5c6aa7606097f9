/**
 * A referral cascade end to end in two browser contexts against the real server: the merchant
 * pays 10 % on its goods (rules set by the owner, freeze days 0); promoter A signs in, makes a
 * product poster in the promoter centre, and the poster's QR code (decoded from the image the
 * page drew) is opened by shopper B in a new context; B signs in (bound to A at that sign-in),
 * buys two units at the pickup checkout and pays at the channel's cashier; A's centre shows the
 * pending commission; B's refund of one unit (仅退款, approved by the owner) reverses half of it;
 * the pickup completes the order, the window of 0 days passes (the unfreeze job), and A
 * withdraws the rest to the stored balance on the withdrawal page.
 */
import type { Page } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { eventually, loginByApi } from './support/api';
import { newMobileContext } from './support/browser';
import { scenario, useShop } from './support/fixture';
import { atCashier, atChannelCashier, byText, choosePickup, loginOnPage, pickSku, route, submitAtCashier, waitForRoute } from './support/shop';

// The unfreeze job every 1.2 s instead of every minute.
const shop = useShop('referral', { env: { JOB_INTERVAL_SCALE: '0.02' } });
const PROMOTER = '13800138061';
const BUYER = '13800138062';
const OWNER = '13500000000';

/** The text of the QR code in a PNG data URL. */
function qrText(dataUrl: string): string {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  if (!found) throw new Error('no QR code in the poster');
  return found.data;
}

async function signIn(page: Page, baseUrl: string, api: Parameters<typeof loginOnPage>[1], phone: string, shot?: (s: string) => Promise<unknown>): Promise<string> {
  const me = await route(page, baseUrl, '/pages/me/index');
  await byText(me, '点击登录').click();
  const token = await loginOnPage(page, api, phone, shot);
  await waitForRoute(page, '/pages/me/index');
  return token;
}

test('a poster link binds the buyer; the promoter earns, a refund reverses in proportion, the rest is withdrawn to the balance', () =>
  scenario(shop, async (f) => {
    const { page, api, server, shot } = f;
    const ownerToken = await loginByApi(api, OWNER);

    // A, the promoter, opens the centre's posters and makes a product's poster.
    const promoterToken = await signIn(page, server.baseUrl, api, PROMOTER);
    const posters = await route(page, server.baseUrl, '/pages/promoter/posters');
    await byText(posters, '商品海报').click();
    const make = posters.locator('[data-testid^="pm-make-"]').filter({ visible: true }).first();
    await make.waitFor({ timeout: 20_000 });
    const productId = ((await make.getAttribute('data-testid')) ?? '').replace('pm-make-', '');
    const product = await api.call('getProduct', { params: { id: productId } });
    const sku = pickSku(product, 2);
    // The product's merchant pays 10 % at one level, available as soon as the order completes.
    await api.call(
      'setReferralRules',
      { params: { merchantId: product.merchantId }, body: { enabled: true, levels: 1, mode: 'rate', amounts: [1000], freezeDays: 0, overrides: [] } },
      { token: ownerToken },
    );
    await make.click();
    const download = page.locator('a.poster-sheet__download').filter({ visible: true }).first();
    await download.waitFor({ timeout: 30_000 });
    await shot('poster');
    const link = qrText((await download.getAttribute('href')) ?? '');
    expect(link.startsWith(`${server.baseUrl}/#/pages/product/index?`)).toBe(true);

    // B opens the poster's link on another phone: the product page, then signs in there.
    const buyerContext = await newMobileContext(f.browser, server.baseUrl);
    try {
      const buyer = await buyerContext.newPage();
      await buyer.goto(link);
      const landed = await waitForRoute(buyer, '/pages/product/index', 30_000);
      await byText(landed, product.title).first().waitFor({ timeout: 30_000 });
      const buyerToken = await signIn(buyer, server.baseUrl, api, BUYER);
      const buyerMe = await api.call('getReferralMe', {}, { token: buyerToken });
      expect(buyerMe.promoter).not.toBeNull();
      const team = await api.call('listReferralTeam', { query: { level: 1 } }, { token: promoterToken });
      expect(team.items).toHaveLength(1);

      // B buys two units for pickup and pays the rest at the channel's cashier.
      const checkout = await route(buyer, server.baseUrl, `/pages/checkout/index?items=${encodeURIComponent(`${sku.id}:2`)}`);
      const submit = await choosePickup(checkout, { name: '李四', phone: BUYER });
      await submit.click();
      const cashier = await atCashier(buyer);
      await submitAtCashier(cashier, '支付宝');
      await atChannelCashier(buyer);
      await buyer.locator('#sandbox-pay-confirm').click();
      const result = await waitForRoute(buyer, '/pages/checkout/result', 30_000);
      await byText(result, '支付成功').waitFor({ timeout: 60_000 });
      const order = (await api.call('listOrders', { query: { status: 'all' } }, { token: buyerToken })).items[0];
      expect(order.status).toBe('paid');

      // A sees the pending commission: 10 % of what B paid for the goods.
      const earned = await eventually(
        () => api.call('getReferralEarnings', {}, { token: promoterToken }),
        (e) => e.pending > 0,
        30_000,
      );
      const expected = Math.floor((order.amounts.payableAmount - order.amounts.shippingAmount) / 10);
      expect(earned.pending).toBe(expected);
      const centre = await route(page, server.baseUrl, '/pages/promoter/commissions');
      await centre.locator('.pm-commission, [data-testid="pm-commission"]').filter({ visible: true }).first().waitFor({ timeout: 20_000 });
      await byText(centre, '待结算').first().waitFor();
      await shot('pending');

      // B asks for a refund of one unit; the owner approves; half the commission is reversed.
      const request = await api.call('createAfterSale', { body: { orderId: order.id, kind: 'refund_only', reason: 'no_longer_needed', lines: [{ lineNo: 0, quantity: 1 }] } }, { token: buyerToken });
      await api.call('approveAfterSale', { params: { merchantId: order.merchantId, afterSaleId: request.id } }, { token: ownerToken });
      const afterRefund = await eventually(
        () => api.call('getReferralEarnings', {}, { token: promoterToken }),
        (e) => e.pending < expected,
        30_000,
      );
      const left = expected - Math.floor(expected / 2);
      expect(afterRefund.pending).toBeGreaterThanOrEqual(left - 1);
      expect(afterRefund.pending).toBeLessThanOrEqual(left + 1);
      await centre.page().reload();
      const reversedPage = await waitForRoute(page, '/pages/promoter/commissions');
      await byText(reversedPage, /退款扣回/).first().waitFor({ timeout: 20_000 });
      await shot('reversed');

      // The pickup completes the order; with 0 freeze days the job makes the rest available.
      const detail = await api.call('getOrder', { params: { id: order.id } }, { token: buyerToken });
      await api.call('verifyPickup', { params: { merchantId: order.merchantId, orderId: order.id }, body: { code: detail.pickupCode ?? '' } }, { token: ownerToken });
      const available = await eventually(
        () => api.call('getReferralEarnings', {}, { token: promoterToken }),
        (e) => e.available === afterRefund.pending && e.pending === 0,
        60_000,
      );

      // A withdraws all of it to the stored balance on the withdrawal page.
      const before = await api.call('getWallet', {}, { token: promoterToken });
      const withdraw = await route(page, server.baseUrl, '/pages/promoter/withdraw');
      await withdraw.locator('[data-testid="pm-wd-available"]', { hasText: (available.available / 100).toFixed(2) }).first().waitFor({ timeout: 20_000 });
      await withdraw.locator('[data-testid="pm-wd-all"]').filter({ visible: true }).first().click();
      await withdraw.locator('[data-testid="pm-wd-submit"]').filter({ visible: true }).first().click();
      await withdraw.locator('[data-testid="pm-wd-result"][data-status="succeeded"]', { hasText: '到账成功' }).first().waitFor({ timeout: 30_000 });
      await shot('withdrawn');
      const after = await api.call('getWallet', {}, { token: promoterToken });
      expect(after.balance - before.balance).toBe(available.available);
      expect(await api.call('getReferralEarnings', {}, { token: promoterToken })).toMatchObject({ available: 0, withdrawn: available.available, owed: 0 });
    } finally {
      await buyerContext.close();
    }
  }));
