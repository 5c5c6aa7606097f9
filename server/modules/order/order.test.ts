import type { CartView } from '@contract/cart';
import type { CheckoutPreview, Order, OrderPage, ParentOrder } from '@contract/order';
import { testApp, type TestApp } from '../../test/app';
import { FREE_SHIPPING_THRESHOLD, SHIPPING_FEE } from './pricing';
import { closeExpiredOrders, createOrder } from './service';
import { makeSku, setOnShelf, stockOf, userToken } from './testing';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});

let keyCounter = 0;
const newKey = () => `k-${process.pid}-${Date.now()}-${++keyCounter}`;
const pickup = { type: 'pickup', contactName: '张三', contactPhone: '13800138000' } as const;

async function addressFor(token: string, isDefault = true): Promise<string> {
  const res = await t.post<{ id: string }>(
    '/api/addresses',
    { name: '李四', phone: '13900139000', province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号', isDefault },
    { token },
  );
  if (res.status !== 201) throw new Error(`address: ${res.status} ${res.text}`);
  return res.body.id;
}

async function order(token: string, items: { skuId: string; quantity: number }[], extra: Record<string, unknown> = {}, key = newKey()) {
  return t.post<ParentOrder>('/api/orders', { items, fulfilment: pickup, ...extra }, { token, idempotencyKey: key });
}

async function counts(userId: string) {
  const parents = await t.db.selectFrom('parent_orders').select('id').where('user_id', '=', userId).execute();
  const children = await t.db.selectFrom('orders').select('id').where('user_id', '=', userId).execute();
  return { parents: parents.length, children: children.length };
}

describe('checkout preview', () => {
  it('prices per merchant with the shipping threshold; the default address is used when none is chosen', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const cheap = await makeSku(t.db, { merchantId: 'm_p1', merchantName: '甲店', price: 5000 });
    const dear = await makeSku(t.db, { merchantId: 'm_p2', merchantName: '乙店', price: FREE_SHIPPING_THRESHOLD });
    const items = [{ skuId: cheap.skuId, quantity: 1 }, { skuId: dear.skuId, quantity: 1 }];

    let res = await t.post<CheckoutPreview>('/api/checkout/preview', { items }, { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fulfilment: null, address: null, canSubmit: false, freeShippingThreshold: FREE_SHIPPING_THRESHOLD });

    const addressId = await addressFor(token);
    res = await t.post<CheckoutPreview>('/api/checkout/preview', { items }, { token });
    expect(res.body.fulfilment).toEqual({ type: 'delivery', addressId });
    expect(res.body.address?.id).toBe(addressId);
    expect(res.body.canSubmit).toBe(true);
    expect(res.body.groups.map((g) => [g.merchantName, g.amounts.shippingAmount, g.amounts.payableAmount])).toEqual([
      ['甲店', SHIPPING_FEE, 5000 + SHIPPING_FEE],
      ['乙店', 0, FREE_SHIPPING_THRESHOLD],
    ]);
    expect(res.body.amounts).toEqual({ itemsAmount: 5000 + FREE_SHIPPING_THRESHOLD, shippingAmount: SHIPPING_FEE, discountAmount: 0, payableAmount: 5000 + FREE_SHIPPING_THRESHOLD + SHIPPING_FEE });
    expect(res.body.groups[0].pickupStore.name).toContain('甲店');

    res = await t.post<CheckoutPreview>('/api/checkout/preview', { items, fulfilment: pickup }, { token });
    expect(res.body.amounts.shippingAmount).toBe(0);
    expect(res.body.address).toBeNull();
  });

  it('cannot submit while a line is blocked; a foreign address answers 404', async () => {
    const alice = await userToken(t.db, t.config.tokenSecret);
    const bob = await userToken(t.db, t.config.tokenSecret);
    const off = await makeSku(t.db, { onShelf: false });
    const ok = await makeSku(t.db);
    const res = await t.post<CheckoutPreview>('/api/checkout/preview', { items: [{ skuId: off.skuId, quantity: 1 }, { skuId: ok.skuId, quantity: 1 }], fulfilment: pickup }, { token: alice.token });
    expect(res.body.canSubmit).toBe(false);
    expect(res.body.groups[0].lines.find((l) => l.skuId === off.skuId)?.issue).toBe('off_shelf');
    const bobsAddress = await addressFor(bob.token);
    const foreign = await t.post('/api/checkout/preview', { items: [{ skuId: ok.skuId, quantity: 1 }], fulfilment: { type: 'delivery', addressId: bobsAddress } }, { token: alice.token });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'NOT_FOUND']);
  });
});

