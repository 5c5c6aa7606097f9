import type { DashboardFigures } from '@contract/workbench';
import { dashboardFigures as figuresSchema } from '@contract/workbench';
import { testApp, uniquePhone, type TestApp } from '../../test/app';
import { paidOrder, pay, placeOrder, shopper, type Shopper } from '../../test/workbench';
import { addStaff, makeMerchant } from '../merchant/testing';
import { requestIn } from '../aftersale/testing';
import { userToken } from '../order/testing';
import { DEBOUNCE_MS, merchantDay, pushDueDashboards, recordDashboardChange } from './service';
import { transact } from '../../db/transaction';

/**
 * The merchant's dashboard (docs/merchant.md, "Dashboard"): today's figures in Asia/Shanghai,
 * computed from the orders and refunds of the day, and their debounced push on the merchant's
 * topic when they change.
 */
let t: TestApp;
let buyer: Shopper;
beforeAll(async () => {
  t = await testApp({ seed: false });
  buyer = await shopper(t, uniquePhone());
});
afterAll(async () => {
  await t.close();
});

let refundCounter = 0;
/** A refund that succeeded at `at` for a paid order (the payment module's rows, as a refund leaves them). */
async function refunded(orderId: string, merchantId: string, amount: number, at: number): Promise<void> {
  refundCounter += 1;
  const paymentId = `pay_dash${process.pid}x${refundCounter}`;
  await t.db
    .insertInto('payments')
    .values({
      id: paymentId, payment_no: `PAYDASH${process.pid}${refundCounter}`, user_id: buyer.userId, order_id: orderId, channel: 'sandbox', amount, status: 'succeeded',
      trade_no: null, created_at: at, updated_at: at, expires_at: at, paid_at: at, scene: null, end_reason: null, client_params: null, request_hash: null,
      app_id: null, merchant_no: null, ended_at: null, next_check_at: null,
    })
    .execute();
  await t.db.insertInto('payment_orders').values({ payment_id: paymentId, order_id: orderId, amount, merchant_id: merchantId, payable_amount: amount }).execute();
  await t.db
    .insertInto('refunds')
    .values({
      id: `rf_dash${process.pid}x${refundCounter}`,
      refund_no: `RFDASH${process.pid}${refundCounter}`,
      user_id: buyer.userId,
      order_id: orderId,
      amount,
      reason: '不想要了',
      status: 'succeeded',
      source: 'shopper',
      created_at: at,
      updated_at: at,
      succeeded_at: at,
      next_check_at: null,
    })
    .execute();
}

it("cuts the merchant's day at midnight in Asia/Shanghai", () => {
  // 2026-01-01 16:00 UTC is 2026-01-02 00:00 in Shanghai.
  const midnight = Date.UTC(2026, 0, 1, 16);
  expect(merchantDay(midnight)).toEqual({ from: midnight, to: midnight + 86_400_000, date: '2026-01-02' });
  expect(merchantDay(midnight - 1)).toMatchObject({ to: midnight, date: '2026-01-01' });
});

it("computes today's paid orders, GMV, refunds and the orders waiting, for this merchant only", async () => {
  const m = 'm_dash';
  await makeMerchant(t.db, m);
  const owner = await userToken(t.db, t.config.tokenSecret);
  await addStaff(t.db, m, owner.userId, 'owner');
  const day = merchantDay(Date.now());
  const a = await paidOrder(t, buyer, { merchantId: m, price: 1000 }); // waits to ship
  const b = await paidOrder(t, buyer, { merchantId: m, price: 2500, type: 'pickup' }); // waits for pickup
  const shipped = await paidOrder(t, buyer, { merchantId: m, price: 4000 });
  expect((await t.post(`/api/merchants/${m}/orders/${shipped.orderId}/ship`, { parcels: [{ carrier: 'sf', trackingNo: 'SF1000' }] }, { token: owner.token })).status).toBe(200);
  const yesterday = await placeOrder(t, buyer, { merchantId: m, price: 9900 });
  await pay(t, yesterday.orderId, day.from - 60_000); // paid before today began: waits to ship, not in today's figures
  await placeOrder(t, buyer, { merchantId: m, price: 7700 }); // never paid
  await paidOrder(t, buyer, { merchantId: 'm_dash_other', price: 5000 }); // another merchant's
  await refunded(a.orderId, m, 300, Date.now());
  await refunded(shipped.orderId, m, 400, day.from - 1); // yesterday's refund

  const res = await t.get<DashboardFigures>(`/api/merchants/${m}/dashboard`, { token: owner.token });
  expect(res.status).toBe(200);
  expect(() => figuresSchema.parse(res.body)).not.toThrow();
  const payable = async (id: string) => Number((await t.db.selectFrom('orders').select('payable_amount').where('id', '=', id).executeTakeFirstOrThrow()).payable_amount);
  expect(res.body).toMatchObject({
    date: day.date,
    timeZone: 'Asia/Shanghai',
    paidOrders: 3,
    gmv: (await payable(a.orderId)) + (await payable(b.orderId)) + (await payable(shipped.orderId)),
    refunds: { count: 1, amount: 300 },
    toShip: 2,
    toPickup: 1,
    afterSalesWaiting: 0,
  });
});

