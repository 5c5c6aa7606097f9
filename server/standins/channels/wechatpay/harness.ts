import Fastify, { type FastifyInstance } from 'fastify';
import { NotificationRejected, notifyAnswer, type ChannelAdapter, type VerifiedNotification } from '../../../channels/types';
import { createWechatpayAdapter, type WechatpayAdapterOptions } from '../../../channels/wechatpay/adapter';
import { loadWechatpayConfig, rebaseWechatpayConfig, type WechatpayConfig } from '../../../channels/wechatpay/config';
import { createStandInContext, type StandInContext } from '../context';
import { FaultController } from '../faults';
import type { Notifier } from '../notifier';
import { registerWechatpayStandIn, type WechatpayStandInOptions } from '.';

/**
 * Test harness: a Fastify app on 127.0.0.1:0 with the WeChat Pay gateway stand-in and a small
 * notify receiver (POST /notify/wechatpay) that verifies with the adapter and answers with
 * adapter.answer, recording what arrived. For tests only.
 */
export interface ReceivedNotification {
  headers: Record<string, string>;
  rawBody: string;
  result: { ok: true; notification: VerifiedNotification } | { ok: false; reason: string };
}

export interface WechatpayHarness {
  app: FastifyInstance;
  baseUrl: string;
  config: WechatpayConfig;
  adapter: ChannelAdapter;
  faults: FaultController;
  ctx: StandInContext & { notifiers: Notifier[] };
  received: ReceivedNotification[];
  /** Resolves with the first received notification matching pred (polls; rejects after timeoutMs). */
  waitFor(pred: (r: ReceivedNotification) => boolean, timeoutMs?: number): Promise<ReceivedNotification>;
  close(): Promise<void>;
}

const PLACEHOLDER_BASE = 'http://127.0.0.1:1';

export async function startWechatpayHarness(options: { sandbox?: WechatpayStandInOptions; adapter?: WechatpayAdapterOptions; env?: Record<string, string> } = {}): Promise<WechatpayHarness> {
  let baseUrl = PLACEHOLDER_BASE;
  const faults = new FaultController();
  const ctx = createStandInContext({ faults, timeScale: 0.001, baseUrl: () => baseUrl, log: { info() {}, warn() {} } });
  const config = loadWechatpayConfig(options.env ?? {}, { production: false, sandbox: true, publicBaseUrl: PLACEHOLDER_BASE });
  if (!config) throw new Error('sandbox config must not be null');
  const adapter = createWechatpayAdapter(config, options.adapter);
  const received: ReceivedNotification[] = [];

  const app = Fastify({ logger: false });
  registerWechatpayStandIn(app, ctx, options.sandbox);
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/notify/wechatpay', async (req, reply) => {
      const rawBody = typeof req.body === 'string' ? req.body : '';
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      let answer;
      try {
        const notification = adapter.verifyNotification({ headers: req.headers, rawBody });
        received.push({ headers, rawBody, result: { ok: true, notification } });
        answer = notifyAnswer(adapter.notifyFormat, 'handled');
      } catch (err) {
        const reason = err instanceof NotificationRejected ? err.reason : (err as Error).message;
        received.push({ headers, rawBody, result: { ok: false, reason } });
        answer = notifyAnswer(adapter.notifyFormat, 'refused', reason);
      }
      return reply.code(answer.status).type(answer.contentType).send(answer.body);
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  rebaseWechatpayConfig(config, PLACEHOLDER_BASE, baseUrl);

  return {
    app,
    baseUrl,
    config,
    adapter,
    faults,
    ctx,
    received,
    async waitFor(pred, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find(pred);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`no matching notification within ${timeoutMs} ms (received ${received.length})`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      ctx.stop();
      await app.close();
    },
  };
}
