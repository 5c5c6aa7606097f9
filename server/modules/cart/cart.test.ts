import type { CartView } from '@contract/cart';
import { testApp, type TestApp } from '../../test/app';
import { makeSku, setOnShelf, setSku, userToken } from '../order/testing';
import { MAX_CART_LINES } from './service';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});

const lineOf = (cart: CartView, skuId: string) => {
  const line = cart.lines.find((l) => l.skuId === skuId);
  if (!line) throw new Error(`no line ${skuId}`);
  return line;
};

async function cartRows(userId: string) {
  return t.db.selectFrom('cart_lines').selectAll().where('user_id', '=', userId).execute();
}

describe('cart', () => {
  it('adds, reads, updates, selects and removes lines, priced by the server', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { price: 1990, stock: 10 });
    const b = await makeSku(t.db, { price: 500, stock: 10, merchantId: 'm_t2' });

    let res = await t.post<CartView>('/api/cart/items', { skuId: a.skuId, quantity: 2 }, { token });
    expect(res.status).toBe(200);
    res = await t.post<CartView>('/api/cart/items', { skuId: b.skuId, quantity: 1 }, { token });
    expect(res.body.totals).toEqual({ selectedQuantity: 3, selectedLines: 2, itemsAmount: 2 * 1990 + 500, totalLines: 2 });
    expect(lineOf(res.body, a.skuId)).toMatchObject({ unitPrice: 1990, addedPrice: 1990, quantity: 2, lineAmount: 3980, valid: true, issue: null, selected: true, stock: 10 });

    res = await t.patch<CartView>(`/api/cart/items/${a.skuId}`, { selected: false }, { token });
    expect(res.body.totals).toMatchObject({ selectedLines: 1, itemsAmount: 500 });
    res = await t.patch<CartView>(`/api/cart/items/${b.skuId}`, { quantity: 4 }, { token });
    expect(res.body.totals).toMatchObject({ selectedQuantity: 4, itemsAmount: 2000 });

    res = await t.post<CartView>('/api/cart/select-all', { selected: true }, { token });
    expect(res.body.lines.every((l) => l.selected)).toBe(true);
    res = await t.post<CartView>('/api/cart/select-all', { selected: false }, { token });
    expect(res.body.totals).toMatchObject({ selectedLines: 0, itemsAmount: 0, totalLines: 2 });

    res = await t.del<CartView>(`/api/cart/items/${a.skuId}`, { token });
    expect(res.body.lines.map((l) => l.skuId)).toEqual([b.skuId]);
    const get = await t.get<CartView>('/api/cart', { token });
    expect(get.body).toEqual(res.body);
  });

  it('selects or deselects one shop\'s lines (the per-shop 全选), leaving other shops alone', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { price: 1000, stock: 10, merchantId: 'm_s1' });
    const b = await makeSku(t.db, { price: 2000, stock: 10, merchantId: 'm_s1' });
    const c = await makeSku(t.db, { price: 500, stock: 10, merchantId: 'm_s2' });
    for (const sku of [a, b, c]) await t.post('/api/cart/items', { skuId: sku.skuId, quantity: 1 }, { token });

    let res = await t.post<CartView>('/api/cart/select-all', { selected: false, merchantId: 'm_s1' }, { token });
    expect(res.status).toBe(200);
    expect(res.body.lines.filter((l) => !l.selected).map((l) => l.skuId).sort()).toEqual([a.skuId, b.skuId].sort());
    expect(res.body.totals).toMatchObject({ selectedLines: 1, itemsAmount: 500 });

    res = await t.post<CartView>('/api/cart/select-all', { selected: false, merchantId: 'm_s2' }, { token });
    expect(res.body.totals).toMatchObject({ selectedLines: 0 });
    res = await t.post<CartView>('/api/cart/select-all', { selected: true, merchantId: 'm_s1' }, { token });
    expect(res.body.totals).toMatchObject({ selectedLines: 2, itemsAmount: 3000 });
    expect(lineOf(res.body, c.skuId).selected).toBe(false);

    // A shop with nothing in this cart changes nothing; a malformed id is a 400.
    res = await t.post<CartView>('/api/cart/select-all', { selected: false, merchantId: 'm_none' }, { token });
    expect(res.body.totals).toMatchObject({ selectedLines: 2 });
    const bad = await t.post('/api/cart/select-all', { selected: false, merchantId: '' }, { token });
    expect(bad.status).toBe(400);
  });

  it('adds quantities of an existing SKU, capped at 99; a line above stock is flagged, not refused', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 5 });
    await t.post('/api/cart/items', { skuId: a.skuId, quantity: 3 }, { token });
    let res = await t.post<CartView>('/api/cart/items', { skuId: a.skuId, quantity: 4 }, { token });
    expect(lineOf(res.body, a.skuId)).toMatchObject({ quantity: 7, valid: false, issue: 'insufficient_stock' });
    expect(res.body.totals).toMatchObject({ selectedLines: 0, itemsAmount: 0, totalLines: 1 });
    res = await t.post<CartView>('/api/cart/items', { skuId: a.skuId, quantity: 99 }, { token });
    expect(lineOf(res.body, a.skuId).quantity).toBe(99);
  });

  it('refuses a sold-out, off-shelf or unknown SKU and writes nothing', async () => {
    const { token, userId } = await userToken(t.db, t.config.tokenSecret);
    const soldOut = await makeSku(t.db, { stock: 0 });
    const off = await makeSku(t.db, { onShelf: false });
    let res = await t.post('/api/cart/items', { skuId: soldOut.skuId, quantity: 1 }, { token });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'OUT_OF_STOCK', skuId: soldOut.skuId });
    res = await t.post('/api/cart/items', { skuId: off.skuId, quantity: 1 }, { token });
    expect(res.body).toMatchObject({ status: 409, code: 'SKU_UNAVAILABLE' });
    res = await t.post('/api/cart/items', { skuId: 'sku_nope', quantity: 1 }, { token });
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await cartRows(userId)).toEqual([]);
  });

  it('rejects zero, negative, absurd and unknown input with 400 and writes nothing', async () => {
    const { token, userId } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db);
    for (const body of [
      { skuId: a.skuId, quantity: 0 },
      { skuId: a.skuId, quantity: -1 },
      { skuId: a.skuId, quantity: 100 },
      { skuId: a.skuId, quantity: 1.5 },
      { skuId: a.skuId, quantity: '2' },
      { skuId: a.skuId, quantity: 1, price: 1 },
      { skuId: '../etc', quantity: 1 },
    ]) {
      const res = await t.post('/api/cart/items', body, { token });
      expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const malformed = await t.request('POST', '/api/cart/items', { payload: '{"skuId":', token, headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await cartRows(userId)).toEqual([]);
    const patch = await t.patch(`/api/cart/items/${a.skuId}`, {}, { token });
    expect(patch.status).toBe(400);
    const missing = await t.patch(`/api/cart/items/${a.skuId}`, { quantity: 2 }, { token });
    expect(missing.status).toBe(404);
    expect((await t.del(`/api/cart/items/${a.skuId}`, { token })).status).toBe(404);
  });

  it('flags every line issue on read; totals count only valid selected lines', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const ok = await makeSku(t.db, { price: 100 });
    const off = await makeSku(t.db, { price: 100 });
    const out = await makeSku(t.db, { price: 100 });
    const few = await makeSku(t.db, { price: 100, stock: 5 });
    const pricey = await makeSku(t.db, { price: 100 });
    for (const s of [ok, off, out, few, pricey]) await t.post('/api/cart/items', { skuId: s.skuId, quantity: 3 }, { token });
    await setOnShelf(t.db, off.productId, false);
    await setSku(t.db, out.skuId, { stock: 0 });
    await setSku(t.db, few.skuId, { stock: 2 });
    await setSku(t.db, pricey.skuId, { price: 120 });

    const cart = (await t.get<CartView>('/api/cart', { token })).body;
    expect(lineOf(cart, ok.skuId)).toMatchObject({ valid: true, issue: null });
    expect(lineOf(cart, off.skuId)).toMatchObject({ valid: false, issue: 'off_shelf' });
    expect(lineOf(cart, out.skuId)).toMatchObject({ valid: false, issue: 'out_of_stock', stock: 0 });
    expect(lineOf(cart, few.skuId)).toMatchObject({ valid: false, issue: 'insufficient_stock', stock: 2 });
    expect(lineOf(cart, pricey.skuId)).toMatchObject({ valid: true, issue: 'price_changed', unitPrice: 120, addedPrice: 100, lineAmount: 360 });
    expect(cart.totals).toEqual({ selectedQuantity: 6, selectedLines: 2, itemsAmount: 300 + 360, totalLines: 5 });
  });

  it('keeps each user\'s cart to that user', async () => {
    const alice = await userToken(t.db, t.config.tokenSecret);
    const bob = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db);
    await t.post('/api/cart/items', { skuId: a.skuId, quantity: 1 }, { token: alice.token });
    expect((await t.get<CartView>('/api/cart', { token: bob.token })).body.lines).toEqual([]);
    expect((await t.patch(`/api/cart/items/${a.skuId}`, { quantity: 2 }, { token: bob.token })).status).toBe(404);
    expect((await t.get('/api/cart')).status).toBe(401);
  });

  it('holds at most 100 lines', async () => {
    const { token, userId } = await userToken(t.db, t.config.tokenSecret);
    const now = Date.now();
    const skus = [];
    for (let i = 0; i < MAX_CART_LINES + 1; i++) skus.push(await makeSku(t.db, { price: 100 }));
    await t.db
      .insertInto('cart_lines')
      .values(skus.slice(0, MAX_CART_LINES).map((s, i) => ({ user_id: userId, sku_id: s.skuId, quantity: 1, selected: 1, added_price: 100, added_at: now + i })))
      .execute();
    const res = await t.post('/api/cart/items', { skuId: skus[MAX_CART_LINES].skuId, quantity: 1 }, { token });
    expect([res.status, res.body.code]).toEqual([409, 'CART_FULL']);
    // Adding to an existing line still works at the limit.
    const again = await t.post<CartView>('/api/cart/items', { skuId: skus[0].skuId, quantity: 1 }, { token });
    expect(again.status).toBe(200);
    expect(again.body.totals.totalLines).toBe(MAX_CART_LINES);
  });
});