it('counts the after-sale requests waiting for the merchant: to decide, returns to receive, failed refunds to retry', async () => {
  const m = 'm_dash_as';
  await makeMerchant(t.db, m);
  const owner = await userToken(t.db, t.config.tokenSecret);
  await addStaff(t.db, m, owner.userId, 'owner');
  const count = async () => (await t.get<DashboardFigures>(`/api/merchants/${m}/dashboard`, { token: owner.token })).body.afterSalesWaiting;
  expect(await count()).toBe(0);
  const asked = await requestIn(t, m, 'requested');
  await requestIn(t, m, 'returning', 'return_refund', owner.token);
  expect(await count()).toBe(2);
  // Rejected: no longer waiting.
  expect((await t.post(`/api/merchants/${m}/after-sales/${asked.id}/reject`, { reason: '商品已影响二次销售' }, { token: owner.token, idempotencyKey: `dash-as-${Date.now()}` })).status).toBe(200);
  expect(await count()).toBe(1);
});

it("pushes the figures on the merchant's topic when they change, once per burst (debounced)", async () => {
  const m = 'm_dashpush';
  await makeMerchant(t.db, m);
  const relay = async () => {
    for (let i = 0; i < 20; i++) {
      const r = await t.app.core.outbox.relayOnce();
      if (r.delivered + r.retried + r.dead === 0) return;
    }
  };
  const pushes = async () =>
    (await t.db.selectFrom('realtime_messages').select(['type', 'data']).where('topic', '=', `merchant:${m}`).where('type', '=', 'dashboard.updated').orderBy('version').execute()).map(
      (r) => JSON.parse(r.data) as DashboardFigures,
    );
  // Earlier tests' changes are pushed first: this test counts its own.
  await pushDueDashboards(t.db, Date.now() + DEBOUNCE_MS + 1);
  await paidOrder(t, buyer, { merchantId: m });
  await paidOrder(t, buyer, { merchantId: m });
  await paidOrder(t, buyer, { merchantId: m });
  await relay();
  // Not due yet: the burst waits for its debounce.
  expect(await pushDueDashboards(t.db, Date.now())).toBe(0);
  const later = Date.now() + DEBOUNCE_MS + 1;
  expect(await pushDueDashboards(t.db, later)).toBeGreaterThanOrEqual(1);
  expect(await pushDueDashboards(t.db, later)).toBe(0);
  const sent = await pushes();
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ paidOrders: 3, toShip: 3 });
  // The next change is pushed again.
  await paidOrder(t, buyer, { merchantId: m });
  await relay();
  await pushDueDashboards(t.db, Date.now() + DEBOUNCE_MS + 1);
  expect((await pushes()).map((f) => f.paidOrders)).toEqual([3, 4]);
});

it("records a change in the event's own transaction: none when it rolls back, and one push for nodes pushing at once", async () => {
  const m = 'm_dashtx';
  await makeMerchant(t.db, m);
  const changes = async () => (await t.db.selectFrom('dashboard_changes').select('event_id').where('merchant_id', '=', m).execute()).length;
  const event = (id: string, at: number) => ({ id, type: 'order.shipped', version: 1, aggregateId: 'o_x', payload: { merchantId: m }, createdAt: at });
  await expect(
    transact(t.db, async (trx) => {
      await recordDashboardChange(trx, event('evt_dash_rolled', Date.now()));
      throw new Error('the producer failed');
    }),
  ).rejects.toThrow('the producer failed');
  expect(await changes()).toBe(0);
  // Several changes, two nodes pushing together: one push.
  await pushDueDashboards(t.db, Date.now() + DEBOUNCE_MS + 1);
  const at = Date.now() - DEBOUNCE_MS - 1;
  for (let i = 0; i < 3; i++) await transact(t.db, (trx) => recordDashboardChange(trx, event(`evt_dash_${i}`, at)));
  const before = (await t.db.selectFrom('realtime_messages').select('version').where('topic', '=', `merchant:${m}`).execute()).length;
  const [a, b] = await Promise.all([pushDueDashboards(t.db, Date.now()), pushDueDashboards(t.db, Date.now())]);
  expect(a + b).toBe(1);
  expect(await changes()).toBe(0);
  expect((await t.db.selectFrom('realtime_messages').select('version').where('topic', '=', `merchant:${m}`).execute()).length).toBe(before + 1);
  // A change that committed after the take (its time before it) is pushed by the next run.
  await transact(t.db, (trx) => recordDashboardChange(trx, event('evt_dash_late', at)));
  expect(await pushDueDashboards(t.db, Date.now())).toBe(1);
});