describe('createOrder', () => {
  it('creates one parent with a child per merchant, snapshots lines and address, reserves stock and empties the cart', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { merchantId: 'm_c1', merchantName: '一店', price: 3000, stock: 10 });
    const b = await makeSku(t.db, { merchantId: 'm_c2', merchantName: '二店', price: 12000, stock: 10 });
    const keep = await makeSku(t.db, { merchantId: 'm_c2', stock: 10 });
    const addressId = await addressFor(token);
    for (const s of [a, b, keep]) await t.post('/api/cart/items', { skuId: s.skuId, quantity: 2 }, { token });

    const before = Date.now();
    const res = await order(token, [{ skuId: a.skuId, quantity: 2 }, { skuId: b.skuId, quantity: 1 }], {
      fulfilment: { type: 'delivery', addressId },
      remark: '请尽快发货',
      fromCart: true,
    });
    expect(res.status).toBe(201);
    const parent = res.body;
    expect(parent.id).toMatch(/^po_/);
    expect(parent.status).toBe('pending_payment');
    expect(parent.children.map((c) => c.merchantId)).toEqual(['m_c1', 'm_c2']);
    expect(parent.expiresAt).toBeGreaterThanOrEqual(before + t.config.orderPayTimeoutSeconds * 1000);
    const [c1, c2] = [parent.children.find((c) => c.merchantId === 'm_c1'), parent.children.find((c) => c.merchantId === 'm_c2')];
    expect(c1?.amounts).toEqual({ itemsAmount: 6000, shippingAmount: SHIPPING_FEE, discountAmount: 0, payableAmount: 6000 + SHIPPING_FEE });
    expect(c2?.amounts).toEqual({ itemsAmount: 12000, shippingAmount: 0, discountAmount: 0, payableAmount: 12000 });
    expect(parent.amounts.payableAmount).toBe(6000 + SHIPPING_FEE + 12000);
    expect(c1).toMatchObject({ status: 'pending_payment', merchantName: '一店', remark: '请尽快发货', paidAt: null, fulfilment: { type: 'delivery', addressId } });
    expect(c1?.shipTo).toContain('世纪大道 100 号');
    expect(c1?.lines).toEqual([expect.objectContaining({ skuId: a.skuId, unitPrice: 3000, quantity: 2, lineAmount: 6000 })]);
    expect(c1?.timeline).toEqual([expect.objectContaining({ status: 'pending_payment' })]);

    expect(await stockOf(t.db, a.skuId)).toBe(8);
    expect(await stockOf(t.db, b.skuId)).toBe(9);
    const cart = await t.get<CartView>('/api/cart', { token });
    expect(cart.body.lines.map((l) => l.skuId)).toEqual([keep.skuId]);

    const got = await t.get<ParentOrder>(`/api/parent-orders/${parent.id}`, { token });
    expect(got.body).toEqual(parent);
    const child = await t.get<Order>(`/api/orders/${c1?.id}`, { token });
    expect(child.body).toEqual(c1);
  });

  it('pickup orders carry the merchant store and pay no shipping', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { merchantId: 'm_c3', merchantName: '三店', price: 100 });
    const res = await order(token, [{ skuId: a.skuId, quantity: 1 }]);
    expect(res.body.amounts).toMatchObject({ shippingAmount: 0, payableAmount: 100 });
    expect(res.body.children[0].shipTo).toContain('三店 自提门店');
    // The contact is the fulfilment's, not repeated in the store's snapshot.
    expect(res.body.children[0].fulfilment).toMatchObject({ type: 'pickup', contactName: '张三' });
    expect(res.body.children[0].shipTo).not.toContain('张三');
  });

  it('is idempotent per key: a repeat returns the same order, two racing requests create one', async () => {
    const { token, userId } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 10 });
    const key = newKey();
    const first = await order(token, [{ skuId: a.skuId, quantity: 1 }], {}, key);
    const again = await order(token, [{ skuId: a.skuId, quantity: 1 }], {}, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await counts(userId)).toEqual({ parents: 1, children: 1 });

    const raceKey = newKey();
    const racing = await Promise.all([1, 2, 3].map(() => order(token, [{ skuId: a.skuId, quantity: 1 }], {}, raceKey)));
    const created = racing.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of racing) expect([201, 409]).toContain(r.status);
    expect(await counts(userId)).toEqual({ parents: 2, children: 2 });
    expect(await stockOf(t.db, a.skuId)).toBe(8);

    const missingKey = await t.post('/api/orders', { items: [{ skuId: a.skuId, quantity: 1 }], fulfilment: pickup }, { token });
    expect([missingKey.status, missingKey.body.code]).toEqual([400, 'IDEMPOTENCY_KEY_REQUIRED']);
  });

  it('the unique (user, key) on the parent order stops racing duplicates even without the HTTP layer', async () => {
    const { userId } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 10 });
    const input = { userId, idempotencyKey: newKey(), body: { items: [{ skuId: a.skuId, quantity: 1 }], fulfilment: pickup }, payTimeoutSeconds: 900 };
    const results = await Promise.all([createOrder(t.db, input), createOrder(t.db, input), createOrder(t.db, input)]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(await counts(userId)).toEqual({ parents: 1, children: 1 });
    expect(await stockOf(t.db, a.skuId)).toBe(9);
  });

  it('a repeat of a key that placed an order answers that order, even once its last unit is sold', async () => {
    const { userId } = await userToken(t.db, t.config.tokenSecret);
    const last = await makeSku(t.db, { stock: 1 });
    const input = { userId, idempotencyKey: newKey(), body: { items: [{ skuId: last.skuId, quantity: 1 }], fulfilment: pickup }, payTimeoutSeconds: 900 };
    const first = await createOrder(t.db, input);
    expect(await stockOf(t.db, last.skuId)).toBe(0);
    const again = await createOrder(t.db, input);
    expect(again.id).toBe(first.id);
    expect(await counts(userId)).toEqual({ parents: 1, children: 1 });
    // Another key for the same line is refused: the stock is gone.
    await expect(createOrder(t.db, { ...input, idempotencyKey: newKey() })).rejects.toMatchObject({ code: 'OUT_OF_STOCK' });
  });

  it('refuses blocked lines naming the SKU and writes nothing', async () => {
    const { token, userId } = await userToken(t.db, t.config.tokenSecret);
    const ok = await makeSku(t.db, { stock: 10 });
    const off = await makeSku(t.db, { stock: 10 });
    const few = await makeSku(t.db, { stock: 1 });
    await setOnShelf(t.db, off.productId, false);

    let res = await order(token, [{ skuId: ok.skuId, quantity: 1 }, { skuId: off.skuId, quantity: 1 }]);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'SKU_UNAVAILABLE', skuId: off.skuId });
    res = await order(token, [{ skuId: ok.skuId, quantity: 1 }, { skuId: few.skuId, quantity: 2 }]);
    expect(res.body).toMatchObject({ status: 409, code: 'OUT_OF_STOCK', skuId: few.skuId });
    res = await order(token, [{ skuId: 'sku_missing_x', quantity: 1 }]);
    expect(res.body).toMatchObject({ status: 409, code: 'SKU_UNAVAILABLE', skuId: 'sku_missing_x' });
    for (const body of [
      { items: [], fulfilment: pickup },
      { items: [{ skuId: ok.skuId, quantity: 0 }], fulfilment: pickup },
      { items: [{ skuId: ok.skuId, quantity: 1 }] },
      { items: [{ skuId: ok.skuId, quantity: 1, unitPrice: 1 }], fulfilment: pickup },
      { items: [{ skuId: ok.skuId, quantity: 1 }], fulfilment: pickup, amount: 1 },
      { items: [{ skuId: ok.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '张三', contactPhone: '123' } },
      // The same SKU twice may not add up beyond the per-line limit.
      { items: [{ skuId: ok.skuId, quantity: 60 }, { skuId: ok.skuId, quantity: 40 }], fulfilment: pickup },
    ]) {
      const bad = await t.post('/api/orders', body, { token, idempotencyKey: newKey() });
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const noAddress = await order(token, [{ skuId: ok.skuId, quantity: 1 }], { fulfilment: { type: 'delivery', addressId: 'adr_nope' } });
    expect(noAddress.status).toBe(404);
    expect(await counts(userId)).toEqual({ parents: 0, children: 0 });
    expect(await stockOf(t.db, ok.skuId)).toBe(10);
    expect(await stockOf(t.db, few.skuId)).toBe(1);
  });
});

