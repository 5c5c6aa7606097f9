/**
 * A double-tapped submit yields one order. Two ways of tapping twice on 提交订单: a real
 * double click (two clicks a few ms apart), and two clicks dispatched in the same tick. The
 * server is asked how many orders exist after each, and the SKU's stock is cross-checked:
 * it went down by exactly one unit per order.
 */
import type { Locator } from 'playwright-core';
import type { ProductDetail, Sku } from '@contract/catalog';
import { eventually } from './support/api';
import { useShop, scenario, type ShopFixture } from './support/fixture';
import { atCashier, loginOnPage, openPickupCheckout, pickSku, route, waitForRoute } from './support/shop';

const shop = useShop('double-submit');
const PHONE = '13800138003';

async function chooseSku(api: ShopFixture['api']): Promise<{ product: ProductDetail; sku: Sku }> {
  const list = await api.call('listProducts', { query: { sort: 'price_asc', limit: 10 } });
  for (const summary of list.items) {
    const product = await api.call('getProduct', { params: { id: summary.id } });
    const sku = product.onShelf ? pickSku(product, 5) : null;
    if (sku) return { product, sku };
  }
  throw new Error('no cheap product with 5 units of one SKU in stock');
}

/** Opens the checkout for one unit of the SKU with store pickup; screenshot before submitting. */
async function checkoutOneUnit(f: ShopFixture, skuId: string, label: string): Promise<Locator> {
  const submit = await openPickupCheckout(f.page, f.server.baseUrl, skuId, { name: '李四', phone: PHONE });
  await f.shot(`${label}-checkout`);
  return submit;
}

async function orderIds(f: ShopFixture, token: string): Promise<string[]> {
  const page = await f.api.call('listOrders', { query: { status: 'all', limit: 50 } }, { token });
  return page.items.map((o) => o.id);
}

/**
 * After a double submit the page leaves for the cashier once; a duplicate request may still
 * be on its way to the server. Wait until the first order exists, then give a would-be second
 * order the time of a few server round trips to appear before counting.
 */
async function settledOrderCount(f: ShopFixture, token: string, expectedAtLeast: number): Promise<number> {
  await eventually(() => orderIds(f, token), (ids) => ids.length >= expectedAtLeast);
  const extra = await eventually(() => orderIds(f, token), (ids) => ids.length > expectedAtLeast, 2_000);
  return extra.length;
}

test('double-tapping 提交订单 creates one order per checkout, and stock moves by one unit each', () =>
  scenario(shop, async (f) => {
    const { page, api, server } = f;
    const { product, sku } = await chooseSku(api);

    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, PHONE);
    expect(await orderIds(f, token)).toEqual([]);

    // 1. A real double click on the submit button.
    const first = await checkoutOneUnit(f, sku.id, 'dblclick');
    await first.dblclick();
    await atCashier(page);
    await f.shot('dblclick-cashier');
    expect(await settledOrderCount(f, token, 1)).toBe(1);

    // 2. A fresh checkout (a new intent), two clicks dispatched in the same tick.
    const second = await checkoutOneUnit(f, sku.id, 'same-tick');
    await second.evaluate((el: HTMLElement) => {
      el.click();
      el.click();
    });
    await atCashier(page);
    await f.shot('same-tick-cashier');
    expect(await settledOrderCount(f, token, 2)).toBe(2);

    // Each order holds one unit of the SKU, and stock went down by exactly two.
    const orders = await api.call('listOrders', { query: { status: 'all' } }, { token });
    for (const order of orders.items) {
      expect(order.status).toBe('pending_payment');
      expect(order.lines).toEqual([expect.objectContaining({ skuId: sku.id, quantity: 1 })]);
      expect(order.fulfilment).toEqual({ type: 'pickup', contactName: '李四', contactPhone: PHONE });
    }
    const after = await api.call('getProduct', { params: { id: product.id } });
    expect(after.skus.find((s) => s.id === sku.id)?.stock).toBe(sku.stock - 2);

    // The shopper sees the same: 我的 counts two orders 待付款, and that tab lists exactly them.
    const me = await route(page, server.baseUrl, '/pages/me/index');
    const shortcut = me.locator('.me__shortcut').filter({ hasText: '待付款' }).first();
    await shortcut.locator('.me__badge', { hasText: /^2$/ }).waitFor();
    await f.shot('me-counts');
    await shortcut.click();
    const list = await waitForRoute(page, '/pages/orders/index');
    const cards = list.locator('.order-card');
    await eventually(() => cards.count(), (n) => n >= 2);
    expect(await cards.count()).toBe(2);
    await expect(list.locator('.order-card__status').allTextContents()).resolves.toEqual(['待付款', '待付款']);
    await f.shot('pending-orders');
  }));
