/**
 * A payment left open at the channel's cashier, and what the shop's cashier does with it.
 *
 * 1. Balance and points on, the rest with Alipay -> Alipay's hosted cashier -> back in the
 *    browser: the cashier shows the open payment with the balance and points it holds (已占用)
 *    and what waits at Alipay, never a fresh split on the emptied wallet; 继续支付 opens Alipay
 *    for the same payment; back again, 取消这笔支付 gives the balance and points back and the
 *    cashier offers them again; paying then works and the order is paid once.
 * 2. Alipay only, cancelled at Alipay: the result page says nothing was charged, lists no
 *    balance, points or gift cards, and does not call the closed payment's amount 支付金额.
 */
import type { ProductDetail, Sku } from '@contract/catalog';
import { formatPrice } from '@contract/money';
import type { Locator } from 'playwright-core';
import { type ApiClient, eventually } from './support/api';
import { useShop, scenario } from './support/fixture';
import { atCashier, atChannelCashier, byText, loginOnPage, openPickupCheckout, route, submitAtCashier, waitForRoute } from './support/shop';

const shop = useShop('open-payment');
const WELCOME = { balance: 20000, points: 5000 };
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, '');

/** A SKU dearer than balance + points, so Alipay gets a remainder. */
async function chooseSku(api: ApiClient): Promise<{ product: ProductDetail; sku: Sku }> {
  const list = await api.call('listProducts', { query: { sort: 'price_desc', limit: 20 } });
  for (const summary of list.items) {
    const product = await api.call('getProduct', { params: { id: summary.id } });
    const sku = product.skus.find((s) => s.stock >= 2 && s.price > WELCOME.balance + WELCOME.points + 5000);
    if (product.onShelf && sku) return { product, sku };
  }
  throw new Error('no SKU dearer than the welcome wallet with stock');
}

async function switchOn(cashier: Locator, testId: 'tender-balance' | 'tender-points'): Promise<void> {
  const input = cashier.locator(`[data-testid="${testId}"] taro-switch-core input`).filter({ visible: true }).first();
  await input.click();
  expect(await eventually(() => input.isChecked(), (on) => on, 5_000)).toBe(true);
}

test('backing out of Alipay: the cashier offers to continue or cancel the open payment, with the tenders it holds', () =>
  scenario(shop, async ({ page, api, server, shot }) => {
    const phone = '13800138041';
    const { sku } = await chooseSku(api);
    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, phone);

    const submit = await openPickupCheckout(page, server.baseUrl, sku.id, { name: '周九', phone });
    await submit.click();
    let cashier = await atCashier(page);
    const orderId = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('orderId') ?? '';
    expect(orderId).toMatch(/^po_/);
    const due = sku.price;
    const remainder = due - WELCOME.balance - WELCOME.points;
    await switchOn(cashier, 'tender-balance');
    await switchOn(cashier, 'tender-points');
    expect(await submitAtCashier(cashier, '支付宝')).toBe(`确认支付 ${formatPrice(remainder)}`);
    await atChannelCashier(page);
    const [first] = (await api.call('listOpenPayments', { params: { id: orderId } }, { token })).items;
    expect(first).toMatchObject({ status: 'paying', channel: 'alipay', channelAmount: remainder });

    // Back from Alipay without paying: the open payment, not a split on an emptied wallet.
    await page.goBack();
    cashier = await atCashier(page);
    const open = cashier.locator('[data-testid="open-payment"]').filter({ visible: true }).first();
    await open.waitFor();
    const text = squash(await open.textContent());
    expect(text).toContain('你有一笔支付尚未完成');
    expect(text).toContain(`余额${formatPrice(-WELCOME.balance)}已占用`);
    expect(text).toContain(`积分抵扣（${WELCOME.points}积分）${formatPrice(-WELCOME.points)}已占用`);
    expect(text).toContain(`支付宝待支付${formatPrice(remainder)}`);
    expect(await cashier.locator('[data-testid="split"]').count()).toBe(0);
    expect(await cashier.locator('.cashier__submit').count()).toBe(0);
    await shot('cashier-open-payment');

    // 继续支付: Alipay again, for the same payment.
    await byText(open, '继续支付').click();
    await atChannelCashier(page);
    expect((await api.call('listOpenPayments', { params: { id: orderId } }, { token })).items.map((p) => p.id)).toEqual([first.id]);

    // Back again, and 取消这笔支付: the balance and points come back and can be chosen again.
    await page.goBack();
    cashier = await atCashier(page);
    await byText(cashier.locator('[data-testid="open-payment"]'), '取消这笔支付').click();
    await cashier.locator('[data-testid="split"]').filter({ visible: true }).first().waitFor({ timeout: 30_000 });
    await byText(cashier, `可用 ${formatPrice(WELCOME.balance)}`).waitFor();
    await shot('cashier-after-cancel');
    expect((await api.call('listOpenPayments', { params: { id: orderId } }, { token })).items).toEqual([]);
    expect(await api.call('getWallet', {}, { token })).toMatchObject(WELCOME);
    expect(await api.call('getPayment', { params: { id: first.id } }, { token })).toMatchObject({ status: 'closed', endReason: 'cancelled' });

    // Now paying works as usual: balance and Alipay, confirmed.
    await switchOn(cashier, 'tender-balance');
    expect(await submitAtCashier(cashier, '支付宝')).toBe(`确认支付 ${formatPrice(due - WELCOME.balance)}`);
    await atChannelCashier(page);
    await page.locator('#sandbox-pay-confirm').click();
    const result = await waitForRoute(page, '/pages/checkout/result', 30_000);
    await byText(result, '支付成功').waitFor({ timeout: 60_000 });
    const orders = await api.call('listOrders', { query: { status: 'all' } }, { token });
    expect(orders.items.map((o) => o.status)).toEqual(['paid']);
    expect(await api.call('getWallet', {}, { token })).toMatchObject({ balance: 0, points: WELCOME.points });
  }));

test('cancelled at Alipay with no balance, points or gift card: the result says nothing was charged', () =>
  scenario(shop, async ({ page, api, server, shot, freshPage }) => {
    const phone = '13800138042';
    const { sku } = await chooseSku(api);
    page = await freshPage();
    await route(page, server.baseUrl, '/pages/login/index');
    await loginOnPage(page, api, phone);
    const submit = await openPickupCheckout(page, server.baseUrl, sku.id, { name: '吴十', phone });
    await submit.click();
    const cashier = await atCashier(page);
    expect(await submitAtCashier(cashier, '支付宝')).toBe(`确认支付 ${formatPrice(sku.price)}`);
    await atChannelCashier(page);
    await page.locator('#sandbox-pay-cancel').click();

    const result = await waitForRoute(page, '/pages/checkout/result', 30_000);
    await byText(result, '支付已关闭').waitFor({ timeout: 30_000 });
    await byText(result, '本次支付已取消，没有扣款；订单仍在有效期内时可以重新支付').waitFor();
    const card = squash(await result.locator('[data-testid="pay-result"]').textContent());
    expect(card).toContain(`本次应付${formatPrice(sku.price)}`);
    expect(card).not.toMatch(/支付金额|余额|积分|礼品卡/);
    expect(await result.locator('[data-testid="pay-tenders"]').count()).toBe(0);
    await shot('result-closed-channel-only');
  }));