describe('orders: reading, tabs, access', () => {
  it('lists newest first with tabs and cursor pagination, and counts per status', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 50 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await order(token, [{ skuId: a.skuId, quantity: 1 }])).body.children[0].id);
    await t.post(`/api/orders/${ids[0]}/cancel`, undefined, { token, idempotencyKey: newKey() });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: { body: OrderPage } = await t.get<OrderPage>(`/api/orders?limit=2${q}`, { token });
      seen.push(...page.body.items.map((o) => o.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const pending = await t.get<OrderPage>('/api/orders?status=pending_payment', { token });
    expect(pending.body.items.map((o) => o.id)).toEqual(ids.slice(1).reverse());
    const cancelled = await t.get<OrderPage>('/api/orders?status=cancelled', { token });
    expect(cancelled.body.items.map((o) => o.id)).toEqual([ids[0]]);
    const c = await t.get('/api/orders/counts', { token });
    expect(c.body).toEqual({ pending_payment: 4, paid: 0, shipped: 0 });

    expect((await t.get('/api/orders?cursor=not-a-cursor', { token })).status).toBe(400);
    expect((await t.get('/api/orders?status=bogus', { token })).status).toBe(400);
    expect((await t.get('/api/orders?limit=0', { token })).status).toBe(400);
  });

  it("answers 404 for another user's orders and parent orders, and changes nothing", async () => {
    const alice = await userToken(t.db, t.config.tokenSecret);
    const bob = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 10 });
    const parent = (await order(alice.token, [{ skuId: a.skuId, quantity: 1 }])).body;
    const child = parent.children[0].id;
    for (const res of [
      await t.get(`/api/orders/${child}`, { token: bob.token }),
      await t.get(`/api/parent-orders/${parent.id}`, { token: bob.token }),
      await t.post(`/api/orders/${child}/cancel`, undefined, { token: bob.token, idempotencyKey: newKey() }),
      await t.post(`/api/orders/${child}/confirm`, undefined, { token: bob.token, idempotencyKey: newKey() }),
      await t.get('/api/orders/o_doesnotexist', { token: bob.token }),
    ]) {
      expect([res.status, res.body.code]).toEqual([404, 'NOT_FOUND']);
    }
    expect((await t.get<OrderPage>('/api/orders', { token: bob.token })).body.items).toEqual([]);
    expect((await t.get<Order>(`/api/orders/${child}`, { token: alice.token })).body.status).toBe('pending_payment');
    expect((await t.get(`/api/orders/${child}`)).status).toBe(401);
  });
});

