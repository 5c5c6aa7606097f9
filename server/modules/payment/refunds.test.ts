import type { Kysely } from 'kysely';
import type { ClientParams, PayChannel } from '@contract/payment';
import type { PointsRule } from '@contract/tender-split';
import { channelRegistry } from '../../channels/registry';
import { ChannelError, type ChannelAdapter, type PrepayInput, type RefundInput, type RefundState, type TradeState, type VerifiedNotification } from '../../channels/types';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { loadConfig } from '../../infra/config';
import { testDb, type TestDb } from '../../test/db';
import { createOrder, transitionOrder } from '../order/service';
import { makeSku } from '../order/testing';
import { checkLedger } from '../../checks/ledger';
import { PLATFORM, balanceOf, post, type AccountRef, type Posting } from '../wallet/ledger';
import { issueGiftCard } from '../wallet/service';
import { refundDepsOf, type PaymentDeps } from './deps';
import {
  applyRefundNotification,
  createRefund,
  finishLateRefunds,
  listRefunds,
  partRefundNo,
  REFUND_FLOWS,
  refundFlows,
  refundClosedOrder,
  retryRefunds,
  startLatePaymentRefund,
  type RefundDeps,
} from './refunds';
import { applyPaymentNotification, cancelPayment, createPayment, type PaymentNotification } from './service';
import { buildCore } from '../../compose';
import { consumerSink } from '../../infra/outbox';
import { OPERATION_LEASE_MS, flowRegistry, resumeOperations, type Flow } from '../../infra/steps';

const RULE: PointsRule = { pointsPerYuan: 100, capPercent: 50 };
const CHANNEL: PayChannel = 'sandbox';
const APP_ID = 'app-test';
const MERCHANT_NO = 'mch-test';
const pickup = { type: 'pickup', contactName: '张三', contactPhone: '13800138000' } as const;

/**
 * A scripted channel. Payments: prepay opens a trade, query answers what `trades` holds
 * (unpaid when unknown), close closes an unpaid trade. Refunds: each call takes the next
 * scripted answer (default succeeded); the channel keeps its first answer per refund number
 * (a retry is the same refund); queryRefund throws, like a channel that does not know the
 * refund number, until a refund call was answered.
 */
class ScriptedChannel implements ChannelAdapter {
  readonly channel = CHANNEL;
  readonly appId = APP_ID;
  readonly merchantNo = MERCHANT_NO;
  trades = new Map<string, TradeState>();
  refundCalls: RefundInput[] = [];
  queryCalls: string[] = [];
  /** 'error': a transient failure; 'refused': a refusal for good (permanent). */
  script: (RefundState | 'error' | 'refused')[] = [];
  known = new Map<string, RefundState>();
  async prepay(input: PrepayInput): Promise<ClientParams> {
    this.trades.set(input.paymentNo, { state: 'unpaid', tradeNo: null, amount: 0, paidAt: null });
    return { kind: 'sandbox', cashierUrl: `http://127.0.0.1/sandbox/pay/${input.paymentNo}`, paymentNo: input.paymentNo };
  }
  async query(paymentNo: string): Promise<TradeState> {
    return this.trades.get(paymentNo) ?? { state: 'closed', tradeNo: null, amount: 0, paidAt: null };
  }
  async close(paymentNo: string): Promise<void> {
    const trade = this.trades.get(paymentNo);
    if (trade?.state === 'paid') throw new ChannelError(CHANNEL, 'trade is paid', 'ORDER_PAID');
    this.trades.set(paymentNo, { state: 'closed', tradeNo: null, amount: 0, paidAt: null });
  }
  async refund(input: RefundInput): Promise<RefundState> {
    this.refundCalls.push(input);
    const next = this.script.shift() ?? { state: 'succeeded', channelRefundId: `CR${input.refundNo}` };
    if (next === 'error') throw new ChannelError(CHANNEL, 'connection reset', 'SYSTEM_ERROR');
    if (next === 'refused') throw new ChannelError(CHANNEL, 'the trade is closed', 'TRADE_HAS_CLOSE', { permanent: true });
    if (!this.known.has(input.refundNo)) this.known.set(input.refundNo, next);
    return this.known.get(input.refundNo) as RefundState;
  }
  async queryRefund(_paymentNo: string, refundNo: string): Promise<RefundState> {
    this.queryCalls.push(refundNo);
    const state = this.known.get(refundNo);
    if (!state) throw new ChannelError(CHANNEL, 'refund not found', 'RESOURCE_NOT_EXISTS');
    return state;
  }
  verifyNotification(): VerifiedNotification {
    throw new Error('not used by refund tests');
  }
  readonly notifyFormat = { contentType: 'application/json', success: '{}', failure: () => '{}' };
}

let t: TestDb;
let db: Kysely<Database>;
let channel: ScriptedChannel;
let payDeps: PaymentDeps;
let deps: RefundDeps;
const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'warn', SANDBOX: 'on' });
const logged: { level: string; msg: string }[] = [];

