import type { Order } from '@contract/order';
import type { AuditPage } from '@contract/merchant';
import type { MerchantProduct, MerchantProductPage, MerchantSku, StockAlertPage } from '@contract/workbench';
import { merchantProductPage } from '@contract/workbench';
import { testApp, uniquePhone, type ApiResponse, type TestApp } from '../../test/app';
import { paidOrder, placeOrder, shopper, type Shopper } from '../../test/workbench';
import { addStaff, makeMerchant } from '../merchant/testing';
import { makeSku, stockOf, userToken } from '../order/testing';

/**
 * The goods side of the merchant's workbench through the real app (docs/merchant.md, "Goods"):
 * the product list, the shelf, prices (orders already placed keep theirs), stock edits (a delta
 * or a compare-and-set, never losing a concurrent sale), sold-out alerts, and the audit of each.
 */
let t: TestApp;
const A = 'm_ga';
const B = 'm_gb';
let owner: { userId: string; token: string };
let ownerB: { userId: string; token: string };
let buyer: Shopper;

const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();
const base = (m = A) => `/api/merchants/${m}`;

beforeAll(async () => {
  t = await testApp({ seed: false });
  await makeMerchant(t.db, A);
  await makeMerchant(t.db, B);
  owner = await userToken(t.db, t.config.tokenSecret);
  ownerB = await userToken(t.db, t.config.tokenSecret);
  await addStaff(t.db, A, owner.userId, 'owner');
  await addStaff(t.db, B, ownerB.userId, 'owner');
  buyer = await shopper(t, uniquePhone());
});
afterAll(async () => {
  await t.close();
});

async function auditOf(target: string): Promise<AuditPage['items']> {
  const res = await t.get<AuditPage>(`${base()}/audit?limit=50`, { token: owner.token });
  return res.body.items.filter((e) => e.target === target);
}

