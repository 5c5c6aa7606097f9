import { randomUUID } from 'node:crypto';
import { session as sessionSchema } from '@contract/identity';
import { parentOrder as parentOrderSchema } from '@contract/order';
import { payment as paymentSchema, type Payment, type PayChannel } from '@contract/payment';
import type { z } from 'zod';
import type { Channel } from './crash-standins';

/**
 * Simulated shoppers for the crash test: a client that retries like the real one (same
 * Idempotency-Key after a refused connection, a cut-off answer, a 5xx or
 * IDEMPOTENCY_IN_PROGRESS, within a patience) and a shopper who logs in, orders and pays with
 * combined tenders, then confirms, cancels or abandons at the channel's cashier.
 */

/** A small seeded PRNG (mulberry32): the same seed gives the same run of choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClientStats {
  requests: number;
  /** Attempts repeated after a refused connection, a cut-off answer, a 5xx or IDEMPOTENCY_IN_PROGRESS. */
  retries: number;
  /** Requests given up on after the patience ran out. */
  gaveUp: number;
  /** Retries per reason (connection, 5xx status, IDEMPOTENCY_IN_PROGRESS, ...). */
  reasons: Record<string, number>;
}

export function newClientStats(): ClientStats {
  return { requests: 0, retries: 0, gaveUp: 0, reasons: {} };
}

export class GaveUp extends Error {
  override name = 'GaveUp';
}

export interface Answer {
  status: number;
  body: unknown;
  code: string | null;
}

function codeOf(body: unknown): string | null {
  if (typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string') return body.code;
  return null;
}

/** The code of a fetch failure's cause (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, TimeoutError...). */
function causeOf(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const cause = 'cause' in err ? err.cause : null;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string') return cause.code;
  return 'name' in err && typeof err.name === 'string' ? err.name : 'unknown';
}

export class RetryingClient {
  constructor(
    private readonly baseUrl: string,
    readonly stats: ClientStats,
    /** How long one request keeps being retried before the shopper gives up (ms). */
    private readonly patienceMs = 20_000,
  ) {}

  /**
   * One request, retried with the same Idempotency-Key until it gets a definitive answer
   * (2xx or 4xx other than IDEMPOTENCY_IN_PROGRESS) or the patience runs out (GaveUp).
   */
  async send(method: 'GET' | 'POST', url: string, opts: { body?: unknown; token?: string; key?: string } = {}): Promise<Answer> {
    const deadline = Date.now() + this.patienceMs;
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.key) headers['idempotency-key'] = opts.key;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const causes = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      this.stats.requests += 1;
      let reason: string;
      try {
        const res = await fetch(`${this.baseUrl}${url}`, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        const body: unknown = text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : null;
        const code = codeOf(body);
        if (res.status < 500 && code !== 'IDEMPOTENCY_IN_PROGRESS') return { status: res.status, body, code };
        reason = code === 'IDEMPOTENCY_IN_PROGRESS' ? code : `status ${res.status}`;
      } catch (err) {
        // Refused, reset or cut off (fetch's errors come from another realm than jest's Error).
        reason = 'connection';
        causes.add(causeOf(err));
      }
      if (Date.now() >= deadline) {
        this.stats.gaveUp += 1;
        throw new GaveUp(`${method} ${url}: gave up after ${attempt + 1} attempts (last: ${reason}; connection errors: ${[...causes].join(', ')})`);
      }
      this.stats.retries += 1;
      this.stats.reasons[reason] = (this.stats.reasons[reason] ?? 0) + 1;
      await sleep(150 + Math.floor(Math.random() * 250));
    }
  }

  /** send(), then the 2xx body parsed with a contract schema; other statuses throw with their code. */
  async expect<S extends z.ZodType>(schema: S, method: 'GET' | 'POST', url: string, opts: { body?: unknown; token?: string; key?: string } = {}): Promise<z.infer<S>> {
    const a = await this.send(method, url, opts);
    if (a.status >= 300) throw new Refused(a.status, a.code, `${method} ${url}: ${a.status} ${JSON.stringify(a.body)}`);
    return schema.parse(a.body);
  }
}

export class Refused extends Error {
  override name = 'Refused';
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** What the channel stand-ins' cashier gets from the shopper (the test process's stand-ins). */
export class Cashier {
  constructor(private readonly standInsUrl: string) {}

  private async post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.standInsUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Pays or cancels at the channel; false when the channel refused (e.g. the trade was closed). */
  async confirm(p: Payment, action: 'pay' | 'cancel'): Promise<boolean> {
    const cp = p.clientParams;
    if (!cp) throw new Error(`payment ${p.id} has no client params`);
    let channel: Channel;
    let ref: string;
    if (cp.kind === 'wechatpay_jsapi') {
      channel = 'wechatpay';
      ref = cp.package.replace(/^prepay_id=/, '');
    } else if (cp.kind === 'alipay_trade') {
      channel = 'alipay';
      ref = cp.tradeNO;
    } else if (cp.kind === 'douyin_order') {
      channel = 'douyin';
      // tt.requestOrder creates the order at the platform first.
      const created = await this.post('/sandbox/douyin/client/requestOrder', { data: cp.data, byteAuthorization: cp.byteAuthorization });
      const data = typeof created.body === 'object' && created.body !== null && 'data' in created.body ? created.body.data : null;
      const outOrderNo = typeof data === 'object' && data !== null && 'outOrderNo' in data && typeof data.outOrderNo === 'string' ? data.outOrderNo : null;
      if (!outOrderNo) return false;
      ref = outOrderNo;
    } else {
      throw new Error(`unexpected client params ${cp.kind}`);
    }
    const res = await this.post(`/sandbox/${channel}/confirm`, { ref, action });
    return res.status === 200;
  }
}

