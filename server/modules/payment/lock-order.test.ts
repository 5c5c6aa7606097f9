import type { ClientParams, PayChannel } from '@contract/payment';
import { channelRegistry } from '../../channels/registry';
import type { ChannelAdapter, PrepayInput, RefundState, TradeState, VerifiedNotification } from '../../channels/types';
import { newId } from '../../platform/ids';
import { testConfig } from '../../test/app';
import { testDb, type TestDb } from '../../test/db';
import { createOrder } from '../order/service';
import { makeSku } from '../order/testing';
import { checkLedger } from '../wallet/check';
import type { PaymentDeps } from './deps';
import { createPayment } from './service';
import { buildPaymentDeps } from './setup';

/**
 * Concurrent payments touch the same platform accounts (payment clearing, points issuance and
 * expense, merchant payables) in transactions that post more than once (a new shopper's welcome
 * grant before the hold; the hold and the capture of a payment its internal tenders cover). On
 * PostgreSQL two such transactions can lock those rows in opposite orders and deadlock; the
 * payment must still be made (the victim transaction runs again), never answered with an error.
 */
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

let tdb: TestDb;
let deps: PaymentDeps;
beforeAll(async () => {
  tdb = await testDb({ poolSize: 12 });
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  deps = buildPaymentDeps({ db: tdb.db, config: testConfig(), log: quiet, channels: channelRegistry([new OpenChannel()]) });
});
afterAll(async () => {
  await deps.outbox.stop();
  await tdb.destroy();
});

const pickup = { type: 'pickup', contactName: '张三', contactPhone: '13800138000' } as const;

it('many shoppers pay at once (first payments with the welcome grant, internal-only payments, channel payments): every payment is made', async () => {
  const cheap = await makeSku(tdb.db, { price: 3000, stock: 10_000, merchantId: 'm_lock1' });
  const dear = await makeSku(tdb.db, { price: 90_000, stock: 10_000, merchantId: 'm_lock2' });
  const order = async (userId: string, skuId: string) =>
    (await createOrder(tdb.db, { userId, idempotencyKey: newId('k'), body: { items: [{ skuId, quantity: 1 }], fulfilment: pickup }, payTimeoutSeconds: 900 })).id;

  // Shoppers who already have their welcome grant (a first small payment each).
  const known = Array.from({ length: 16 }, (_, i) => `u_lock_known_${process.pid}_${i}`);
  for (const userId of known) {
    await createPayment(deps, { userId, orderId: await order(userId, cheap.skuId), tenders: { balance: true, points: false, giftCards: [] }, scene: 'mini' });
  }
  for (let round = 0; round < 3; round++) {
    const fresh = Array.from({ length: 16 }, (_, i) => `u_lock_new_${process.pid}_${round}_${i}`);
    const jobs: { userId: string; orderId: string; internalOnly: boolean }[] = [];
    for (let i = 0; i < 16; i++) {
      jobs.push({ userId: fresh[i], orderId: await order(fresh[i], dear.skuId), internalOnly: false });
      jobs.push({ userId: known[i], orderId: await order(known[i], i % 2 === 0 ? cheap.skuId : dear.skuId), internalOnly: i % 2 === 0 });
    }
    const results = await Promise.allSettled(
      jobs.map((j) => createPayment(deps, { userId: j.userId, orderId: j.orderId, tenders: { balance: true, points: true, giftCards: [] }, channel: j.internalOnly ? undefined : CHANNEL, scene: 'mini' })),
    );
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(errors).toEqual([]);
  }
  expect((await checkLedger(tdb.db)).discrepancies).toEqual([]);
});
