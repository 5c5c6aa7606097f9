import type { ParentOrder } from '@contract/order';
import type { ClientParams, Payment, PayScene, RefundList } from '@contract/payment';
import type { GiftCardCredential } from '@contract/wallet';
import type { PaymentDeps } from '../../modules/payment/deps';
import { makeSku } from '../../modules/order/testing';
import { checkLedger } from '../../checks/ledger';
import { balanceOf } from '../../modules/wallet/ledger';
import { issueGiftCard } from '../../modules/wallet/service';
import type { FaultRule } from '../../standins/channels/faults';
import { Notifier, type DeliveryRecord } from '../../standins/channels/notifier';
import { DEMO_GIFT_CARDS, seedGiftCards } from '../../seed/wallet';
import { testApp, type ApiResponse, type TestApp } from '../../test/app';
import { transact } from '../../db/transaction';

/**
 * End-to-end harness for the real payment channels: the whole app (testApp) with the channels
 * the configuration enables by default (WeChat Pay, Alipay, Douyin, served by the in-process
 * channel stand-ins that speak their wire formats and post their signed notifications to the
 * real /notify/<channel> endpoints). Shoppers log in through the platforms' login stand-ins,
 * pay through the API and act in the channel's cashier as the client would.
 */
export type RealChannel = 'wechatpay' | 'alipay' | 'douyin';

export interface Shopper {
  userId: string;
  token: string;
  platform: string;
}

export interface ChannelHarness {
  t: TestApp;
  deps: PaymentDeps;
  close(): Promise<void>;
}

export async function startChannelHarness(): Promise<ChannelHarness> {
  const t = await testApp({ seed: false });
  await seedGiftCards(t.db, Date.now());
  for (const channel of ['wechatpay', 'alipay', 'douyin'] as const) {
    if (!t.app.paymentDeps.channels.get(channel)) throw new Error(`the ${channel} channel is not configured in the test app`);
  }
  if (!t.app.channelStandIns) throw new Error('the channel stand-ins are not mounted (SANDBOX=on expected)');
  return {
    t,
    deps: t.app.paymentDeps,
    close: async () => {
      t.app.channelStandIns?.faults.clear();
      await t.close();
    },
  };
}

let counter = 0;
const unique = () => `${process.pid}x${Date.now().toString(36)}x${++counter}`;
export const newKey = () => `itg-${unique()}`;

/** The mini-program platform whose login gives the payer id a channel's mini scene needs. */
const MINI_PLATFORM: Record<RealChannel, 'weapp' | 'alipay' | 'tt'> = { wechatpay: 'weapp', alipay: 'alipay', douyin: 'tt' };

/** Logs a new shopper in the way the client in `scene` would: the platform's mini login, or the H5 OTP. */
export async function loginShopper(t: TestApp, channel: RealChannel, scene: PayScene): Promise<Shopper> {
  if (scene === 'h5') {
    const token = await t.login();
    const me = await t.get<{ id: string; platform: string }>('/api/me', { token });
    if (me.status !== 200) throw new Error(`me: ${me.status} ${me.text}`);
    return { userId: me.body.id, token, platform: me.body.platform };
  }
  const platform = MINI_PLATFORM[channel];
  const owner = `itg${unique().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const res = await t.post<{ token: string; user: { id: string; platform: string } }>('/api/auth/login/mini', { platform, code: `sandbox-${owner}.${Date.now()}` });
  if (res.status !== 200) throw new Error(`mini login (${platform}): ${res.status} ${res.text}`);
  return { userId: res.body.user.id, token: res.body.token, platform: res.body.user.platform };
}

const pickup = { type: 'pickup', contactName: '钱七', contactPhone: '13700137000' } as const;

/** A parent order with one child per price (each its own merchant unless given). */
export async function placeOrder(t: TestApp, s: Shopper, prices: { price: number; merchantId?: string }[]): Promise<ParentOrder> {
  const items = [];
  for (const [i, p] of prices.entries()) {
    const sku = await makeSku(t.db, { price: p.price, merchantId: p.merchantId ?? `m_itg${i + 1}` });
    items.push({ skuId: sku.skuId, quantity: 1 });
  }
  const res = await t.post<ParentOrder>('/api/orders', { items, fulfilment: pickup }, { token: s.token, idempotencyKey: newKey() });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${res.text}`);
  return res.body;
}

