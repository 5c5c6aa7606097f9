import { randomBytes } from 'node:crypto';
import type { Order, ParentOrder } from '@contract/order';
import type { Payment } from '@contract/payment';
import { channelRegistry } from '../../channels/registry';
import { NOTIFY_PATH, SIGNATURE_HEADER, devpayKey, signNotification, type DevpayNotification } from '../../channels/devpay/wire';
import { ChannelError, type ChannelAdapter } from '../../channels/types';
import { issueToken } from '../../infra/tokens';
import { testApp, type TestApp } from '../../test/app';
import { makeSku, userToken } from '../order/testing';
import { checkLedger } from '../../checks/ledger';
import { balanceOf } from '../wallet/ledger';
import { issueGiftCard } from '../wallet/service';
import type { PaymentDeps } from './deps';
import { createPayment, paymentFlows, PAYMENT_FLOWS, reconcilePayments } from './service';
import { OPERATION_LEASE_MS, flowRegistry, resumeOperations, type Flow } from '../../infra/steps';
import { defaultChannels } from './setup';

/**
 * The payment core end to end over real HTTP: the sandbox channel's cashier and its signed
 * notifications, the ledger (checked after every test), the outbox to the order module.
 */
let t: TestApp;
let key: string;
let deps: PaymentDeps;
beforeAll(async () => {
  // Every configured channel except WeChat Pay (to see an unconfigured channel refused).
  t = await testApp({ seed: false, channels: (config) => channelRegistry(defaultChannels(config).list().filter((a) => a.channel !== 'wechatpay')) });
  key = devpayKey(t.config);
  deps = t.app.paymentDeps;
});
afterEach(async () => {
  const report = await checkLedger(t.db);
  expect(report.discrepancies).toEqual([]);
});
afterAll(async () => {
  await t.close();
});

let n = 0;
const newKey = () => `pay-${process.pid}-${Date.now()}-${++n}`;
const pickup = { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } as const;
let cardCounter = 0;

type PaymentOrProblem = Payment & { code?: string };

interface Shopper {
  userId: string;
  token: string;
}

function shopper(): Promise<Shopper> {
  return userToken(t.db, t.config.tokenSecret);
}

