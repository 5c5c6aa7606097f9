import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { testDb, type TestDb } from '../../test/db';
import { consumerSink, createOutbox } from '../../infra/outbox';
import { EVENTS } from '../../events/catalog';
import { setRules } from './rules';
import { applyReferralEvent, referralAdmits, REFERRAL_CONSUMED_EVENTS } from './consumer';
import { makeMerchant } from '../merchant/testing';
import { bindChain, merchantWithRules, uniq } from './testing';

let tdb: TestDb;
let db: Kysely<Database>;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
});
afterAll(async () => {
  await tdb.destroy();
});

const T0 = Date.UTC(2026, 0, 5, 2);
const RULES = { enabled: true, levels: 2, mode: 'rate' as const, amounts: [1000, 500], freezeDays: 7 };
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The referral consumer is asked in the order's own transaction whether an order event concerns
 * it (docs/referral.md, "What an order costs"): the events of orders that cannot earn a
 * commission are neither stored nor relayed for it.
 */
describe('which order events reach the referral consumer', () => {
  const sink = () => consumerSink(uniq('referral'), REFERRAL_CONSUMED_EVENTS, db, (trx, e) => applyReferralEvent(trx, e), referralAdmits);

  async function enqueued(merchantId: string, userId: string, type: string): Promise<boolean> {
    const s = sink();
    const box = createOutbox({ db, log: silent, sinks: [s] });
    const payload = { orderId: uniq('o'), parentId: uniq('po'), userId, merchantId, status: 'pending_payment', at: T0 };
    const id = await db.transaction().execute((trx) => box.enqueue(trx, { type, aggregateId: payload.orderId, payload }));
    return (await db.selectFrom('outbox_deliveries').select('sink').where('event_id', '=', id).where('sink', '=', s.name).executeTakeFirst()) !== undefined;
  }

  it('drops the events of a merchant without rules, of rules never enabled, and of a buyer nobody referred', async () => {
    const bound = uniq('u_buyer');
    await bindChain(db, bound, [uniq('u_promoter')]);
    const plain = await makeMerchant(db, uniq('m'));
    expect(await enqueued(plain, bound, EVENTS.orderCreated.name)).toBe(false);
    expect(await enqueued(plain, bound, EVENTS.orderPaid.name)).toBe(false);
    const off = await makeMerchant(db, uniq('m'));
    await setRules(db, off, 'u_owner', { ...RULES, enabled: false }, T0);
    expect(await enqueued(off, bound, EVENTS.orderCreated.name)).toBe(false);
    const on = await merchantWithRules(db, RULES, T0);
    expect(await enqueued(on, uniq('u_alone'), EVENTS.orderCreated.name)).toBe(false);
    expect(await enqueued(on, uniq('u_alone'), EVENTS.orderCompleted.name)).toBe(false);
  });

  it('keeps every order event of a bound buyer at a merchant that ever enabled rules, even after it turned them off; always keeps refunds', async () => {
    const bound = uniq('u_buyer');
    await bindChain(db, bound, [uniq('u_promoter')]);
    const merchantId = await merchantWithRules(db, RULES, T0);
    for (const e of [EVENTS.orderCreated, EVENTS.orderPaid, EVENTS.orderCompleted, EVENTS.orderCancelled, EVENTS.orderClosed]) {
      expect(await enqueued(merchantId, bound, e.name)).toBe(true);
    }
    await setRules(db, merchantId, 'u_owner', { ...RULES, enabled: false }, T0 + 10);
    expect(await enqueued(merchantId, bound, EVENTS.orderPaid.name)).toBe(true);
    const s = sink();
    const refund = { type: EVENTS.refundSucceeded.name, aggregateId: 'r', payload: {} };
    expect(await referralAdmits(db, { id: 'evt_x', version: 1, createdAt: T0, ...refund })).toBe(true);
    expect(s.admits).toBeDefined();
  });
});
