import { testApp, type TestApp } from '../../test/app';
import { makeSku, stockOf, userToken } from './testing';

/**
 * 200 shoppers order the same SKU at once over real HTTP (the app listening on a loopback
 * port), 50 units in stock: exactly 50 orders succeed, the rest answer 409 OUT_OF_STOCK, and
 * stock ends at exactly 0.
 */
let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await testApp({ seed: false });
  base = t.baseUrl;
});
afterAll(async () => {
  await t.close();
});

it('200 concurrent orders for 50 units: exactly 50 succeed, stock ends at 0', async () => {
  const sku = await makeSku(t.db, { stock: 50, price: 990 });
  const shoppers = await Promise.all(Array.from({ length: 200 }, () => userToken(t.db, t.config.tokenSecret)));
  const responses = await Promise.all(
    shoppers.map(async ({ token }, i) => {
      const res = await fetch(`${base}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `conc-${i}` },
        body: JSON.stringify({ items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '王五', contactPhone: '13700137000' } }),
      });
      const body = (await res.json()) as { code?: string };
      return { status: res.status, code: body.code };
    }),
  );
  const created = responses.filter((r) => r.status === 201);
  const refused = responses.filter((r) => r.status === 409);
  expect(created).toHaveLength(50);
  expect(refused).toHaveLength(150);
  expect(refused.every((r) => r.code === 'OUT_OF_STOCK')).toBe(true);
  expect(await stockOf(t.db, sku.skuId)).toBe(0);
  const orders = await t.db.selectFrom('order_lines').select(['order_id', 'quantity']).where('sku_id', '=', sku.skuId).execute();
  expect(orders).toHaveLength(50);
  const parents = await t.db.selectFrom('parent_orders').select('id').execute();
  expect(parents).toHaveLength(50);
});