async function placeOrder(s: Shopper, prices: { price: number; merchantId?: string }[]): Promise<ParentOrder> {
  const items = [];
  for (const p of prices) {
    const sku = await makeSku(t.db, { price: p.price, merchantId: p.merchantId ?? 'm_pay1' });
    items.push({ skuId: sku.skuId, quantity: 1 });
  }
  const res = await t.post<ParentOrder>('/api/orders', { items, fulfilment: pickup }, { token: s.token, idempotencyKey: newKey() });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${res.text}`);
  return res.body;
}

async function pay(s: Shopper, body: Record<string, unknown>) {
  return t.post<PaymentOrProblem>('/api/payments', body, { token: s.token, idempotencyKey: newKey() });
}

function paymentNoOf(p: Payment): string {
  if (p.clientParams?.kind !== 'sandbox') throw new Error(`no sandbox client params: ${JSON.stringify(p.clientParams)}`);
  return p.clientParams.paymentNo;
}

/** The shopper confirms at the sandbox cashier (the mini-program adapter's JSON call). */
async function confirmAtCashier(p: Payment, body: Record<string, unknown> = {}) {
  return t.post<{ delivered: boolean; tradeStatus: string }>(`/sandbox/pay/${paymentNoOf(p)}/confirm`, body);
}

function notification(paymentNo: string, amount: number, over: Partial<DevpayNotification> = {}): DevpayNotification {
  const now = Date.now();
  return { paymentNo, tradeNo: `T${paymentNo}`, amount, status: 'SUCCESS', paidAt: now, nonce: randomBytes(8).toString('hex'), timestamp: now, ...over };
}

async function sendNotification(body: DevpayNotification, signingKey = key, text = JSON.stringify(body)) {
  return t.request<{ code: string }>('POST', NOTIFY_PATH, {
    payload: text,
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signNotification(signingKey, body.timestamp, body.nonce, text) },
  });
}

async function paymentRow(id: string) {
  return t.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function getOrder(s: Shopper, id: string): Promise<Order> {
  const res = await t.get<Order>(`/api/orders/${id}`, { token: s.token });
  return res.body;
}

const balance = (userId: string) => balanceOf(t.db, { kind: 'user_balance', ownerId: userId });
const points = (userId: string) => balanceOf(t.db, { kind: 'user_points', ownerId: userId });
const refsOf = async (paymentId: string) =>
  (await t.db.selectFrom('journal_transactions').select('ref').where('ref', 'like', `%:${paymentId}`).execute()).map((r) => r.ref.split(':')[0]).sort();

async function giftCard(faceValue: number): Promise<{ number: string; pin: string; id: string }> {
  cardCounter += 1;
  const number = `62${String(process.pid % 100000).padStart(5, '0')}${String(Date.now() % 1_000_000).padStart(6, '0')}${String(cardCounter).padStart(3, '0')}`.slice(0, 16);
  const now = Date.now();
  const issued = await t.db.transaction().execute((trx) => issueGiftCard(trx, { number, pin: '246810', faceValue, expiresAt: now + 86_400_000 }, now));
  return { number, pin: '246810', id: issued.id };
}

/**
 * Delivers the outbox events committed so far (the order consumer). The app's own relay may be
 * delivering them at the same moment (kicked after the commit): wait until none is pending.
 */
async function relay(now?: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    await deps.outbox.relayOnce(now);
    // Due ones only: an event written at a test's later clock is not due at the real one.
    const pending = await t.db
      .selectFrom('outbox_deliveries')
      .select('event_id')
      .where('status', '=', 'pending')
      .where('attempts', '=', 0)
      .where('next_attempt_at', '<=', now ?? Date.now())
      .executeTakeFirst();
    if (!pending) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('outbox deliveries still pending');
}

afterEach(async () => {
  const failed = await t.db.selectFrom('outbox_deliveries').select(['sink', 'last_error']).where('last_error', 'is not', null).execute();
  expect(failed).toEqual([]);
});

describe('combined payments', () => {
  it('balance + points + gift card + channel: held at once, paid by the sandbox notification, the order paid through the outbox', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000, merchantId: 'm_pay1' }, { price: 12000, merchantId: 'm_pay2' }]);
    const card = await giftCard(5000);
    const res = await pay(s, { orderId: parent.id, tenders: { balance: true, points: true, giftCards: [{ number: card.number, pin: card.pin }] }, channel: 'sandbox' });
    expect(res.status).toBe(201);
    const p = res.body;
    // 42000 fen: points up to 50 % (5000 points = 5000 fen, the welcome grant), card 5000, balance 20000, channel the rest.
    expect(p.tenders.map((x) => [x.kind, x.amount])).toEqual([
      ['points', 5000],
      ['gift_card', 5000],
      ['balance', 20000],
      ['channel', 12000],
    ]);
    expect(p.tenders[0].points).toBe(5000);
    expect(p.tenders[1].giftCard).toBe(`**** **** **** ${card.number.slice(-4)}`);
    expect(p).toMatchObject({ status: 'paying', channel: 'sandbox', channelAmount: 12000, amount: 42000, endReason: null });
    // The answer is built from what was written, not read back: it is exactly what a read shows.
    expect((await t.get<Payment>(`/api/payments/${p.id}`, { token: s.token })).body).toEqual(p);
    expect(await balance(s.userId)).toBe(0);
    expect(await points(s.userId)).toBe(0);

    const allocations = await t.db.selectFrom('payment_allocations').selectAll().where('payment_id', '=', p.id).orderBy('order_id').orderBy('tender_seq').execute();
    expect(allocations.reduce((sum, a) => sum + Number(a.amount), 0)).toBe(42000);

    const confirmed = await confirmAtCashier(p);
    expect(confirmed.body).toMatchObject({ delivered: true, tradeStatus: 'paid' });
    expect((await t.get<Payment>(`/api/payments/${p.id}`, { token: s.token })).body).toMatchObject({ status: 'paid', paidAt: expect.any(Number) });
    expect(await refsOf(p.id)).toEqual(['capture', 'hold']);

    await relay();
    for (const child of parent.children) {
      const order = await getOrder(s, child.id);
      expect(order).toMatchObject({ status: 'paid', paidAmount: child.amounts.payableAmount, refundedAmount: 0 });
      expect(order.timeline.map((e) => e.status)).toEqual(['pending_payment', 'paid']);
    }
    expect(await balanceOf(t.db, { kind: 'merchant_payable', ownerId: 'm_pay2' })).toBeGreaterThanOrEqual(12000);
  });

  it('internal tenders covering everything: paid at once, no channel', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 8000 }]);
    const res = await pay(s, { orderId: parent.id, tenders: { balance: true } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'paid', channel: null, channelAmount: 0, clientParams: null, tenders: [{ kind: 'balance', amount: 8000 }] });
    expect(await balance(s.userId)).toBe(12000);
    await relay();
    expect((await getOrder(s, parent.children[0].id)).status).toBe('paid');
  });

  it('a remainder needs a channel, and a configured one', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 50000 }]);
    const none = await pay(s, { orderId: parent.id, tenders: { balance: true } });
    expect([none.status, none.body.code]).toEqual([400, 'CHANNEL_REQUIRED']);
    const unconfigured = await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'wechatpay' });
    expect([unconfigured.status, unconfigured.body.code]).toEqual([503, 'CHANNEL_UNAVAILABLE']);
    // The refused attempts wrote nothing (not even the welcome grant: it rolled back with them).
    expect(await t.db.selectFrom('payments').select('id').where('order_id', '=', parent.id).execute()).toEqual([]);
    expect(await t.db.selectFrom('journal_transactions').select('id').where('ref', '=', `welcome:${s.userId}`).execute()).toEqual([]);
  });

  it('a repeat with the same choice gets the open payment; another user gets 404', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const first = await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' });
    const again = await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' });
    expect(again.body.id).toBe(first.body.id);
    const other = await shopper();
    expect((await t.get(`/api/payments/${first.body.id}`, { token: other.token })).status).toBe(404);
    expect((await t.post(`/api/payments/${first.body.id}/cancel`, undefined, { token: other.token, idempotencyKey: newKey() })).status).toBe(404);
    expect((await pay(other, { orderId: parent.id, channel: 'sandbox' })).status).toBe(404);
    await t.post(`/api/payments/${first.body.id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
  });
});

