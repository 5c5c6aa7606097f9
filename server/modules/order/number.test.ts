import { sql, type Kysely } from 'kysely';
import type { ParentOrder } from '@contract/order';
import * as m006 from '../../db/migrations/006_order_numbers';
import { testApp, type TestApp } from '../../test/app';
import * as numbers from './number';
import { chinaDate, ORDER_NUMBER_PATTERN, orderNumber } from './number';
import { findOrdersByNumber } from './service';
import { makeSku, userToken } from './testing';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => jest.restoreAllMocks());

const pickup = { type: 'pickup', contactName: '张三', contactPhone: '13800138000' } as const;
let keys = 0;

async function twoShopOrder(token: string) {
  const a = await makeSku(t.db, { merchantId: 'm_n1', merchantName: '甲店', price: 1000 });
  const b = await makeSku(t.db, { merchantId: 'm_n2', merchantName: '乙店', price: 2000 });
  const res = await t.post<ParentOrder>(
    '/api/orders',
    { items: [{ skuId: a.skuId, quantity: 1 }, { skuId: b.skuId, quantity: 1 }], fulfilment: pickup },
    { token, idempotencyKey: `num-${process.pid}-${++keys}` },
  );
  expect(res.status).toBe(201);
  return res.body;
}

describe('order numbers', () => {
  it('are 19 digits: the date in China time, then random digits', () => {
    // 2026-12-06 17:30 UTC is already 2026-12-07 in China.
    expect(chinaDate(Date.UTC(2026, 11, 6, 17, 30))).toBe('20261207');
    expect(chinaDate(Date.UTC(2026, 11, 6, 15, 59))).toBe('20261206');
    const n = orderNumber(Date.UTC(2026, 11, 6, 17, 30));
    expect(n).toMatch(ORDER_NUMBER_PATTERN);
    expect(n.startsWith('20261207')).toBe(true);
    const many = new Set(Array.from({ length: 2000 }, () => orderNumber(Date.now()).slice(8)));
    expect(many.size).toBe(2000);
  });

  it('every parent and child order gets its own number, shown on reads and in the list', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const parent = await twoShopOrder(token);
    const all = [parent.orderNo, ...parent.children.map((c) => c.orderNo)];
    all.forEach((n) => expect(n).toMatch(ORDER_NUMBER_PATTERN));
    expect(new Set(all).size).toBe(3);
    expect(parent.orderNo.startsWith(chinaDate(parent.createdAt))).toBe(true);

    const child = await t.get<{ orderNo: string }>(`/api/orders/${parent.children[0].id}`, { token });
    expect(child.body.orderNo).toBe(parent.children[0].orderNo);
    const again = await t.get<ParentOrder>(`/api/parent-orders/${parent.id}`, { token });
    expect(again.body.orderNo).toBe(parent.orderNo);
    const list = await t.get<{ items: { id: string; orderNo: string }[] }>('/api/orders', { token });
    expect(list.body.items.map((o) => o.orderNo).sort()).toEqual(parent.children.map((c) => c.orderNo).sort());
  });

  it('a merchant finds an order by the number the shopper reads out (a child, or a parent\'s children)', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const parent = await twoShopOrder(token);
    const [first, second] = parent.children;
    expect((await findOrdersByNumber(t.db, ` ${first.orderNo} `)).map((o) => o.id)).toEqual([first.id]);
    expect((await findOrdersByNumber(t.db, parent.orderNo)).map((o) => o.id).sort()).toEqual([first.id, second.id].sort());
    expect(await findOrdersByNumber(t.db, '2026120700000000000')).toEqual([]);
    expect(await findOrdersByNumber(t.db, 'not a number')).toEqual([]);
  });

  it('a number already taken is drawn again; the order is written once', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const first = await twoShopOrder(token);
    const real = numbers.orderNumber;
    let calls = 0;
    // The first draw of the next order repeats an existing number: the unique index refuses it.
    jest.spyOn(numbers, 'orderNumber').mockImplementation((now, random) => (++calls === 1 ? first.orderNo : real(now, random)));
    const second = await twoShopOrder(token);
    expect(calls).toBeGreaterThan(3);
    expect(second.orderNo).not.toBe(first.orderNo);
    const rows = await t.db.selectFrom('parent_orders').select('order_no').where('order_no', '=', first.orderNo).execute();
    expect(rows).toHaveLength(1);
  });

  it('migration 006 numbers the orders made before it, from their creation date, and keeps numbers unique', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const made = await twoShopOrder(token);
    await m006.down(t.db as unknown as Kysely<unknown>);
    const created = Date.UTC(2025, 5, 1, 20, 0);
    await sql`update parent_orders set created_at = ${created} where id = ${made.id}`.execute(t.db);
    await m006.up(t.db as unknown as Kysely<unknown>);
    const parent = await t.db.selectFrom('parent_orders').select('order_no').where('id', '=', made.id).executeTakeFirstOrThrow();
    expect(parent.order_no).toMatch(ORDER_NUMBER_PATTERN);
    expect(parent.order_no.startsWith('20250602')).toBe(true);
    const children = await t.db.selectFrom('orders').select(['id', 'order_no']).where('parent_id', '=', made.id).orderBy('id').execute();
    expect(children).toHaveLength(2);
    children.forEach((c) => expect(c.order_no).toMatch(ORDER_NUMBER_PATTERN));
    const nulls = await t.db.selectFrom('orders').select('id').where('order_no', 'is', null).execute();
    expect(nulls).toEqual([]);
    // The unique indexes are back (refusing a taken number is the redraw test's part above).
    const indexes = t.testDb.dialect === 'postgres'
      ? (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexname like '%order_no%'`.execute(t.db)).rows
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name like '%order_no%'`.execute(t.db)).rows;
    expect(indexes.map((i) => i.name).sort()).toEqual(['orders_order_no_uq', 'parent_orders_order_no_uq']);
  });
});
