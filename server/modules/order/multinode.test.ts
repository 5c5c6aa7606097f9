import { testConfig, testNodes, type TestNodes } from '../../test/app';
import type { TestDb } from '../../test/db';
import { makeSku, stockOf, userToken } from './testing';

/**
 * Two API nodes (separate apps, separate connections or pools) on one database: stock,
 * idempotent order creation and payment notifications hold across nodes, because every
 * guard is in the database.
 */
let cluster: TestNodes;
let tdb: TestDb;
let nodes: TestNodes['nodes'];
const config = testConfig();
beforeAll(async () => {
  cluster = await testNodes();
  ({ tdb, nodes } = cluster);
});
afterAll(() => cluster.close());

const pickup = { type: 'pickup', contactName: '周九', contactPhone: '13300133000' };

async function createOrder(node: number, token: string, key: string, skuId: string) {
  const res = await fetch(`${nodes[node].base}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify({ items: [{ skuId, quantity: 1 }], fulfilment: pickup }),
  });
  const body = (await res.json()) as { id?: string; code?: string };
  return { status: res.status, body };
}

it('60 shoppers on two nodes for 20 units: exactly 20 orders, stock 0', async () => {
  const sku = await makeSku(tdb.db, { stock: 20 });
  // Each shopper's account is in the shared database; both nodes' configs derive the token secret from the test data dir.
  const shoppers = await Promise.all(Array.from({ length: 60 }, () => userToken(tdb.db, config.tokenSecret)));
  const results = await Promise.all(shoppers.map((s, i) => createOrder(i % 2, s.token, `mn-${i}`, sku.skuId)));
  expect(results.filter((r) => r.status === 201)).toHaveLength(20);
  const refused = results.filter((r) => r.status !== 201);
  expect(refused.every((r) => r.status === 409 && r.body.code === 'OUT_OF_STOCK')).toBe(true);
  expect(await stockOf(tdb.db, sku.skuId)).toBe(0);
});

it('one Idempotency-Key sent to both nodes at once creates one order', async () => {
  const sku = await makeSku(tdb.db, { stock: 20 });
  const { token, userId } = await userToken(tdb.db, config.tokenSecret);
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => createOrder(i % 2, token, 'mn-same-key', sku.skuId)));
  const created = results.filter((r) => r.status === 201);
  expect(created.length).toBeGreaterThan(0);
  expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
  const parents = await tdb.db.selectFrom('parent_orders').select('id').where('user_id', '=', userId).execute();
  expect(parents).toHaveLength(1);
  expect(await stockOf(tdb.db, sku.skuId)).toBe(19);
});