export type PaymentOrProblem = Payment & { code?: string; detail?: string };

export async function pay(t: TestApp, s: Shopper, body: Record<string, unknown>): Promise<ApiResponse<PaymentOrProblem>> {
  return t.post<PaymentOrProblem>('/api/payments', body, { token: s.token, idempotencyKey: newKey() });
}

export async function getPayment(t: TestApp, s: Shopper, id: string): Promise<Payment> {
  const res = await t.get<Payment>(`/api/payments/${id}`, { token: s.token });
  if (res.status !== 200) throw new Error(`getPayment: ${res.status} ${res.text}`);
  return res.body;
}

export async function cancelPayment(t: TestApp, s: Shopper, id: string): Promise<ApiResponse<PaymentOrProblem>> {
  return t.post<PaymentOrProblem>(`/api/payments/${id}/cancel`, undefined, { token: s.token, idempotencyKey: newKey() });
}

export async function paymentRow(t: TestApp, id: string) {
  return t.db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** A demo gift card (server/seed/wallet.ts) by face value. */
export function demoCard(faceValue: number): GiftCardCredential {
  const card = DEMO_GIFT_CARDS.find((c) => c.faceValue === faceValue && c.expiresInMs > 0);
  if (!card) throw new Error(`no valid demo gift card of ${faceValue} fen`);
  return { number: card.number, pin: card.pin };
}

/** A fresh gift card (for tests that spend it; the demo cards are shared by the file). */
export async function freshCard(t: TestApp, faceValue: number): Promise<GiftCardCredential> {
  const number = `66${String(Date.now() % 1e8).padStart(8, '0')}${String(++counter % 1e6).padStart(6, '0')}`;
  const now = Date.now();
  await transact(t.db, (trx) => issueGiftCard(trx, { number, pin: '135790', faceValue, expiresAt: now + 86_400_000 }, now));
  return { number, pin: '135790' };
}

export interface WalletSnapshot {
  balance: number;
  points: number;
  cards: number[];
}

export async function walletOf(t: TestApp, userId: string, cards: readonly GiftCardCredential[] = []): Promise<WalletSnapshot> {
  const cardBalances: number[] = [];
  for (const c of cards) {
    const row = await t.db.selectFrom('gift_cards').select('id').where('number', '=', c.number).executeTakeFirstOrThrow();
    cardBalances.push(await balanceOf(t.db, { kind: 'gift_card', ownerId: row.id }));
  }
  return {
    balance: await balanceOf(t.db, { kind: 'user_balance', ownerId: userId }),
    points: await balanceOf(t.db, { kind: 'user_points', ownerId: userId }),
    cards: cardBalances,
  };
}

/** Polls until `probe` answers a value `done` accepts (or fails with the last value seen). */
export async function waitFor<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 8000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function waitForStatus(t: TestApp, paymentId: string, statuses: readonly string[], timeoutMs?: number) {
  return waitFor(`payment ${paymentId} to be ${statuses.join('|')}`, () => paymentRow(t, paymentId), (r) => statuses.includes(r.status), timeoutMs);
}

/** Runs the outbox relay until no first delivery is pending (the app's own kick may hold a lease). */
export async function relay(h: ChannelHarness, now?: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    await h.deps.outbox.relayOnce(now);
    const pending = await h.t.db.selectFrom('outbox_deliveries').select('event_id').where('status', '=', 'pending').where('attempts', '=', 0).executeTakeFirst();
    if (!pending) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('outbox deliveries still pending');
}

/** The ledger is consistent and no outbox delivery failed. */
export async function expectClean(t: TestApp): Promise<void> {
  const report = await checkLedger(t.db);
  expect(report.discrepancies).toEqual([]);
  const failed = await t.db.selectFrom('outbox_deliveries').select(['sink', 'last_error']).where('last_error', 'is not', null).execute();
  expect(failed).toEqual([]);
}

export async function notificationsOf(t: TestApp, paymentNo: string) {
  return t.db.selectFrom('payment_notifications').select(['status', 'outcome', 'kind']).where('payment_no', '=', paymentNo).where('kind', '=', 'payment').execute();
}

export async function refsOf(t: TestApp, paymentId: string): Promise<string[]> {
  const rows = await t.db.selectFrom('journal_transactions').select('ref').where('ref', 'like', `%:${paymentId}`).execute();
  return rows.map((r) => r.ref.split(':')[0]).sort();
}

export function addFault(h: ChannelHarness, rule: FaultRule): void {
  const standIns = h.t.app.channelStandIns;
  if (!standIns) throw new Error('no channel stand-ins');
  standIns.faults.add(rule);
}

// ---------------------------------------------------------------------------------------------
// The channel's side: what the shopper's client does with the client params

/** Where the shopper stands at the channel's cashier: the reference its confirm endpoint takes. */
export interface AtCashier {
  channel: RealChannel;
  ref: string;
  paymentNo: string;
}

function refOf(params: ClientParams | null): string {
  if (!params) throw new Error('the payment has no client params');
  switch (params.kind) {
    case 'wechatpay_jsapi': {
      const m = /^prepay_id=(.+)$/.exec(params.package);
      if (!m) throw new Error(`unexpected package ${params.package}`);
      return m[1];
    }
    case 'alipay_trade':
      return params.tradeNO;
    default:
      throw new Error(`no cashier reference in ${params.kind}`);
  }
}

/**
 * Opens the channel's cashier for a payment as the client would: wx.requestPayment's prepay id;
 * the WeChat H5 page (fetched); my.tradePay's trade number; the Alipay wap URL (fetched: the
 * gateway creates the trade and renders its cashier); tt.requestOrder (its stand-in).
 */
export async function openCashier(t: TestApp, p: Payment): Promise<AtCashier> {
  const row = await paymentRow(t, p.id);
  const params = p.clientParams;
  const channel = p.channel;
  if (channel !== 'wechatpay' && channel !== 'alipay' && channel !== 'douyin') throw new Error(`not a real channel: ${String(channel)}`);
  if (!params) throw new Error('no client params');
  if (params.kind === 'wechatpay_h5') {
    const res = await fetch(params.h5Url);
    const html = await res.text();
    if (res.status !== 200) throw new Error(`wechat h5 page: ${res.status}`);
    const m = /name="prepay_id" value="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no prepay id on the WeChat H5 page: ${html.slice(0, 300)}`);
    return { channel, ref: m[1], paymentNo: row.payment_no };
  }
  if (params.kind === 'alipay_wap') {
    const res = await fetch(params.payUrl);
    const html = await res.text();
    if (res.status !== 200) throw new Error(`alipay wap: ${res.status}`);
    const m = /action="\/sandbox\/alipay\/cashier\/([^/"]+)\/pay"/.exec(html);
    if (!m) throw new Error(`no cashier form on the Alipay wap page: ${html.slice(0, 300)}`);
    return { channel, ref: decodeURIComponent(m[1]), paymentNo: row.payment_no };
  }
  if (params.kind === 'douyin_order') {
    const res = await t.post<{ orderId?: string; outOrderNo?: string }>('/sandbox/douyin/client/requestOrder', { data: params.data, byteAuthorization: params.byteAuthorization });
    if (res.status !== 200) throw new Error(`douyin requestOrder: ${res.status} ${res.text}`);
    return { channel, ref: row.payment_no, paymentNo: row.payment_no };
  }
  return { channel, ref: refOf(params), paymentNo: row.payment_no };
}