beforeAll(async () => {
  t = await testDb();
  db = t.db;
});
afterAll(async () => {
  await t.destroy();
});
beforeEach(() => {
  channel = new ScriptedChannel();
  const log = {
    info: (_o: object, msg: string) => logged.push({ level: 'info', msg }),
    warn: (_o: object, msg: string) => logged.push({ level: 'warn', msg }),
    error: (_o: object, msg: string) => logged.push({ level: 'error', msg }),
  };
  // The payment core as the app builds it (the order module's outbox consumer included), with
  // the scripted channel and a wallet without welcome grants, so tenders are exactly what the
  // tests fund.
  // An event nobody takes is not written (server/infra/outbox.ts): a sink that takes every
  // type stands for the app's broker, so the tests can read each event the refunds write.
  const everyEvent = consumerSink('every-event', ['*'], db, async () => undefined);
  payDeps = buildCore({ db, config, log, channels: channelRegistry([channel]), sinks: [everyEvent], env: {} }).payments;
  payDeps.wallet = { pointsRule: RULE, welcomeBalance: 0, welcomePoints: 0 };
  deps = refundDepsOf(payDeps);
});

afterEach(async () => {
  await payDeps.outbox.stop();
});

let users = 0;
function newUser(): string {
  users += 1;
  return `u_rf${process.pid}x${users}x${Date.now().toString(36)}`;
}

interface Tenders {
  points?: number;
  giftCard?: number;
  balance?: number;
  channel?: number;
}

interface PaidOrder {
  userId: string;
  orderId: string;
  merchantId: string;
  paymentId: string;
  paymentNo: string;
  giftCardId: string | null;
  amount: number;
}

let cards = 0;

/**
 * A child order paid through the real payment flow: the shopper's wallet funded with exactly
 * the tenders wanted (so the split uses them in full), createPayment with those tenders and
 * the scripted channel for the rest, the channel's SUCCESS notification, and the outbox relay
 * that lets the order module mark the child paid. `pay` pays only part of the child (it then
 * stays pending_payment); `cancelBeforeNotify` ends the payment before the money arrives.
 */
async function paidOrder(tenders: Tenders, opts: { userId?: string; price?: number; cancelBeforeNotify?: boolean } = {}): Promise<PaidOrder> {
  const userId = opts.userId ?? newUser();
  const total = (tenders.points ?? 0) + (tenders.giftCard ?? 0) + (tenders.balance ?? 0) + (tenders.channel ?? 0);
  const sku = await makeSku(db, { price: opts.price ?? total, merchantId: 'm_rf1' });
  const parent = await createOrder(db, { userId, idempotencyKey: newId('k'), body: { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: pickup }, payTimeoutSeconds: 900 });
  const child = parent.children[0];
  const now = Date.now();
  let card: { number: string; pin: string; id: string } | null = null;
  await db.transaction().execute(async (trx) => {
    const fund: Posting[] = [];
    if (tenders.balance) fund.push({ account: { kind: 'funding', ownerId: PLATFORM }, amount: -tenders.balance }, { account: { kind: 'user_balance', ownerId: userId }, amount: tenders.balance });
    if (tenders.points) fund.push({ account: { kind: 'points_issuance', ownerId: PLATFORM }, amount: -tenders.points }, { account: { kind: 'user_points', ownerId: userId }, amount: tenders.points });
    if (fund.length > 0) await post(trx, { ref: `test-fund:${userId}:${now}`, kind: 'test', memo: 'test funding', postings: fund, now });
  });
  await db.transaction().execute(async (trx) => {
    if (tenders.giftCard) {
      cards += 1;
      const number = `62${String(process.pid % 100000).padStart(5, '0')}${String(now % 1_000_000).padStart(6, '0')}${String(cards).padStart(3, '0')}`;
      const issued = await issueGiftCard(trx, { number, pin: '123456', faceValue: tenders.giftCard, expiresAt: now + 86_400_000 }, now);
      card = { number, pin: '123456', id: issued.id };
    }
  });
  const issuedCard = card as { number: string; pin: string; id: string } | null;
  const payment = await createPayment(
    payDeps,
    {
      userId,
      orderId: child.id,
      tenders: { balance: !!tenders.balance, points: !!tenders.points, giftCards: issuedCard ? [{ number: issuedCard.number, pin: issuedCard.pin }] : [] },
      channel: tenders.channel ? CHANNEL : undefined,
      scene: 'mini',
      amount: opts.price !== undefined && opts.price !== total ? total : undefined,
    },
    now,
  );
  expect(payment.tenders.map((x) => [x.kind, x.amount])).toEqual(
    [
      ['points', tenders.points ?? 0],
      ['gift_card', tenders.giftCard ?? 0],
      ['balance', tenders.balance ?? 0],
      ['channel', tenders.channel ?? 0],
    ].filter(([, a]) => a !== 0),
  );
  const row = await db.selectFrom('payments').select(['payment_no']).where('id', '=', payment.id).executeTakeFirstOrThrow();
  if (tenders.channel) {
    if (opts.cancelBeforeNotify) {
      await cancelPayment(payDeps, userId, payment.id, now);
    } else {
      channel.trades.set(row.payment_no, { state: 'paid', tradeNo: `TR${row.payment_no}`, amount: tenders.channel, paidAt: now });
      expect(await applyPaymentNotification(payDeps, channel, paymentNotification(row.payment_no, tenders.channel), '{}', deps.log, now)).toBe('applied');
    }
  }
  // The order module's consumer takes payment.succeeded from the outbox (a fully paid child becomes paid).
  await drainOutbox();
  return { userId, orderId: child.id, merchantId: child.merchantId, paymentId: payment.id, paymentNo: row.payment_no, giftCardId: issuedCard?.id ?? null, amount: total };
}

