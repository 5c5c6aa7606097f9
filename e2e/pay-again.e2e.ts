/**
 * Paying can be abandoned and picked up again: the shop's cashier -> Alipay's hosted cashier (the
 * channel sandbox) -> cancel -> the result page says the payment closed and the order waits;
 * 重新支付 -> the shop's cashier again -> Alipay -> confirm -> 支付成功. The server holds one
 * order, paid once, and the stock moved once.
 */
import { useShop, scenario } from './support/fixture';
import { atCashier, atChannelCashier, byText, loginOnPage, openPickupCheckout, pickSku, route, submitAtCashier, waitForRoute } from './support/shop';

const shop = useShop('pay-again');
const PHONE = '13800138004';

test('cancel at the cashier, then pay again from the result page', () =>
  scenario(shop, async ({ page, api, server, shot }) => {
    const list = await api.call('listProducts', { query: { sort: 'sales', limit: 10 } });
    const product = await api.call('getProduct', { params: { id: list.items[0].id } });
    const sku = pickSku(product, 2);
    if (!sku) throw new Error(`the best seller ${product.id} has no SKU with stock`);

    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, PHONE);

    const submit = await openPickupCheckout(page, server.baseUrl, sku.id, { name: '王五', phone: PHONE });
    await shot('checkout');
    await submit.click();
    let cashier = await atCashier(page);
    await shot('cashier');
    await submitAtCashier(cashier);
    await atChannelCashier(page);
    await shot('alipay-cashier');
    await page.locator('#sandbox-pay-cancel').click();

    // Back in the shop: the payment closed (Alipay notified TRADE_CLOSED), the order waits.
    let result = await waitForRoute(page, '/pages/checkout/result', 30_000);
    await byText(result, '支付已关闭').waitFor({ timeout: 30_000 });
    await shot('result-cancelled');
    const [pending] = (await api.call('listOrders', { query: { status: 'all' } }, { token })).items;
    expect(pending.status).toBe('pending_payment');

    // Pay again: the cashier again, a fresh trip to the channel, confirmed this time.
    await byText(result, '重新支付').click();
    cashier = await atCashier(page);
    await submitAtCashier(cashier);
    await atChannelCashier(page);
    await shot('alipay-cashier-again');
    await page.locator('#sandbox-pay-confirm').click();
    result = await waitForRoute(page, '/pages/checkout/result', 30_000);
    await byText(result, '支付成功').waitFor({ timeout: 60_000 });
    await shot('result-paid');

    const orders = await api.call('listOrders', { query: { status: 'all' } }, { token });
    expect(orders.items.map((o) => [o.id, o.status])).toEqual([[pending.id, 'paid']]);
    const after = await api.call('getProduct', { params: { id: product.id } });
    expect(after.skus.find((s) => s.id === sku.id)?.stock).toBe(sku.stock - 1);
  }));