describe('order lifecycle', () => {
  it('cancel releases the stock once; illegal transitions answer 409', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 10 });
    const child = (await order(token, [{ skuId: a.skuId, quantity: 3 }])).body.children[0];
    expect(await stockOf(t.db, a.skuId)).toBe(7);
    const confirm = await t.post(`/api/orders/${child.id}/confirm`, undefined, { token, idempotencyKey: newKey() });
    expect([confirm.status, confirm.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);

    const res = await t.post<Order>(`/api/orders/${child.id}/cancel`, undefined, { token, idempotencyKey: newKey() });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.timeline.map((e) => e.status)).toEqual(['pending_payment', 'cancelled']);
    expect(await stockOf(t.db, a.skuId)).toBe(10);

    const again = await t.post(`/api/orders/${child.id}/cancel`, undefined, { token, idempotencyKey: newKey() });
    expect([again.status, again.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect(await stockOf(t.db, a.skuId)).toBe(10);
  });

  it('a parent whose children all ended is cancelled; one cancelled child leaves the other payable', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { merchantId: 'm_l1' });
    const b = await makeSku(t.db, { merchantId: 'm_l2' });
    const parent = (await order(token, [{ skuId: a.skuId, quantity: 1 }, { skuId: b.skuId, quantity: 1 }])).body;
    await t.post(`/api/orders/${parent.children[0].id}/cancel`, undefined, { token, idempotencyKey: newKey() });
    let got = await t.get<ParentOrder>(`/api/parent-orders/${parent.id}`, { token });
    expect(got.body.status).toBe('pending_payment');
    await t.post(`/api/orders/${parent.children[1].id}/cancel`, undefined, { token, idempotencyKey: newKey() });
    got = await t.get<ParentOrder>(`/api/parent-orders/${parent.id}`, { token });
    expect(got.body.status).toBe('cancelled');
  });

  it('the close job closes expired orders in batches and releases their stock', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 20 });
    const children: string[] = [];
    for (let i = 0; i < 5; i++) children.push((await order(token, [{ skuId: a.skuId, quantity: 2 }])).body.children[0].id);
    expect(await stockOf(t.db, a.skuId)).toBe(10);
    expect(await closeExpiredOrders(t.db, Date.now())).toBe(0);
    const later = Date.now() + t.config.orderPayTimeoutSeconds * 1000 + 1;
    // Other tests' pending orders in this database expire too.
    expect(await closeExpiredOrders(t.db, later, 2)).toBeGreaterThanOrEqual(5);
    expect(await closeExpiredOrders(t.db, later, 2)).toBe(0);
    const statuses = await t.db.selectFrom('orders').select('status').where('id', 'in', children).execute();
    expect(statuses.map((s) => s.status)).toEqual(['closed', 'closed', 'closed', 'closed', 'closed']);
    expect(await stockOf(t.db, a.skuId)).toBe(20);
    const got = await t.get<Order>(`/api/orders/${children[0]}`, { token });
    expect(got.body.status).toBe('closed');
    expect(got.body.timeline.map((e) => e.status)).toEqual(['pending_payment', 'closed']);
  });
});