describe('products', () => {
  it("lists the merchant's products on and off the shelf with their SKUs, searched, in pages", async () => {
    const m = 'm_glist';
    await makeMerchant(t.db, m);
    const own = await userToken(t.db, t.config.tokenSecret);
    await addStaff(t.db, m, own.userId, 'operator');
    const tea = await makeSku(t.db, { merchantId: m, title: '明前龙井', stock: 7, price: 8800 });
    const cup = await makeSku(t.db, { merchantId: m, title: '玻璃杯', stock: 3, onShelf: false });
    const pot = await makeSku(t.db, { merchantId: m, title: '铁壶 100%', stock: 0 });
    const res = await t.get<MerchantProductPage>(`${base(m)}/products`, { token: own.token });
    expect(res.status).toBe(200);
    expect(() => merchantProductPage.parse(res.body)).not.toThrow();
    expect(res.body.items.map((p) => [p.id, p.onShelf, p.stock])).toEqual([
      [tea.productId, true, 7],
      [cup.productId, false, 3],
      [pot.productId, true, 0],
    ]);
    expect(res.body.items[0].skus).toMatchObject([{ id: tea.skuId, price: 8800, stock: 7, specText: '红色' }]);
    const ids = async (q: string) => (await t.get<MerchantProductPage>(`${base(m)}/products?${q}`, { token: own.token })).body.items.map((p) => p.id);
    expect(await ids('shelf=off')).toEqual([cup.productId]);
    expect(await ids('shelf=on')).toEqual([tea.productId, pot.productId]);
    expect(await ids(`q=${encodeURIComponent('龙井')}`)).toEqual([tea.productId]);
    expect(await ids(`q=${encodeURIComponent('100%')}`)).toEqual([pot.productId]);
    const first = await t.get<MerchantProductPage>(`${base(m)}/products?limit=2`, { token: own.token });
    const second = await t.get<MerchantProductPage>(`${base(m)}/products?limit=2&cursor=${first.body.nextCursor}`, { token: own.token });
    expect([...first.body.items, ...second.body.items].map((p) => p.id)).toEqual([tea.productId, cup.productId, pot.productId]);
    expect(codeOf(await t.get(`${base(m)}/products?shelf=maybe`, { token: own.token }))).toBe('400 VALIDATION_FAILED');
    // Another merchant's products are not listed.
    expect((await t.get<MerchantProductPage>(`${base(B)}/products`, { token: ownerB.token })).body.items.map((p) => p.id)).not.toContain(tea.productId);
  });

  it('puts a product on and off the shelf: the shop stops selling it; audited; the same state again records nothing', async () => {
    const sku = await makeSku(t.db, { merchantId: A, title: '下架测试' });
    const url = `${base()}/products/${sku.productId}/shelf`;
    const off = await t.post<MerchantProduct>(url, { onShelf: false }, { token: owner.token });
    expect(off.status).toBe(200);
    expect(off.body.onShelf).toBe(false);
    expect((await t.get(`/api/products/${sku.productId}`)).body.onShelf).toBe(false);
    const order = await t.post('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '甲', contactPhone: '13800138000' } }, { token: buyer.token, idempotencyKey: `shelf-${Date.now()}` });
    expect(codeOf(order)).toBe('409 SKU_UNAVAILABLE');
    expect((await t.post<MerchantProduct>(url, { onShelf: false }, { token: owner.token })).status).toBe(200);
    expect((await t.post<MerchantProduct>(url, { onShelf: true }, { token: owner.token })).body.onShelf).toBe(true);
    expect((await auditOf(`product:${sku.productId}`)).map((e) => [e.action, e.detail.from, e.detail.to, e.actorId])).toEqual([
      ['product.shelf_changed', false, true, owner.userId],
      ['product.shelf_changed', true, false, owner.userId],
    ]);
    expect(codeOf(await t.post(url, { onShelf: 'yes' }, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.post(`${base(B)}/products/${sku.productId}/shelf`, { onShelf: false }, { token: ownerB.token }))).toBe('404 NOT_FOUND');
  });
});

describe('prices', () => {
  it('changes the price of new orders only: an order already placed (and paid) keeps its price and amounts', async () => {
    const placed = await placeOrder(t, buyer, { merchantId: A, price: 1000, quantity: 2 });
    const paid = await paidOrder(t, buyer, { merchantId: A, sku: placed.sku, quantity: 1 });
    const before = (await t.get<Order>(`/api/orders/${placed.orderId}`, { token: buyer.token })).body;
    const res = await t.post<MerchantSku>(`${base()}/skus/${placed.sku.skuId}/price`, { price: 1500, originalPrice: 2000 }, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ price: 1500, originalPrice: 2000 });
    const after = (await t.get<Order>(`/api/orders/${placed.orderId}`, { token: buyer.token })).body;
    expect(after.lines).toEqual(before.lines);
    expect(after.amounts).toEqual(before.amounts);
    expect(after.lines[0]).toMatchObject({ unitPrice: 1000, lineAmount: 2000 });
    const paidView = (await t.get<Order>(`/api/orders/${paid.orderId}`, { token: buyer.token })).body;
    expect(paidView.lines[0].unitPrice).toBe(1000);
    expect(paidView.paidAmount).toBe(paidView.amounts.payableAmount);
    // The pending order is still payable for what it was placed at.
    const payment = await t.db.selectFrom('orders').select('payable_amount').where('id', '=', placed.orderId).executeTakeFirstOrThrow();
    expect(Number(payment.payable_amount)).toBe(before.amounts.payableAmount);
    // New orders and the product's list price take the new price.
    const fresh = await placeOrder(t, buyer, { merchantId: A, sku: placed.sku });
    expect((await t.get<Order>(`/api/orders/${fresh.orderId}`, { token: buyer.token })).body.lines[0].unitPrice).toBe(1500);
    expect((await t.get(`/api/products/${placed.sku.productId}`)).body).toMatchObject({ priceFrom: 1500, originalPrice: 2000 });
    const [entry] = await auditOf(`sku:${placed.sku.skuId}`);
    expect(entry).toMatchObject({ action: 'sku.price_changed', detail: { from: { price: 1000, originalPrice: null }, to: { price: 1500, originalPrice: 2000 } } });
  });

  it('refuses bad prices with clear codes', async () => {
    const sku = await makeSku(t.db, { merchantId: A });
    const url = `${base()}/skus/${sku.skuId}/price`;
    for (const body of [{}, { price: 0 }, { price: -1 }, { price: 1.5 }, { price: '100' }, { price: 1000, originalPrice: 999 }, { price: 100, cost: 1 }]) {
      expect([body, codeOf(await t.post(url, body, { token: owner.token }))]).toEqual([body, '400 VALIDATION_FAILED']);
    }
    expect(codeOf(await t.post(`${base(B)}/skus/${sku.skuId}/price`, { price: 100 }, { token: ownerB.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.post(`${base()}/skus/sku_nope/price`, { price: 100 }, { token: owner.token }))).toBe('404 NOT_FOUND');
  });
});

describe('stock', () => {
  it('changes stock by a delta, never below zero; audited with before and after', async () => {
    const sku = await makeSku(t.db, { merchantId: A, stock: 5 });
    const url = `${base()}/skus/${sku.skuId}/stock`;
    expect((await t.post<MerchantSku>(url, { delta: 10 }, { token: owner.token })).body.stock).toBe(15);
    expect((await t.post<MerchantSku>(url, { delta: -4 }, { token: owner.token })).body.stock).toBe(11);
    const below = await t.post(url, { delta: -12 }, { token: owner.token });
    expect(codeOf(below)).toBe('409 STOCK_BELOW_ZERO');
    expect(below.body.stock).toBe(11);
    expect(await stockOf(t.db, sku.skuId)).toBe(11);
    expect((await auditOf(`sku:${sku.skuId}`)).map((e) => [e.action, e.detail.delta, e.detail.from, e.detail.to])).toEqual([
      ['sku.stock_changed', -4, 15, 11],
      ['sku.stock_changed', 10, 5, 15],
    ]);
    for (const body of [{ delta: 0 }, { delta: 1.5 }, { delta: 2_000_000 }, {}, { set: 5 }, { set: -1, expected: 0 }, { delta: 1, set: 2, expected: 1 }]) {
      expect([body, codeOf(await t.post(url, body, { token: owner.token }))]).toEqual([body, '400 VALIDATION_FAILED']);
    }
  });

  it('sets stock only when it is still the value read: a sale in between answers STOCK_CHANGED with the current stock', async () => {
    const sku = await makeSku(t.db, { merchantId: A, stock: 10 });
    const url = `${base()}/skus/${sku.skuId}/stock`;
    await placeOrder(t, buyer, { merchantId: A, sku, quantity: 3 }); // sold while the staff member was typing
    const stale = await t.post(url, { set: 20, expected: 10 }, { token: owner.token });
    expect(codeOf(stale)).toBe('409 STOCK_CHANGED');
    expect(stale.body.stock).toBe(7);
    const res = await t.post<MerchantSku>(url, { set: 20, expected: 7 }, { token: owner.token });
    expect(res.body.stock).toBe(20);
    const [entry] = await auditOf(`sku:${sku.skuId}`);
    expect(entry).toMatchObject({ action: 'sku.stock_changed', detail: { set: 20, expected: 7, from: 7, to: 20 } });
  });

  it('N concurrent orders and M concurrent stock edits end with the exact stock (deltas and compare-and-set)', async () => {
    const initial = 40;
    const sku = await makeSku(t.db, { merchantId: A, stock: initial, price: 500 });
    const shoppers = await Promise.all(Array.from({ length: 30 }, () => userToken(t.db, t.config.tokenSecret)));
    const url = `${t.baseUrl}${base()}/skus/${sku.skuId}/stock`;
    const post = async (body: unknown) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { code?: string; stock?: number } };
    };
    const orders = shoppers.map(async ({ token }, i) => {
      const res = await fetch(`${t.baseUrl}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `stock-conc-${i}` },
        body: JSON.stringify({ items: [{ skuId: sku.skuId, quantity: 2 }], fulfilment: { type: 'pickup', contactName: '王五', contactPhone: '13700137000' } }),
      });
      return res.status;
    });
    // 10 edits add 3 each, 5 take 1 each (refused only if they would go below zero).
    const deltas = [...Array.from({ length: 10 }, () => 3), ...Array.from({ length: 5 }, () => -1)].map(async (delta) => ({ delta, ...(await post({ delta })) }));
    // 5 compare-and-set edits, each adding 1 to what it read, retried until the value read holds.
    const casEdits = Array.from({ length: 5 }, async () => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const read = await stockOf(t.db, sku.skuId);
        const res = await post({ set: read + 1, expected: read });
        if (res.status === 200) return attempt;
        expect(res.body.code).toBe('STOCK_CHANGED');
      }
      throw new Error('a compare-and-set never got through');
    });
    const [orderStatuses, deltaResults] = await Promise.all([Promise.all(orders), Promise.all(deltas), Promise.all(casEdits)]);
    const sold = orderStatuses.filter((s) => s === 201).length * 2;
    expect(orderStatuses.every((s) => s === 201 || s === 409)).toBe(true);
    const applied = deltaResults.filter((r) => r.status === 200).reduce((n, r) => n + r.delta, 0);
    expect(deltaResults.every((r) => r.status === 200 || r.body.code === 'STOCK_BELOW_ZERO')).toBe(true);
    const lines = await t.db.selectFrom('order_lines').select('quantity').where('sku_id', '=', sku.skuId).execute();
    expect(lines.reduce((n, l) => n + Number(l.quantity), 0)).toBe(sold);
    expect(await stockOf(t.db, sku.skuId)).toBe(initial - sold + applied + 5);
    // Every applied edit is in the audit log, with the stock it found and left.
    const edits = await t.db.selectFrom('audit_log').select('detail').where('target', '=', `sku:${sku.skuId}`).execute();
    expect(edits).toHaveLength(deltaResults.filter((r) => r.status === 200).length + 5);
  });
});

describe('sold-out alerts', () => {
  it("lists the merchant's SKUs at zero or under the threshold, lowest first", async () => {
    const m = 'm_galert';
    await makeMerchant(t.db, m);
    const own = await userToken(t.db, t.config.tokenSecret);
    await addStaff(t.db, m, own.userId, 'owner');
    const zero = await makeSku(t.db, { merchantId: m, stock: 0 });
    const two = await makeSku(t.db, { merchantId: m, stock: 2 });
    await makeSku(t.db, { merchantId: m, stock: 50 });
    const soldOut = await t.get<StockAlertPage>(`${base(m)}/stock-alerts`, { token: own.token });
    expect(soldOut.body.items.map((a) => [a.skuId, a.stock])).toEqual([[zero.skuId, 0]]);
    const low = await t.get<StockAlertPage>(`${base(m)}/stock-alerts?threshold=5`, { token: own.token });
    expect(low.body.items.map((a) => [a.skuId, a.stock])).toEqual([
      [zero.skuId, 0],
      [two.skuId, 2],
    ]);
    const page = await t.get<StockAlertPage>(`${base(m)}/stock-alerts?threshold=5&limit=1`, { token: own.token });
    const next = await t.get<StockAlertPage>(`${base(m)}/stock-alerts?threshold=5&limit=1&cursor=${page.body.nextCursor}`, { token: own.token });
    expect(next.body.items.map((a) => a.skuId)).toEqual([two.skuId]);
    expect(codeOf(await t.get(`${base(m)}/stock-alerts?threshold=-1`, { token: own.token }))).toBe('400 VALIDATION_FAILED');
  });

  it("announces a SKU that sells out, by a sale or an edit, on the merchant's topic (sku.sold_out)", async () => {
    const sku = await makeSku(t.db, { merchantId: A, stock: 2 });
    await placeOrder(t, buyer, { merchantId: A, sku, quantity: 2 });
    const events = async () =>
      (await t.db.selectFrom('realtime_messages').select(['type', 'data']).where('topic', '=', `merchant:${A}`).where('type', '=', 'sku.sold_out').orderBy('version').execute())
        .map((e) => JSON.parse(e.data) as { skuId: string; cause: string })
        .filter((d) => d.skuId === sku.skuId)
        .map((d) => ['sku.sold_out', d.cause]);
    expect(await events()).toEqual([['sku.sold_out', 'sale']]);
    await t.post(`${base()}/skus/${sku.skuId}/stock`, { delta: 1 }, { token: owner.token });
    await t.post(`${base()}/skus/${sku.skuId}/stock`, { delta: -1 }, { token: owner.token });
    expect(await events()).toEqual([
      ['sku.sold_out', 'sale'],
      ['sku.sold_out', 'edit'],
    ]);
  });
});