export type Action = 'pay' | 'cancel_api' | 'cancel_then_pay' | 'cancel_channel' | 'abandon';

export interface PaymentRecord {
  shopper: number;
  orderId: string | null;
  paymentId: string | null;
  channel: PayChannel;
  giftCard: boolean;
  action: Action;
  /** How the attempt ended from the shopper's side. */
  outcome: 'internal_paid' | 'confirmed' | 'channel_refused' | 'cancelled' | 'paid_after_cancel' | 'abandoned' | 'order_refused' | 'payment_refused' | 'gave_up';
  detail?: string;
}

export interface ShopperPlan {
  /** Payments still to start, shared by every shopper: each takes one until none is left. */
  tickets: { left: number };
  skus: { id: string; price: number }[];
  giftCards: { number: string; pin: string }[];
  channels: readonly Channel[];
  records: PaymentRecord[];
  /** Shopper think time scale (1: 0.2-1.5 s between steps). */
  pace: number;
}

/** Logs in with a fresh sandbox-mode WeChat code on each attempt (a code works once). */
async function login(client: RetryingClient, owner: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    // A fresh nonce per attempt (not all digits: an all-digit nonce is read as the code's issue time).
    const code = `sandbox-${owner}.a${attempt}-${Date.now()}`;
    const a = await client.send('POST', '/api/auth/login/mini', { body: { platform: 'weapp', code } });
    if (a.status === 200) return sessionSchema.parse(a.body).token;
    // The code was used by an attempt whose answer was lost: a new code, as the mini-program would get.
    await sleep(200);
  }
  throw new Error(`shopper ${owner} could not log in`);
}

/** One shopper: logs in, then takes payment tickets until none are left. */
export async function runShopper(index: number, client: RetryingClient, cashier: Cashier, plan: ShopperPlan, random: () => number): Promise<void> {
  const think = (min: number, max: number) => sleep(Math.round((min + random() * (max - min)) * plan.pace));
  let token: string;
  try {
    token = await login(client, `crash${index}`);
  } catch (err) {
    if (err instanceof GaveUp) return;
    throw err;
  }
  while (plan.tickets.left > 0) {
    plan.tickets.left -= 1;
    const channel = plan.channels[Math.floor(random() * plan.channels.length)];
    const roll = random();
    const action: Action = roll < 0.66 ? 'pay' : roll < 0.76 ? 'cancel_api' : roll < 0.82 ? 'cancel_then_pay' : roll < 0.88 ? 'cancel_channel' : 'abandon';
    const useCard = random() < 0.15;
    const tenders = {
      balance: random() < 0.8,
      points: random() < 0.7,
      giftCards: useCard ? [plan.giftCards[Math.floor(random() * plan.giftCards.length)]] : [],
    };
    const lines = 1 + Math.floor(random() * 2);
    const items = Array.from({ length: lines }, () => ({ skuId: plan.skus[Math.floor(random() * plan.skus.length)].id, quantity: 1 }));
    const record: PaymentRecord = { shopper: index, orderId: null, paymentId: null, channel, giftCard: useCard, action, outcome: 'abandoned' };
    plan.records.push(record);
    try {
      const uniqueItems = [...new Map(items.map((i) => [i.skuId, i])).values()];
      const order = await client.expect(parentOrderSchema, 'POST', '/api/orders', {
        token,
        key: randomUUID(),
        body: { items: uniqueItems, fulfilment: { type: 'pickup', contactName: '测试', contactPhone: '13800138000' } },
      });
      record.orderId = order.id;
      await think(200, 800);
      let p: Payment;
      try {
        p = await client.expect(paymentSchema, 'POST', '/api/payments', { token, key: randomUUID(), body: { orderId: order.id, tenders, channel, scene: 'mini' } });
      } catch (err) {
        if (err instanceof Refused) {
          record.outcome = 'payment_refused';
          record.detail = err.code ?? String(err.status);
          continue;
        }
        throw err;
      }
      record.paymentId = p.id;
      if (p.status === 'paid') {
        record.outcome = 'internal_paid';
      } else if (action === 'abandon') {
        record.outcome = 'abandoned';
      } else if (action === 'cancel_api') {
        await think(200, 1500);
        await client.send('POST', `/api/payments/${p.id}/cancel`, { token, key: randomUUID() });
        record.outcome = 'cancelled';
      } else if (action === 'cancel_then_pay') {
        // Gives up in the app, then pays in the channel's cashier that was still open: the
        // channel refuses a closed trade, or takes the money and it must come back (late money).
        await think(100, 600);
        await client.send('POST', `/api/payments/${p.id}/cancel`, { token, key: randomUUID() });
        await think(0, 500);
        record.outcome = (await cashier.confirm(p, 'pay')) ? 'paid_after_cancel' : 'channel_refused';
      } else {
        await think(300, 2000);
        const ok = await cashier.confirm(p, action === 'pay' ? 'pay' : 'cancel');
        record.outcome = !ok ? 'channel_refused' : action === 'pay' ? 'confirmed' : 'cancelled';
        // The result page polls the payment a few times.
        for (let i = 0; i < 3; i++) {
          await think(200, 500);
          const a = await client.send('GET', `/api/payments/${p.id}`, { token });
          if (a.status === 200 && paymentSchema.parse(a.body).status !== 'paying') break;
        }
      }
    } catch (err) {
      if (err instanceof GaveUp) {
        record.outcome = 'gave_up';
        record.detail = err.message;
      } else if (err instanceof Refused) {
        record.outcome = record.orderId === null ? 'order_refused' : 'payment_refused';
        record.detail = err.code ?? String(err.status);
      } else {
        throw err;
      }
    }
    await think(300, 1500);
  }
}