describe('merge and quote', () => {
  it('merges a guest cart: quantities add up (capped at 99), unknown SKUs dropped', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const a = await makeSku(t.db, { price: 200, stock: 500 });
    const b = await makeSku(t.db, { price: 300 });
    await t.post('/api/cart/items', { skuId: a.skuId, quantity: 60 }, { token });
    const res = await t.post<CartView>(
      '/api/cart/merge',
      {
        lines: [
          { skuId: a.skuId, quantity: 50 },
          { skuId: b.skuId, quantity: 2, selected: false, addedPrice: 250 },
          { skuId: 'sku_gone', quantity: 1 },
        ],
      },
      { token },
    );
    expect(res.status).toBe(200);
    expect(res.body.lines.map((l) => [l.skuId, l.quantity, l.selected])).toEqual(
      expect.arrayContaining([
        [a.skuId, 99, true],
        [b.skuId, 2, false],
      ]),
    );
    expect(res.body.lines).toHaveLength(2);
    expect(lineOf(res.body, b.skuId)).toMatchObject({ addedPrice: 250, unitPrice: 300, issue: 'price_changed' });
    expect(res.body.totals).toMatchObject({ selectedLines: 1, itemsAmount: 99 * 200 });
  });

  it('quotes a guest draft without storing it, for guests too', async () => {
    const a = await makeSku(t.db, { price: 700, stock: 3 });
    const off = await makeSku(t.db, { onShelf: false });
    const res = await t.post<CartView>('/api/cart/quote', {
      lines: [
        { skuId: a.skuId, quantity: 2 },
        { skuId: a.skuId, quantity: 1 },
        { skuId: off.skuId, quantity: 1 },
        { skuId: 'sku_gone', quantity: 1 },
      ],
    });
    expect(res.status).toBe(200);
    expect(lineOf(res.body, a.skuId)).toMatchObject({ quantity: 3, lineAmount: 2100, valid: true });
    expect(lineOf(res.body, off.skuId)).toMatchObject({ valid: false, issue: 'off_shelf' });
    expect(lineOf(res.body, 'sku_gone')).toMatchObject({ valid: false, issue: 'sku_missing', lineAmount: 0, productId: null, merchantId: null, image: null });
    expect(res.body.totals).toEqual({ selectedQuantity: 3, selectedLines: 1, itemsAmount: 2100, totalLines: 3 });
    const stored = await t.db.selectFrom('cart_lines').select('sku_id').where('sku_id', '=', a.skuId).execute();
    expect(stored).toEqual([]);
  });

  it('refuses more than 100 guest lines', async () => {
    const lines = Array.from({ length: 101 }, (_, i) => ({ skuId: `sku_${i}`, quantity: 1 }));
    const res = await t.post('/api/cart/quote', { lines });
    expect(res.status).toBe(400);
  });
});
