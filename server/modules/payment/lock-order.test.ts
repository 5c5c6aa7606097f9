import type { ClientParams, PayChannel } from '@contract/payment';
import { channelRegistry } from '../../channels/registry';
import type { ChannelAdapter, PrepayInput, RefundState, TradeState, VerifiedNotification } from '../../channels/types';
import { newId } from '../../infra/ids';
import { testConfig } from '../../test/app';
import { transientRetries } from '../../db/transaction';
import { testDb, type TestDb } from '../../test/db';
import { createOrder } from '../order/service';
import { makeSku } from '../order/testing';
import { checkLedger } from '../../checks/ledger';
import type { PaymentDeps } from './deps';
import { createPayment } from './service';
import { buildCore } from '../../compose';

/**
 * The lock order of payments (docs/architecture.md, "Lock order").
 *
 * Concurrent payments touch the same platform accounts (payment clearing, points issuance and
 * expense, merchant payables) in transactions that post more than once (a new shopper's welcome
 * grant before the hold; the hold and the capture of a payment its internal tenders cover), and
 * create accounts on first use (a new shopper's, a shard's first payment, a merchant's payable
 * on a shard). Every such transaction locks or creates all its accounts first, in the one order
 * post() uses, so on PostgreSQL no two of them can wait for each other in a cycle: the scenario
 * is run many times, and not one transaction may need the transaction runner's retry (which
 * would hide a deadlock from the shopper but not from this test).
 */
const ROUNDS = process.env.TEST_DB === 'postgres' ? 10 : 2;
const CHANNEL: PayChannel = 'sandbox';

class OpenChannel implements ChannelAdapter {
  readonly channel = CHANNEL;
  readonly appId = 'app-lock';
  readonly merchantNo = 'mch-lock';
  async prepay(input: PrepayInput): Promise<ClientParams> {
    return { kind: 'sandbox', cashierUrl: `http://127.0.0.1/sandbox/pay/${input.paymentNo}`, paymentNo: input.paymentNo };
  }
  async query(): Promise<TradeState> {
    return { state: 'unpaid', tradeNo: null, amount: 0, paidAt: null };
  }
  async close(): Promise<void> {}
  async refund(): Promise<RefundState> {
    throw new Error('not used');
  }
  async queryRefund(): Promise<RefundState> {
    throw new Error('not used');
  }
  verifyNotification(): VerifiedNotification {
    throw new Error('not used');
  }
  readonly notifyFormat = { contentType: 'text/plain', success: '', failure: () => '' };
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const pickup = { type: 'pickup', contactName: '张三', contactPhone: '13800138000' } as const;

/** A fresh database with the payment module over a channel that leaves payments open. */
async function shop(): Promise<{ tdb: TestDb; deps: PaymentDeps; close(): Promise<void> }> {
  const tdb = await testDb({ poolSize: 12 });
  const deps = buildCore({ db: tdb.db, config: testConfig(), log: quiet, channels: channelRegistry([new OpenChannel()]) }).payments;
  return {
    tdb,
    deps,
    close: async () => {
      await deps.outbox.stop();
      await tdb.destroy();
    },
  };
}

function orderFor(tdb: TestDb) {
  return async (userId: string, skuId: string) =>
    (await createOrder(tdb.db, { userId, idempotencyKey: newId('k'), body: { items: [{ skuId, quantity: 1 }], fulfilment: pickup }, payTimeoutSeconds: 900 })).id;
}

interface Job {
  userId: string;
  orderId: string;
  internalOnly: boolean;
}

async function payAtOnce(deps: PaymentDeps, jobs: readonly Job[]): Promise<string[]> {
  const results = await Promise.allSettled(
    jobs.map((j) => createPayment(deps, { userId: j.userId, orderId: j.orderId, tenders: { balance: true, points: true, giftCards: [] }, channel: j.internalOnly ? undefined : CHANNEL, scene: 'mini' })),
  );
  return results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
}

it('on a new database, 32 new shoppers pay at once (welcome grant, hold and capture create the shared accounts they race for), many times over: every payment is made, no transaction is retried', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const s = await shop();
    try {
      const order = orderFor(s.tdb);
      const cheap = await makeSku(s.tdb.db, { price: 1000, stock: 10_000, merchantId: 'm_lock1' });
      const dear = await makeSku(s.tdb.db, { price: 90_000, stock: 10_000, merchantId: 'm_lock2' });
      const jobs: Job[] = [];
      for (let i = 0; i < 32; i++) {
        const userId = `u_lock_${round}_${i}`;
        const internalOnly = i % 2 === 0;
        jobs.push({ userId, orderId: await order(userId, internalOnly ? cheap.skuId : dear.skuId), internalOnly });
      }
      expect(await payAtOnce(s.deps, jobs)).toEqual([]);
      expect(transientRetries(s.tdb.db)).toEqual({});
      expect((await checkLedger(s.tdb.db)).discrepancies).toEqual([]);
    } finally {
      await s.close();
    }
  }
});

it('shoppers who paid before and new shoppers pay at once, round after round: every payment is made, no transaction is retried', async () => {
  const s = await shop();
  try {
    const order = orderFor(s.tdb);
    const cheap = await makeSku(s.tdb.db, { price: 1000, stock: 10_000, merchantId: 'm_lock1' });
    const dear = await makeSku(s.tdb.db, { price: 90_000, stock: 10_000, merchantId: 'm_lock2' });
    // Shoppers who already have their welcome grant (a first small payment each).
    const known = Array.from({ length: 16 }, (_, i) => `u_lock_known_${i}`);
    for (const userId of known) {
      await createPayment(s.deps, { userId, orderId: await order(userId, cheap.skuId), tenders: { balance: true, points: false, giftCards: [] }, scene: 'mini' });
    }
    for (let round = 0; round < 3; round++) {
      // A merchant of its own each round: its payable accounts are created by this round's captures.
      const fromNewMerchant = await makeSku(s.tdb.db, { price: 1000, stock: 10_000, merchantId: `m_lock_r${round}` });
      const jobs: Job[] = [];
      for (let i = 0; i < 16; i++) {
        const fresh = `u_lock_new_${round}_${i}`;
        jobs.push({ userId: fresh, orderId: await order(fresh, dear.skuId), internalOnly: false });
        jobs.push({ userId: known[i], orderId: await order(known[i], i % 2 === 0 ? fromNewMerchant.skuId : dear.skuId), internalOnly: i % 2 === 0 });
      }
      expect(await payAtOnce(s.deps, jobs)).toEqual([]);
    }
    expect(transientRetries(s.tdb.db)).toEqual({});
    expect((await checkLedger(s.tdb.db)).discrepancies).toEqual([]);
  } finally {
    await s.close();
  }
});