/**
 * Runs the outbox until every due delivery is delivered (a kick after a commit may already be
 * delivering in the background, holding the lease; wait for it).
 */
async function drainOutbox(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await payDeps.outbox.relayOnce();
    // Events written at a test's future clock are not due yet; only due ones are waited for.
    const open = await db.selectFrom('outbox_deliveries').select('event_id').where('status', '=', 'pending').where('next_attempt_at', '<=', Date.now()).execute();
    if (open.length === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  const stuck = await db.selectFrom('outbox_deliveries').select(['event_id', 'sink', 'attempts', 'last_error']).where('status', '=', 'pending').execute();
  throw new Error(`outbox deliveries still pending: ${JSON.stringify(stuck)}`);
}

function paymentNotification(paymentNo: string, amount: number): PaymentNotification {
  return { paymentNo, tradeNo: `TR${paymentNo}`, amount, status: 'SUCCESS', paidAt: Date.now(), appId: APP_ID, merchantNo: MERCHANT_NO, notificationId: newId('n') };
}

/** The ledger's own invariants plus the refund ones, checked against the database. */
async function ledgerCheck(): Promise<void> {
  const report = await checkLedger(db);
  expect(report.discrepancies).toEqual([]);
  const sums = await db.selectFrom('journal_entries').select(['tx_id', 'unit', (eb) => eb.fn.sum<number>('amount').as('s')]).groupBy(['tx_id', 'unit']).execute();
  for (const s of sums) expect([s.tx_id, Number(s.s)]).toEqual([s.tx_id, 0]);
  const accounts = await db.selectFrom('ledger_accounts').selectAll().execute();
  const entries = await db.selectFrom('journal_entries').select(['account_id', (eb) => eb.fn.sum<number>('amount').as('s')]).groupBy('account_id').execute();
  const byAccount = new Map(entries.map((e) => [e.account_id, Number(e.s)]));
  for (const a of accounts) {
    expect([a.id, Number(a.balance)]).toEqual([a.id, byAccount.get(a.id) ?? 0]);
    if (!a.may_go_negative) expect(Number(a.balance)).toBeGreaterThanOrEqual(0);
  }
  const tenders = await db.selectFrom('payment_tenders').selectAll().execute();
  const done = await db.selectFrom('refund_parts').select(['payment_id', 'tender_seq', (eb) => eb.fn.sum<number>('amount').as('s')]).where('status', '=', 'done').groupBy(['payment_id', 'tender_seq']).execute();
  const doneBy = new Map(done.map((d) => [`${d.payment_id}#${d.tender_seq}`, Number(d.s)]));
  for (const tn of tenders) {
    const key = `${tn.payment_id}#${tn.seq}`;
    expect([key, Number(tn.refunded_amount)]).toEqual([key, doneBy.get(key) ?? 0]);
    expect(Number(tn.refunded_amount)).toBeLessThanOrEqual(Number(tn.amount));
    const allocs = await db.selectFrom('payment_allocations').select(['amount', 'refunded_amount']).where('payment_id', '=', tn.payment_id).where('tender_seq', '=', tn.seq).execute();
    expect(allocs.reduce((s, a) => s + Number(a.refunded_amount), 0)).toBe(Number(tn.refunded_amount));
  }
  // Every done part has its ledger step.
  const parts = await db.selectFrom('refund_parts').innerJoin('refunds', 'refunds.id', 'refund_parts.refund_id').select(['refund_parts.refund_id', 'refund_parts.seq', 'refund_parts.payment_id', 'refunds.source']).where('refund_parts.status', '=', 'done').execute();
  for (const p of parts) {
    const ref = p.source === 'late_payment' ? `late-refund:${p.payment_id}` : `refund:${p.refund_id}:${p.seq}`;
    const tx = await db.selectFrom('journal_transactions').select('id').where('ref', '=', ref).executeTakeFirst();
    expect([ref, tx !== undefined]).toEqual([ref, true]);
  }
}

const bal = (kind: AccountRef['kind'], ownerId: string) => balanceOf(db, { kind, ownerId });

async function events(aggregateId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  const rows = await db.selectFrom('outbox_events').select(['type', 'payload']).where('aggregate_id', '=', aggregateId).orderBy('id').execute();
  return rows.map((r) => ({ type: r.type, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

async function expectAppError(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toBeInstanceOf(AppError);
  await p.catch((err: AppError) => expect(err.code).toBe(code));
}

function refundNotification(paymentNo: string, refundNo: string, amount: number, status: 'SUCCESS' | 'FAILED' | 'CLOSED'): Extract<VerifiedNotification, { kind: 'refund' }> {
  return { kind: 'refund', paymentNo, refundNo, amount, status, channelRefundId: `CR${refundNo}`, appId: APP_ID, merchantNo: MERCHANT_NO, notificationId: newId('n') };
}

describe('refunds of a combined payment', () => {
  it('splits a partial refund across points, gift card, balance and channel, then refunds the rest', async () => {
    const o = await paidOrder({ points: 1000, giftCard: 2000, balance: 3000, channel: 4000 });
    const before = {
      balance: await bal('user_balance', o.userId),
      points: await bal('user_points', o.userId),
      card: await bal('gift_card', o.giftCardId as string),
      channel: await bal('channel_clearing', CHANNEL),
      merchant: await bal('merchant_payable', o.merchantId),
    };
    const first = await createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 5000, reason: '不想要了' });
    expect(first.status).toBe('succeeded');
    expect(first.parts).toEqual([
      { kind: 'points', amount: 500, points: 500 },
      { kind: 'gift_card', amount: 1000, points: null },
      { kind: 'balance', amount: 1500, points: null },
      { kind: 'channel', amount: 2000, points: null },
    ]);
    // The channel part went out once with its stable number and the channel part's total.
    const refundNo = (await db.selectFrom('refunds').select('refund_no').where('id', '=', first.id).executeTakeFirstOrThrow()).refund_no;
    expect(channel.refundCalls).toEqual([{ paymentNo: o.paymentNo, refundNo: partRefundNo(refundNo, 4), amount: 2000, total: 4000, reason: '不想要了' }]);
    expect(await bal('user_balance', o.userId)).toBe(before.balance + 1500);
    expect(await bal('user_points', o.userId)).toBe(before.points + 500);
    expect(await bal('gift_card', o.giftCardId as string)).toBe(before.card + 1000);
    expect(await bal('channel_clearing', CHANNEL)).toBe(before.channel + 2000);
    expect(await bal('merchant_payable', o.merchantId)).toBe(before.merchant - 5000);
    expect(await events(first.id)).toEqual([{ type: 'refund.succeeded', payload: { refundId: first.id, orderId: o.orderId, userId: o.userId, amount: 5000, source: 'shopper' } }]);
    await ledgerCheck();

    let list = await listRefunds(deps, o.userId, o.orderId);
    expect([list.paidAmount, list.refundableAmount, list.items.length]).toEqual([10000, 5000, 1]);

    // The second refund takes everything left (amount omitted).
    const second = await createRefund(deps, { userId: o.userId, orderId: o.orderId, reason: '全部退款' });
    expect(second.amount).toBe(5000);
    expect(second.status).toBe('succeeded');
    expect(second.parts.map((p) => [p.kind, p.amount])).toEqual([
      ['points', 500],
      ['gift_card', 1000],
      ['balance', 1500],
      ['channel', 2000],
    ]);
    const tenders = await db.selectFrom('payment_tenders').select(['amount', 'refunded_amount']).where('payment_id', '=', o.paymentId).orderBy('seq').execute();
    for (const tn of tenders) expect(Number(tn.refunded_amount)).toBe(Number(tn.amount));
    expect(await bal('merchant_payable', o.merchantId)).toBe(before.merchant - 10000);
    await ledgerCheck();

    list = await listRefunds(deps, o.userId, o.orderId);
    expect([list.paidAmount, list.refundableAmount]).toEqual([10000, 0]);
    // The order module counts both refunds from refund.succeeded.
    await drainOutbox();
    const order = await db.selectFrom('orders').select(['status', 'refunded_amount']).where('id', '=', o.orderId).executeTakeFirstOrThrow();
    expect([order.status, Number(order.refunded_amount)]).toEqual(['paid', 10000]);
    expect(list.items.map((r) => r.id)).toEqual([second.id, first.id]);
    await expectAppError(createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 1, reason: '再退' }), 'REFUND_NOT_ALLOWED');
  });

  it('refuses more than is refundable, unpaid orders, and another shopper’s order (404)', async () => {
    const o = await paidOrder({ balance: 1000, channel: 500 });
    await expectAppError(createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 1501, reason: '太多' }), 'REFUND_AMOUNT_EXCEEDED');
    const stranger = newUser();
    await expectAppError(createRefund(deps, { userId: stranger, orderId: o.orderId, amount: 100, reason: '别人的' }), 'NOT_FOUND');
    await expectAppError(listRefunds(deps, stranger, o.orderId), 'NOT_FOUND');
    expect(await db.selectFrom('refunds').select('id').where('order_id', '=', o.orderId).execute()).toEqual([]);

    const unpaid = await paidOrder({ balance: 800 }, { price: 1000 });
    await expectAppError(createRefund(deps, { userId: unpaid.userId, orderId: unpaid.orderId, reason: '未付清' }), 'REFUND_NOT_ALLOWED');
    expect(channel.refundCalls).toEqual([]);
    await ledgerCheck();
  });

  it('a channel refund that fails first is retried by the job with the same refund number and refunds once', async () => {
    const o = await paidOrder({ balance: 1000, channel: 3000 });
    const channelBefore = await bal('channel_clearing', CHANNEL);
    const merchantBefore = await bal('merchant_payable', o.merchantId);
    channel.script = ['error'];
    const t0 = Date.now();
    const refund = await createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 2000, reason: '质量问题' }, t0);
    expect(refund.status).toBe('processing');
    // The balance part is back already; the channel part is pending with a check scheduled.
    const parts = await db.selectFrom('refund_parts').select(['kind', 'amount', 'status']).where('refund_id', '=', refund.id).orderBy('seq').execute();
    expect(parts.map((p) => [p.kind, Number(p.amount), p.status])).toEqual([
      ['balance', 500, 'done'],
      ['channel', 1500, 'pending'],
    ]);
    const row = await db.selectFrom('refunds').select(['refund_no', 'next_check_at']).where('id', '=', refund.id).executeTakeFirstOrThrow();
    expect(Number(row.next_check_at)).toBeGreaterThan(t0);
    // While pending, its 1500 fen are reserved: only 2000 are left to ask for.
    expect((await listRefunds(deps, o.userId, o.orderId)).refundableAmount).toBe(2000);
    await ledgerCheck();

    // Not due yet: the job leaves it alone.
    expect(await retryRefunds(deps, t0 + 1)).toBe(0);
    expect(channel.refundCalls).toHaveLength(1);

    // Due: the job asks first (unknown to the channel), then sends the same number again.
    const due = Number(row.next_check_at);
    expect(await retryRefunds(deps, due)).toBe(1);
    const number = partRefundNo(row.refund_no, 2);
    expect(channel.queryCalls).toEqual([number]);
    expect(channel.refundCalls.map((c) => c.refundNo)).toEqual([number, number]);
    const after = await listRefunds(deps, o.userId, o.orderId);
    expect(after.items[0].status).toBe('succeeded');
    expect(await bal('channel_clearing', CHANNEL)).toBe(channelBefore + 1500);
    expect(await bal('merchant_payable', o.merchantId)).toBe(merchantBefore - 2000);

    // Another pass finds nothing, and a late duplicate notification changes nothing.
    expect(await retryRefunds(deps, due + 10 * 60_000)).toBe(0);
    expect(await applyRefundNotification(deps, refundNotification(o.paymentNo, number, 1500, 'SUCCESS'))).toBe('duplicate');
    expect(await bal('channel_clearing', CHANNEL)).toBe(channelBefore + 1500);
    expect((await events(refund.id)).map((e) => e.type)).toEqual(['refund.succeeded']);
    await ledgerCheck();
  });

  it('a refund whose send stops half way (the node dies) is sent again by the resume job with the same number, once', async () => {
    const o = await paidOrder({ balance: 1000, channel: 3000 });
    const channelBefore = await bal('channel_clearing', CHANNEL);
    // The channel takes the refund, then the process dies before its answer is applied.
    const realRefund = channel.refund.bind(channel);
    let dies = true;
    channel.refund = async (input) => {
      const state = await realRefund(input);
      if (dies) {
        dies = false;
        throw new Error('process killed');
      }
      return state;
    };
    const t0 = Date.now();
    const refund = await createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 2000, reason: '不想要了' }, t0);
    expect(refund.status).toBe('processing');
    const op = await db.selectFrom('operations').selectAll().where('flow', '=', REFUND_FLOWS.create).where('state', 'like', `%${refund.id}%`).executeTakeFirstOrThrow();
    expect(op).toMatchObject({ status: 'running', step: 1 });
    expect(op.state).not.toContain('request');

    const flows = flowRegistry(Object.values(refundFlows(deps)) as Flow<never>[]);
    const log = { warn: () => undefined, error: () => undefined };
    expect(await resumeOperations(db, flows, log, t0 + OPERATION_LEASE_MS)).toBe(1);
    const number = partRefundNo((await db.selectFrom('refunds').select('refund_no').where('id', '=', refund.id).executeTakeFirstOrThrow()).refund_no, 2);
    expect(channel.refundCalls.map((c) => c.refundNo)).toEqual([number, number]);
    expect((await listRefunds(deps, o.userId, o.orderId)).items[0].status).toBe('succeeded');
    expect(await bal('channel_clearing', CHANNEL)).toBe(channelBefore + 1500);
    expect(await db.selectFrom('operations').select('status').where('id', '=', op.id).executeTakeFirstOrThrow()).toEqual({ status: 'done' });
    // Nothing is left for the refund retry job, and the event was written once.
    expect(await retryRefunds(deps, t0 + 24 * 3_600_000)).toBe(0);
    expect((await events(refund.id)).map((e) => e.type)).toEqual(['refund.succeeded']);
    await ledgerCheck();
  });

  it('a refund with nothing for a channel is one transaction and leaves no operation record', async () => {
    const o = await paidOrder({ balance: 1000 });
    const refund = await createRefund(deps, { userId: o.userId, orderId: o.orderId, reason: '不想要了' });
    expect(refund.status).toBe('succeeded');
    expect(await db.selectFrom('operations').select('id').where('state', 'like', `%${refund.id}%`).execute()).toEqual([]);
  });

  it('a processing channel refund is finished by its notification exactly once, however often it comes', async () => {
    const o = await paidOrder({ points: 200, channel: 1800 });
    const channelBefore = await bal('channel_clearing', CHANNEL);
    channel.script = [{ state: 'processing', channelRefundId: null }];
    const refund = await createRefund(deps, { userId: o.userId, orderId: o.orderId, reason: '退货' });
    expect(refund.status).toBe('processing');
    const { refund_no: refundNo } = await db.selectFrom('refunds').select('refund_no').where('id', '=', refund.id).executeTakeFirstOrThrow();
    const number = partRefundNo(refundNo, 2);

    // Forged details are refused and change nothing.
    await expectAppError(applyRefundNotification(deps, refundNotification(o.paymentNo, number, 1799, 'SUCCESS')), 'NOTIFY_REJECTED');
    await expectAppError(applyRefundNotification(deps, refundNotification('PT-other', number, 1800, 'SUCCESS')), 'NOTIFY_REJECTED');
    await expectAppError(applyRefundNotification(deps, refundNotification(o.paymentNo, `${refundNo}-9`, 1800, 'SUCCESS')), 'NOTIFY_REJECTED');
    await expectAppError(applyRefundNotification(deps, { ...refundNotification(o.paymentNo, number, 1800, 'SUCCESS'), merchantNo: 'mch-forged' }), 'NOTIFY_REJECTED');
    expect(await bal('channel_clearing', CHANNEL)).toBe(channelBefore);

    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => applyRefundNotification(deps, refundNotification(o.paymentNo, number, 1800, 'SUCCESS'))));
    expect(outcomes.filter((x) => x === 'applied')).toHaveLength(1);
    expect(outcomes.filter((x) => x === 'duplicate')).toHaveLength(4);
    expect(await bal('channel_clearing', CHANNEL)).toBe(channelBefore + 1800);
    const list = await listRefunds(deps, o.userId, o.orderId);
    expect(list.items[0]).toMatchObject({ status: 'succeeded', amount: 2000 });
    expect(list.refundableAmount).toBe(0);
    expect((await events(refund.id)).map((e) => e.type)).toEqual(['refund.succeeded']);
    await ledgerCheck();
  });

  it('accepts a refund notification that names the trade’s total refunded (Alipay refund_fee), nothing else', async () => {
    const o = await paidOrder({ channel: 1000 });
    expect((await createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 300, reason: '部分退款' })).status).toBe('succeeded');
    channel.script = [{ state: 'processing', channelRefundId: null }];
    const second = await createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 200, reason: '再退一点' });
    const { refund_no: refundNo } = await db.selectFrom('refunds').select('refund_no').where('id', '=', second.id).executeTakeFirstOrThrow();
    const number = partRefundNo(refundNo, 1);
    await expectAppError(applyRefundNotification(deps, refundNotification(o.paymentNo, number, 400, 'SUCCESS')), 'NOTIFY_REJECTED');
    expect(await applyRefundNotification(deps, refundNotification(o.paymentNo, number, 500, 'SUCCESS'))).toBe('applied');
    expect((await listRefunds(deps, o.userId, o.orderId)).refundableAmount).toBe(500);
    await ledgerCheck();
  });

  it('a refund the channel fails ends failed; its money stays with the merchant and can be asked for again', async () => {
    const o = await paidOrder({ balance: 600, channel: 400 });
    channel.script = [{ state: 'processing', channelRefundId: null }];
    const merchantBefore = await bal('merchant_payable', o.merchantId);
    const refund = await createRefund(deps, { userId: o.userId, orderId: o.orderId, reason: '退款' });
    const { refund_no: refundNo } = await db.selectFrom('refunds').select('refund_no').where('id', '=', refund.id).executeTakeFirstOrThrow();
    expect(await applyRefundNotification(deps, refundNotification(o.paymentNo, partRefundNo(refundNo, 2), 400, 'CLOSED'))).toBe('applied');
    expect(await applyRefundNotification(deps, refundNotification(o.paymentNo, partRefundNo(refundNo, 2), 400, 'CLOSED'))).toBe('duplicate');
    const list = await listRefunds(deps, o.userId, o.orderId);
    expect(list.items[0].status).toBe('failed');
    // The balance part went back; the channel's 400 did not and is refundable again.
    expect(await bal('merchant_payable', o.merchantId)).toBe(merchantBefore - 600);
    expect(list.refundableAmount).toBe(400);
    expect((await events(refund.id)).map((e) => e.type)).toEqual(['refund.failed']);
    expect(logged.some((l) => l.level === 'error' && l.msg.includes('refund failed'))).toBe(true);
    await ledgerCheck();

    const again = await createRefund(deps, { userId: o.userId, orderId: o.orderId, reason: '再次退款' });
    expect(again).toMatchObject({ status: 'succeeded', amount: 400 });
    await ledgerCheck();
  });

  it('a refund the channel refuses for good fails at once and is not retried; the money stays with the merchant', async () => {
    const o = await paidOrder({ balance: 600, channel: 400 });
    const merchantBefore = await bal('merchant_payable', o.merchantId);
    const channelBefore = await bal('channel_clearing', CHANNEL);
    channel.script = ['refused'];
    const t0 = Date.now();
    const refund = await createRefund(deps, { userId: o.userId, orderId: o.orderId, reason: '退款' }, t0);
    expect(refund.status).toBe('failed');
    const parts = await db.selectFrom('refund_parts').select(['kind', 'status']).where('refund_id', '=', refund.id).orderBy('seq').execute();
    expect(parts).toEqual([
      { kind: 'balance', status: 'done' },
      { kind: 'channel', status: 'failed' },
    ]);
    expect(await db.selectFrom('refunds').select('next_check_at').where('id', '=', refund.id).executeTakeFirstOrThrow()).toEqual({ next_check_at: null });
    expect(await bal('merchant_payable', o.merchantId)).toBe(merchantBefore - 600);
    expect(await bal('channel_clearing', CHANNEL)).toBe(channelBefore);
    expect((await events(refund.id)).map((e) => e.type)).toEqual(['refund.failed']);
    expect(logged.some((l) => l.level === 'error' && l.msg.includes('refused the refund for good'))).toBe(true);
    // The job never sends it again.
    expect(await retryRefunds(deps, t0 + 24 * 60 * 60_000)).toBe(0);
    expect(channel.refundCalls).toHaveLength(1);
    expect((await listRefunds(deps, o.userId, o.orderId)).refundableAmount).toBe(400);
    await ledgerCheck();
  });

  it('a transient error keeps the refund pending with the same number; a refusal on the retry fails it', async () => {
    const o = await paidOrder({ channel: 1000 });
    channel.script = ['error', 'error', 'refused'];
    const t0 = Date.now();
    const refund = await createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 700, reason: '退款' }, t0);
    expect(refund.status).toBe('processing');
    const row = await db.selectFrom('refunds').select(['refund_no', 'next_check_at']).where('id', '=', refund.id).executeTakeFirstOrThrow();
    const first = Number(row.next_check_at);
    expect(await retryRefunds(deps, first)).toBe(0);
    expect((await listRefunds(deps, o.userId, o.orderId)).items[0].status).toBe('processing');
    const second = Number((await db.selectFrom('refunds').select('next_check_at').where('id', '=', refund.id).executeTakeFirstOrThrow()).next_check_at);
    expect(second).toBeGreaterThan(first);
    expect(await retryRefunds(deps, second)).toBe(1);
    const number = partRefundNo(row.refund_no, 1);
    expect(channel.refundCalls.map((c) => c.refundNo)).toEqual([number, number, number]);
    expect((await listRefunds(deps, o.userId, o.orderId)).items[0].status).toBe('failed');
    expect((await events(refund.id)).map((e) => e.type)).toEqual(['refund.failed']);
    await ledgerCheck();
  });

  it('two refunds of one order at once never take more than was paid', async () => {
    const o = await paidOrder({ balance: 1000, channel: 1000 });
    const results = await Promise.allSettled([1, 2, 3].map(() => createRefund(deps, { userId: o.userId, orderId: o.orderId, amount: 1500, reason: '并发' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('REFUND_AMOUNT_EXCEEDED');
    const tenders = await db.selectFrom('payment_tenders').select(['amount', 'refunded_amount']).where('payment_id', '=', o.paymentId).execute();
    expect(tenders.reduce((s, tn) => s + Number(tn.refunded_amount), 0)).toBe(1500);
    await ledgerCheck();
  });
});

describe('late money and closed orders', () => {
  it('money that arrives for a closed payment is recorded once and refunded through the channel', async () => {
    const o = await paidOrder({ balance: 300, channel: 700 }, { cancelBeforeNotify: true });
    const payment = await db.selectFrom('payments').selectAll().where('id', '=', o.paymentId).executeTakeFirstOrThrow();
    expect(payment.status).toBe('closed');
    const channelBefore = await bal('channel_clearing', CHANNEL);
    const lateBefore = await bal('late_payments', PLATFORM);
    const now = Date.now();

    // The money arrives anyway; the first refund call to the channel fails.
    channel.script = ['error'];
    channel.trades.set(o.paymentNo, { state: 'paid', tradeNo: `TR${o.paymentNo}`, amount: 700, paidAt: now });
    expect(await applyPaymentNotification(payDeps, channel, paymentNotification(o.paymentNo, 700), '{}', deps.log, now)).toBe('late');
    expect(await applyPaymentNotification(payDeps, channel, paymentNotification(o.paymentNo, 700), '{}', deps.log, now)).toBe('duplicate');
    const late = await db.selectFrom('refunds').selectAll().where('refund_no', '=', `RL${o.paymentNo}`).executeTakeFirstOrThrow();
    // Recording it again (a repeated notification racing the first) finds the same refund.
    expect(await db.transaction().execute((trx) => startLatePaymentRefund(trx, deps, payment, 700, now))).toBe(late.id);
    expect(await db.selectFrom('refunds').select('id').where('source', '=', 'late_payment').where('order_id', '=', o.orderId).execute()).toHaveLength(1);
    expect([late.status, Number(late.amount)]).toEqual(['processing', 700]);
    expect(await bal('late_payments', PLATFORM)).toBe(lateBefore + 700);
    expect(await bal('channel_clearing', CHANNEL)).toBe(channelBefore - 700);
    await ledgerCheck();

    // The job retries with the same number and finishes it.
    expect(await finishLateRefunds(deps, now + 60 * 60_000, o.paymentId)).toBe(1);
    const numbers = channel.refundCalls.map((c) => c.refundNo);
    expect(numbers).toEqual([`RL${o.paymentNo}-1`, `RL${o.paymentNo}-1`]);
    expect(channel.refundCalls[0]).toMatchObject({ paymentNo: o.paymentNo, amount: 700, total: 700 });
    expect(await bal('channel_clearing', CHANNEL)).toBe(channelBefore);
    expect(await bal('late_payments', PLATFORM)).toBe(lateBefore);
    const done = await db.selectFrom('refunds').selectAll().where('id', '=', late.id).executeTakeFirstOrThrow();
    expect([done.status, done.source]).toEqual(['succeeded', 'late_payment']);
    expect((await events(late.id)).map((e) => e.type)).toEqual(['late_payment.refunded']);
    const lateTx = await db.selectFrom('journal_transactions').select('ref').where('ref', 'in', [`late:${o.paymentId}`, `late-refund:${o.paymentId}`]).execute();
    expect(lateTx).toHaveLength(2);
    // Not an order refund: the order still has nothing paid and nothing refundable.
    const list = await listRefunds(deps, o.userId, o.orderId);
    expect([list.paidAmount, list.refundableAmount]).toEqual([0, 0]);
    await ledgerCheck();
  });

  it('a cancelled child that was partly paid gets its paid tenders back', async () => {
    const o = await paidOrder({ points: 100, balance: 200, channel: 300 }, { price: 1000 });
    const before = { balance: await bal('user_balance', o.userId), points: await bal('user_points', o.userId) };
    const now = Date.now();
    await db.transaction().execute(async (trx) => {
      await transitionOrder(trx, o.orderId, 'cancel', now);
      await refundClosedOrder(trx, deps, o.orderId, now);
    });
    // One refund of what was paid (whether the cancel itself or the call above recorded it).
    const closedRefunds = await db.selectFrom('refunds').select('id').where('order_id', '=', o.orderId).where('source', '=', 'order_closed').execute();
    expect(closedRefunds).toHaveLength(1);
    const refundId = closedRefunds[0].id;
    // Internal tenders are back at once; the channel part is due for the job now.
    expect(await bal('user_balance', o.userId)).toBe(before.balance + 200);
    expect(await bal('user_points', o.userId)).toBe(before.points + 100);
    expect(await retryRefunds(deps, now)).toBe(1);
    const refund = await db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirstOrThrow();
    expect([refund.status, refund.source, Number(refund.amount)]).toEqual(['succeeded', 'order_closed', 600]);
    // A second call finds nothing left to give back.
    expect(await db.transaction().execute((trx) => refundClosedOrder(trx, deps, o.orderId, now))).toBeNull();
    await ledgerCheck();
  });
});