/** The shopper pays or gives up in the channel's cashier (the stand-in's confirm endpoint). */
export async function confirmAtChannel(t: TestApp, at: AtCashier, action: 'pay' | 'cancel'): Promise<ApiResponse<{ ok?: boolean; code?: string }>> {
  return t.post<{ ok?: boolean; code?: string }>(`/sandbox/${at.channel}/confirm`, { ref: at.ref, action });
}

/** The trade as the channel's stand-in holds it. */
export async function channelTrade(t: TestApp, channel: RealChannel, paymentNo: string): Promise<Record<string, unknown>> {
  const res = await t.get<Record<string, unknown>>(`/sandbox/${channel}/trades/${paymentNo}`);
  if (res.status !== 200) throw new Error(`sandbox trade ${channel} ${paymentNo}: ${res.status} ${res.text}`);
  return res.body;
}

export async function listRefunds(t: TestApp, s: Shopper, orderId: string): Promise<RefundList> {
  const res = await t.get<RefundList>(`/api/orders/${orderId}/refunds`, { token: s.token });
  if (res.status !== 200) throw new Error(`listRefunds: ${res.status} ${res.text}`);
  return res.body;
}

/** What the channel holds for a trade, in one shape for every channel. */
export interface ChannelMoney {
  exists: boolean;
  /** Money was taken (even if refunded since). */
  paid: boolean;
  /** Fen refunded or being refunded (not failed). */
  refunded: number;
  refunds: { refundNo: string; amount: number; status: 'SUCCESS' | 'PROCESSING' | 'FAILED' }[];
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
const str = (v: unknown) => (typeof v === 'string' ? v : String(v));
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);