describe('compensation', () => {
  it('a channel that refuses the prepay: the payment fails and its tenders are released', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const sandbox = deps.channels.get('sandbox') as ChannelAdapter;
    const refusing: ChannelAdapter = { ...sandbox, channel: 'sandbox', prepay: async () => Promise.reject(new ChannelError('sandbox', 'gateway timeout')) };
    const failing = { ...deps, channels: channelRegistry([refusing]) };
    await expect(createPayment(failing, { userId: s.userId, orderId: parent.id, tenders: { balance: true, points: true, giftCards: [] }, channel: 'sandbox', scene: 'mini' })).rejects.toMatchObject({
      code: 'CHANNEL_UNAVAILABLE',
    });
    const row = await t.db.selectFrom('payments').selectAll().where('order_id', '=', parent.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', end_reason: 'failed' });
    expect(await refsOf(row.id)).toEqual(['hold', 'release']);
    expect(await balance(s.userId)).toBe(20000);
    expect(await points(s.userId)).toBe(5000);
  });

  it('a refused prepay leaves the payment flow recorded as compensated, and no gift card PIN in the record', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const card = await giftCard(1000);
    const sandbox = deps.channels.get('sandbox') as ChannelAdapter;
    const refusing: ChannelAdapter = { ...sandbox, channel: 'sandbox', prepay: async () => Promise.reject(new ChannelError('sandbox', 'refused')) };
    const failing = { ...deps, channels: channelRegistry([refusing]) };
    await expect(createPayment(failing, { userId: s.userId, orderId: parent.id, tenders: { balance: true, points: false, giftCards: [{ number: card.number, pin: card.pin }] }, channel: 'sandbox', scene: 'mini' })).rejects.toMatchObject({ code: 'CHANNEL_UNAVAILABLE' });
    const row = await t.db.selectFrom('payments').select('id').where('order_id', '=', parent.id).executeTakeFirstOrThrow();
    const ops = await t.db.selectFrom('operations').selectAll().where('state', 'like', `%${row.id}%`).execute();
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ flow: PAYMENT_FLOWS.create, status: 'compensated', next_attempt_at: null });
    expect(ops[0].state).not.toContain(card.pin);
    expect(ops[0].state).not.toContain('"request"');
    expect(await refsOf(row.id)).toEqual(['hold', 'release']);
  });

  it('a prepay whose outcome is lost: the payment stays open until the resume job, after the lease, closes it at the channel and releases it', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const sandbox = deps.channels.get('sandbox') as ChannelAdapter;
    // The channel opened the trade, then the answer was lost (the node died, a bug): in doubt.
    const losing: ChannelAdapter = { ...sandbox, channel: 'sandbox', prepay: async (input) => { await sandbox.prepay(input); throw new Error('socket hang up'); } };
    const lossy = { ...deps, channels: channelRegistry([losing]) };
    const now = Date.now();
    await expect(createPayment(lossy, { userId: s.userId, orderId: parent.id, tenders: { balance: true, points: true, giftCards: [] }, channel: 'sandbox', scene: 'mini' }, now)).rejects.toThrow('socket hang up');
    const row = await t.db.selectFrom('payments').selectAll().where('order_id', '=', parent.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('paying');
    expect(await balance(s.userId)).toBe(0);
    const flows = flowRegistry([paymentFlows(deps).create as Flow<never>]);
    const log = { warn: () => undefined, error: () => undefined };
    // Within the lease the request may still be at work: nothing moves.
    await resumeOperations(t.db, flows, log, now + OPERATION_LEASE_MS - 1);
    expect(await paymentRow(row.id)).toMatchObject({ status: 'paying' });
    await resumeOperations(t.db, flows, log, now + OPERATION_LEASE_MS);
    expect(await paymentRow(row.id)).toMatchObject({ status: 'closed', end_reason: 'failed' });
    expect(await refsOf(row.id)).toEqual(['hold', 'release']);
    expect(await balance(s.userId)).toBe(20000);
    expect(await points(s.userId)).toBe(5000);
    const op = await t.db.selectFrom('operations').selectAll().where('state', 'like', `%${row.id}%`).executeTakeFirstOrThrow();
    expect(op).toMatchObject({ status: 'compensated', attempts: 1 });
    // Closed at the channel too: the trade cannot be paid any more.
    const late = await t.post<{ delivered: boolean; tradeStatus: string }>(`/sandbox/pay/${row.payment_no}/confirm`, {});
    expect(late.body).toMatchObject({ delivered: false, tradeStatus: 'closed' });
    // The order can be paid again.
    const next = await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' });
    expect(next.body.status).toBe('paying');
    await t.post(`/api/payments/${next.body.id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
  });

  it("a crash after the prepay's answer was stored: the resume job finishes the flow and leaves the payment open for the shopper", async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const p = (await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' })).body;
    const op = await t.db.selectFrom('operations').selectAll().where('state', 'like', `%${p.id}%`).executeTakeFirstOrThrow();
    expect(op.status).toBe('done');
    // As if the process had died between storing the parameters and recording the end.
    await t.db.updateTable('operations').set({ status: 'running', step: 1, next_attempt_at: Date.now() }).where('id', '=', op.id).execute();
    const flows = flowRegistry([paymentFlows(deps).create as Flow<never>]);
    await resumeOperations(t.db, flows, { warn: () => undefined, error: () => undefined }, Date.now() + 1);
    expect(await t.db.selectFrom('operations').select('status').where('id', '=', op.id).executeTakeFirstOrThrow()).toEqual({ status: 'done' });
    expect(await paymentRow(p.id)).toMatchObject({ status: 'paying' });
    const confirmed = await confirmAtCashier(p);
    expect(confirmed.body).toMatchObject({ delivered: true });
  });

  it('cancel: closed after the channel confirms nothing was paid; the tenders come back and the trade cannot be paid', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const p = (await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' })).body;
    expect(await balance(s.userId)).toBe(0);
    const cancelled = await t.post<Payment>(`/api/payments/${p.id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
    expect(cancelled.body).toMatchObject({ status: 'closed', endReason: 'cancelled' });
    expect(await balance(s.userId)).toBe(20000);
    expect(await refsOf(p.id)).toEqual(['hold', 'release']);
    const late = await confirmAtCashier(p);
    expect(late.body).toMatchObject({ delivered: false, tradeStatus: 'closed' });
    // The order can be paid again.
    const next = await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' });
    expect(next.body.status).toBe('paying');
    await t.post(`/api/payments/${next.body.id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
  });

  it('the shopper gives up at the sandbox cashier: a CLOSED notification closes the payment and releases the tenders', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const p = (await pay(s, { orderId: parent.id, tenders: { points: true }, channel: 'sandbox' })).body;
    expect(await points(s.userId)).toBe(0);
    await t.post(`/sandbox/pay/${paymentNoOf(p)}/cancel`, {});
    expect(await paymentRow(p.id)).toMatchObject({ status: 'closed' });
    expect(await points(s.userId)).toBe(5000);
  });

  it('two attempts at once on one order: at most one is paid and the loser’s debits are released', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const [a, b] = await Promise.all([
      pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' }),
      pay(s, { orderId: parent.id, tenders: { points: true }, channel: 'sandbox' }),
    ]);
    const created = [a, b].filter((r) => r.status === 201).map((r) => r.body);
    expect(created.length).toBeGreaterThanOrEqual(1);
    // Both shoppers' tabs try to pay at the cashier.
    await Promise.all(created.map((p) => confirmAtCashier(p)));
    await reconcilePayments(deps, Date.now() + 120_000);
    const rows = await t.db.selectFrom('payments').selectAll().where('order_id', '=', parent.id).execute();
    const paid = rows.filter((r) => r.status === 'paid');
    expect(paid).toHaveLength(1);
    for (const loser of rows.filter((r) => r.status !== 'paid')) {
      expect(loser).toMatchObject({ status: 'closed', end_reason: 'superseded' });
      expect(await refsOf(loser.id)).toEqual(['hold', 'release']);
    }
    const winner = paid[0];
    const usedBalance = winner.internal_amount > 0 && (await t.db.selectFrom('payment_tenders').select('kind').where('payment_id', '=', winner.id).where('kind', '=', 'balance').executeTakeFirst());
    expect(await balance(s.userId)).toBe(usedBalance ? 0 : 20000);
    expect(await points(s.userId)).toBe(usedBalance ? 5000 : 0);
  });
});

describe('partial payments of a child order', () => {
  it('a child paid in two parts becomes paid only after the second', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 50000 }]);
    const child = parent.children[0];
    const bad = await pay(s, { orderId: parent.id, amount: 100, channel: 'sandbox' });
    expect([bad.status, bad.body.code]).toEqual([400, 'PAYMENT_AMOUNT_INVALID']);
    const tooMuch = await pay(s, { orderId: child.id, amount: 50001, channel: 'sandbox' });
    expect(tooMuch.body.code).toBe('PAYMENT_AMOUNT_INVALID');

    const first = (await pay(s, { orderId: child.id, amount: 20000, tenders: { balance: true }, channel: 'sandbox' })).body;
    expect(first).toMatchObject({ status: 'paid', amount: 20000, channel: null });
    await relay();
    let order = await getOrder(s, child.id);
    expect(order).toMatchObject({ status: 'pending_payment', paidAmount: 20000 });

    const rest = await pay(s, { orderId: child.id, channel: 'sandbox' });
    expect(rest.body).toMatchObject({ amount: 30000, channelAmount: 30000, status: 'paying' });
    await confirmAtCashier(rest.body);
    await relay();
    order = await getOrder(s, child.id);
    expect(order).toMatchObject({ status: 'paid', paidAmount: 50000 });
    expect(order.timeline.map((e) => e.status)).toEqual(['pending_payment', 'pending_payment', 'paid']);
    const again = await pay(s, { orderId: child.id, channel: 'sandbox' });
    expect(again.body.code).toBe('ORDER_NOT_PAYABLE');
  });
});

describe('notifications', () => {
  async function openPayment(price = 30000) {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price }]);
    const p = (await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' })).body;
    return { s, parent, p, no: paymentNoOf(p) };
  }

  it('the same SUCCESS five times: applied once, each answered success, each recorded', async () => {
    const { s, parent, p, no } = await openPayment();
    const body = notification(no, p.channelAmount);
    const answers = await Promise.all(Array.from({ length: 5 }, () => sendNotification(body)));
    expect(answers.map((a) => [a.status, a.body.code])).toEqual(Array.from({ length: 5 }, () => [200, 'SUCCESS']));
    expect(await paymentRow(p.id)).toMatchObject({ status: 'paid', trade_no: `T${no}` });
    expect(await refsOf(p.id)).toEqual(['capture', 'hold']);
    const recorded = await t.db.selectFrom('payment_notifications').select('outcome').where('payment_no', '=', no).execute();
    expect(recorded.map((r) => r.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    await relay();
    await relay();
    const events = await t.db.selectFrom('outbox_events').select('id').where('aggregate_id', '=', p.id).where('type', '=', 'payment.succeeded').execute();
    expect(events).toHaveLength(1);
    expect(await getOrder(s, parent.children[0].id)).toMatchObject({ status: 'paid', paidAmount: 30000 });
  });

  it('a changed amount, a forged signature and an unknown payment change nothing', async () => {
    const { p, no } = await openPayment();
    const changed = await sendNotification(notification(no, p.channelAmount + 1));
    expect(changed.status).toBe(400);
    const forged = await sendNotification(notification(no, p.channelAmount), 'f'.repeat(40));
    expect([forged.status, forged.body.code]).toEqual([400, 'FAIL']);
    const unknown = await sendNotification(notification('P0000000000000000000', 100));
    expect(unknown.status).toBe(400);
    const tampered = notification(no, p.channelAmount);
    const text = JSON.stringify(tampered);
    const sig = signNotification(key, tampered.timestamp, tampered.nonce, text);
    const swapped = await t.request('POST', NOTIFY_PATH, { payload: text.replace(`"amount":${p.channelAmount}`, '"amount":1'), headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sig } });
    expect(swapped.status).toBe(400);
    expect(await paymentRow(p.id)).toMatchObject({ status: 'paying' });
    expect(await t.db.selectFrom('payment_notifications').select('id').where('payment_no', '=', no).execute()).toHaveLength(0);
    await t.post(`/api/payments/${p.id}/cancel`, undefined, { token: (await paymentOwnerToken(p.id)).token, idempotencyKey: newKey() });
  });

  it('FAILED then SUCCESS (reordered): failed and released, then the late money is recorded and refunded', async () => {
    const { p, no } = await openPayment();
    const failed = await sendNotification(notification(no, p.channelAmount, { status: 'FAILED', paidAt: null }));
    expect(failed.status).toBe(200);
    expect(await paymentRow(p.id)).toMatchObject({ status: 'failed', end_reason: 'failed' });
    const late = await sendNotification(notification(no, p.channelAmount));
    expect(late.status).toBe(200);
    expect(await paymentRow(p.id)).toMatchObject({ status: 'failed' });
    expect(await refsOf(p.id)).toEqual(['hold', 'late', 'release']);
    const refunds = await t.db.selectFrom('refunds').selectAll().where('source', '=', 'late_payment').where('refund_no', '=', `RL${no}`).execute();
    expect(refunds).toHaveLength(1);
    // A repeat of the late SUCCESS records nothing new.
    await sendNotification(notification(no, p.channelAmount));
    expect(await t.db.selectFrom('refunds').select('id').where('refund_no', '=', `RL${no}`).execute()).toHaveLength(1);
  });

  it('late money after a cancel is recorded and refunded, never lost', async () => {
    const { s, p, no } = await openPayment();
    await t.post(`/api/payments/${p.id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
    expect(await paymentRow(p.id)).toMatchObject({ status: 'closed' });
    const res = await sendNotification(notification(no, p.channelAmount));
    expect(res.status).toBe(200);
    expect(await refsOf(p.id)).toEqual(['hold', 'late', 'release']);
    expect(await t.db.selectFrom('refunds').select('status').where('refund_no', '=', `RL${no}`).execute()).toHaveLength(1);
  });

  it('a dropped notification is recovered by reconciliation', async () => {
    const { s, parent, p } = await openPayment();
    const confirmed = await confirmAtCashier(p, { notify: false });
    expect(confirmed.body).toMatchObject({ delivered: false, tradeStatus: 'paid' });
    expect(await paymentRow(p.id)).toMatchObject({ status: 'paying' });
    // Not yet due: a young payment is left alone.
    expect(await reconcilePayments(deps, Date.now())).toBe(0);
    expect(await reconcilePayments(deps, Date.now() + 61_000)).toBeGreaterThanOrEqual(1);
    expect(await paymentRow(p.id)).toMatchObject({ status: 'paid' });
    await relay(Date.now() + 61_000);
    expect((await getOrder(s, parent.children[0].id)).status).toBe('paid');
  });
});

describe('orders ending while a payment is open', () => {
  it('cancelling the order moves its payment to closing; reconciliation closes it after asking the channel', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const p = (await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' })).body;
    const res = await t.post(`/api/orders/${parent.children[0].id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
    expect(res.status).toBe(200);
    expect(await paymentRow(p.id)).toMatchObject({ status: 'closing', end_reason: 'cancelled' });
    expect(await balance(s.userId)).toBe(0);
    await reconcilePayments(deps, Date.now());
    expect(await paymentRow(p.id)).toMatchObject({ status: 'closed' });
    expect(await balance(s.userId)).toBe(20000);
  });

  it('a partly paid child that is cancelled gets its paid part refunded', async () => {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 50000 }]);
    const child = parent.children[0];
    await pay(s, { orderId: child.id, amount: 15000, tenders: { balance: true } });
    await relay();
    const res = await t.post<Order>(`/api/orders/${child.id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
    expect(res.body.status).toBe('cancelled');
    expect(await balance(s.userId)).toBe(20000);
    const refunds = await t.db.selectFrom('refunds').selectAll().where('order_id', '=', child.id).execute();
    expect(refunds).toMatchObject([{ amount: 15000, status: 'succeeded' }]);
    await relay();
    expect((await getOrder(s, child.id)).refundedAmount).toBe(15000);
  });
});

describe('a superseded attempt paid at the channel after its replacement', () => {
  /**
   * Attempt A (balance + sandbox channel) is open at the channel; attempt B (points + gift card)
   * supersedes it and is paid at once. Closing A at the channel fails for now (a transient
   * error), so A stays closing with its trade still payable, and the shopper completes it.
   */
  async function supersededButPayable() {
    const s = await shopper();
    const parent = await placeOrder(s, [{ price: 30000 }]);
    const a = (await pay(s, { orderId: parent.id, tenders: { balance: true }, channel: 'sandbox' })).body;
    expect(a).toMatchObject({ status: 'paying', channelAmount: 10000 });
    const adapter = deps.channels.get('sandbox');
    if (!adapter) throw new Error('no sandbox channel');
    const { query, close } = adapter;
    const down = async (): Promise<never> => {
      throw new ChannelError('sandbox', 'the channel is unreachable');
    };
    adapter.query = down;
    adapter.close = down;
    const card = await giftCard(25000);
    let b: PaymentOrProblem;
    try {
      b = (await pay(s, { orderId: parent.id, tenders: { points: true, giftCards: [{ number: card.number, pin: card.pin }] } })).body;
    } finally {
      adapter.query = query;
      adapter.close = close;
    }
    expect(b).toMatchObject({ status: 'paid', amount: 30000 });
    expect(await paymentRow(a.id)).toMatchObject({ status: 'closing', end_reason: 'superseded' });
    await relay();
    return { s, parent, a, b, card };
  }

  async function expectLateRefunded(x: Awaited<ReturnType<typeof supersededButPayable>>) {
    const { s, parent, a, b } = x;
    expect(await paymentRow(a.id)).toMatchObject({ status: 'closed', end_reason: 'superseded' });
    expect(await refsOf(a.id)).toEqual(['hold', 'late', 'late-refund', 'release']);
    expect(await t.db.selectFrom('refunds').select(['status', 'amount', 'source']).where('refund_no', '=', `RL${paymentNoOf(a)}`).execute()).toEqual([
      { status: 'succeeded', amount: 10000, source: 'late_payment' },
    ]);
    expect(await paymentRow(b.id)).toMatchObject({ status: 'paid' });
    // The shopper paid once: the balance A held is back, B's points stay spent.
    expect(await balance(s.userId)).toBe(20000);
    expect(await points(s.userId)).toBe(0);
    await relay();
    const child = await getOrder(s, parent.children[0].id);
    expect(child).toMatchObject({ status: 'paid', paidAmount: 30000, refundedAmount: 0 });
    const paid = await t.db.selectFrom('payments').select('id').where('order_id', '=', parent.id).where('status', '=', 'paid').execute();
    expect(paid).toEqual([{ id: b.id }]);
  }

  it('its SUCCESS notification is late money: A ends closed, tenders released, the channel money refunded, never captured', async () => {
    const x = await supersededButPayable();
    const confirmed = await confirmAtCashier(x.a);
    expect(confirmed.body).toMatchObject({ delivered: true, tradeStatus: 'paid' });
    await expectLateRefunded(x);
    const outcomes = await t.db.selectFrom('payment_notifications').select('outcome').where('payment_no', '=', paymentNoOf(x.a)).where('kind', '=', 'payment').execute();
    expect(outcomes).toEqual([{ outcome: 'late' }]);
    // A repeat changes nothing.
    await sendNotification(notification(paymentNoOf(x.a), x.a.channelAmount));
    expect(await refsOf(x.a.id)).toEqual(['hold', 'late', 'late-refund', 'release']);
  });

  it('found paid by reconciliation (notification lost): the same, A closed and refunded', async () => {
    const x = await supersededButPayable();
    const confirmed = await confirmAtCashier(x.a, { notify: false });
    expect(confirmed.body).toMatchObject({ delivered: false, tradeStatus: 'paid' });
    // The failed close pushed A's next check back; the job finds it when that is due.
    expect(await reconcilePayments(deps, Date.now() + 11 * 60_000)).toBeGreaterThanOrEqual(1);
    await expectLateRefunded(x);
  });
});

async function paymentOwnerToken(paymentId: string): Promise<Shopper> {
  const row = await paymentRow(paymentId);
  return { userId: row.user_id, token: issueToken(t.config.tokenSecret, row.user_id, 3600).token };
}
