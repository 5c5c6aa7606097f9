import Fastify, { type FastifyInstance } from 'fastify';
import { registerChannelStandIns } from '../../standins/channels';
import { createStandInContext } from '../../standins/channels/context';
import { FaultController } from '../../standins/channels/faults';

/**
 * The channel stand-ins (WeChat Pay, Alipay, Douyin) in the test process, as the real channels
 * outlive the API: trades, confirmations and notification retries survive every kill of the API.
 */
export type Channel = 'wechatpay' | 'alipay' | 'douyin';

/** What a channel trade says, reduced to what the crash test compares with our records (fen). */
export interface TradeFacts {
  /** The buyer's money was taken at some point. */
  paid: boolean;
  /** Fen the channel took (0 when never paid). */
  amount: number;
  /** Fen the channel has given back by successful refunds. */
  refunded: number;
  /** The channel's own status word, for messages. */
  status: string;
}

export interface ChannelStandInsServer {
  baseUrl: string;
  app: FastifyInstance;
  /** The trade of our payment number at a channel, or null when the channel never saw it. */
  trade(channel: Channel, paymentNo: string): Promise<TradeFacts | null>;
  close(): Promise<void>;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** Reads each gateway's JSON view of a trade (GET .../trades/:paymentNo). */
export function tradeFacts(channel: Channel, t: Record<string, unknown>): TradeFacts {
  switch (channel) {
    case 'wechatpay': {
      const amount = isRecord(t.amount) ? num(t.amount.total) : num(t.total);
      const paid = t.successTime !== null && t.successTime !== undefined;
      const refunded = list(t.refunds).filter((r) => r.status === 'SUCCESS').reduce((s, r) => s + num(r.refund), 0);
      return { paid, amount: paid ? amount : 0, refunded, status: String(t.state) };
    }
    case 'alipay': {
      const paid = t.paidAt !== null && t.paidAt !== undefined;
      return { paid, amount: paid ? num(t.totalAmount) : 0, refunded: num(t.refundedAmount), status: String(t.status) };
    }
    case 'douyin': {
      const paid = t.payTime !== null && t.payTime !== undefined;
      return { paid, amount: paid ? num(t.totalAmount) : 0, refunded: num(t.refundedAmount), status: String(t.status) };
    }
  }
}

/** Listens on a free loopback port with a small time scale (channel retry schedules compressed). */
export async function startChannelStandIns(timeScale = 0.01): Promise<ChannelStandInsServer> {
  const app = Fastify({ logger: false });
  let base = 'http://127.0.0.1:0';
  const quiet = { info: () => undefined, warn: () => undefined };
  const ctx = createStandInContext({ faults: new FaultController(), timeScale, baseUrl: () => base, log: quiet });
  registerChannelStandIns(app, ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('the channel stand-ins have no address');
  base = `http://127.0.0.1:${address.port}`;

  return {
    baseUrl: base,
    app,
    async trade(channel, paymentNo) {
      const res = await fetch(`${base}/sandbox/${channel}/trades/${encodeURIComponent(paymentNo)}`);
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`sandbox ${channel} trade ${paymentNo}: ${res.status} ${await res.text()}`);
      const body: unknown = await res.json();
      if (!isRecord(body)) throw new Error(`sandbox ${channel} trade ${paymentNo}: not an object`);
      return tradeFacts(channel, body);
    },
    async close() {
      ctx.stop();
      await app.close();
    },
  };
}