export async function channelMoney(t: TestApp, channel: RealChannel, paymentNo: string): Promise<ChannelMoney> {
  const res = await t.get<Record<string, unknown>>(`/sandbox/${channel}/trades/${paymentNo}`);
  if (res.status === 404) return { exists: false, paid: false, refunded: 0, refunds: [] };
  if (res.status !== 200) throw new Error(`sandbox trade ${channel} ${paymentNo}: ${res.status} ${res.text}`);
  const trade = res.body;
  let paid: boolean;
  let refunds: ChannelMoney['refunds'];
  if (channel === 'wechatpay') {
    paid = trade.state === 'SUCCESS' || trade.state === 'REFUND';
    refunds = records(trade.refunds).map((r) => ({
      refundNo: str(r.outRefundNo),
      amount: num(r.refund),
      status: r.status === 'SUCCESS' ? 'SUCCESS' : r.status === 'PROCESSING' ? 'PROCESSING' : 'FAILED',
    }));
  } else if (channel === 'alipay') {
    paid = trade.paidAt !== null && trade.paidAt !== undefined;
    // alipay.trade.refund answers synchronously: a recorded refund is done.
    refunds = records(trade.refunds).map((r) => ({ refundNo: str(r.outRequestNo), amount: num(r.amount), status: 'SUCCESS' }));
  } else {
    paid = trade.status === 'SUCCESS';
    refunds = records(trade.refunds).map((r) => ({
      refundNo: str(r.outRefundNo),
      amount: num(r.amount),
      status: r.status === 'SUCCESS' ? 'SUCCESS' : r.status === 'PROCESSING' ? 'PROCESSING' : 'FAILED',
    }));
  }
  return { exists: true, paid, refunds, refunded: refunds.filter((r) => r.status !== 'FAILED').reduce((s, r) => s + r.amount, 0) };
}

/** Every delivery attempt the stand-ins' notifiers made for a channel since `since` (epoch ms). */
export function deliveriesOf(h: ChannelHarness, channel: RealChannel, since: number): DeliveryRecord[] {
  const standIns = h.t.app.channelStandIns;
  if (!standIns || !('notifiers' in standIns) || !Array.isArray(standIns.notifiers)) throw new Error('the channel stand-ins expose no notifiers');
  const out: DeliveryRecord[] = [];
  for (const n of standIns.notifiers) {
    if (!(n instanceof Notifier)) continue;
    for (const d of n.deliveries) if (d.channel === channel && d.at >= since) out.push(d);
  }
  return out.sort((a, b) => a.at - b.at);
}
