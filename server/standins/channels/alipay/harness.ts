import Fastify, { type FastifyInstance } from 'fastify';
import { createAlipayAdapter } from '../../../channels/alipay/adapter';
import { loadAlipayConfig, rebaseAlipayConfig, type AlipayConfig } from '../../../channels/alipay/config';
import { NotificationRejected, notifyAnswer, type ChannelAdapter, type VerifiedNotification } from '../../../channels/types';
import { createStandInContext } from '../context';
import { FaultController } from '../faults';
import type { Notifier } from '../notifier';
import { registerAlipayStandIn, type AlipayStandInOptions } from '.';

/**
 * Tests only: a real listening Fastify app on 127.0.0.1:0 with the Alipay gateway stand-in, and a
 * tiny /notify/alipay receiver that verifies every delivery with the adapter and answers with
 * adapter.answer, recording what it saw (raw body and verdict).
 */
export interface ReceivedNotification {
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
  result: { ok: true; notification: VerifiedNotification } | { ok: false; reason: string };
}

export interface AlipayHarness {
  app: FastifyInstance;
  baseUrl: string;
  config: AlipayConfig;
  adapter: ChannelAdapter;
  faults: FaultController;
  notifiers: Notifier[];
  received: ReceivedNotification[];
  /** Extra behaviour for the receiver: answer "fail" to these out_trade_nos (Alipay then retries). */
  refuse: Set<string>;
  /** Whether the receiver accepts a verified notification (as the payment module's record checks would). */
  accept: (n: VerifiedNotification) => boolean;
  /** Resolves with the first received notification matching, waiting up to timeoutMs. */
  waitFor(match: (r: ReceivedNotification) => boolean, timeoutMs?: number): Promise<ReceivedNotification>;
  close(): Promise<void>;
}

export async function startAlipayHarness(options: { sandbox?: AlipayStandInOptions; beforeGateway?: (app: FastifyInstance) => void; afterGateway?: (app: FastifyInstance) => void } = {}): Promise<AlipayHarness> {
  const app = Fastify({ logger: false });
  let baseUrl = 'http://127.0.0.1:0';
  const faults = new FaultController();
  const log = { info: () => undefined, warn: () => undefined };
  const ctx = createStandInContext({ faults, timeScale: 0.0001, baseUrl: () => baseUrl, log });
  options.beforeGateway?.(app);
  registerAlipayStandIn(app, ctx, options.sandbox);
  options.afterGateway?.(app);

  const config = loadAlipayConfig({}, { production: false, sandbox: true, publicBaseUrl: baseUrl });
  if (!config) throw new Error('sandbox config expected');
  const adapter = createAlipayAdapter(config);
  const received: ReceivedNotification[] = [];
  const refuse = new Set<string>();
  const waiters: { match: (r: ReceivedNotification) => boolean; resolve: (r: ReceivedNotification) => void }[] = [];

  await app.register(async (scope) => {
    // The exact body text, as the payment module's notify route must keep it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/notify/alipay', async (req, reply) => {
      const rawBody = typeof req.body === 'string' ? req.body : '';
      let entry: ReceivedNotification;
      try {
        const notification = adapter.verifyNotification({ headers: req.headers, rawBody });
        entry = { rawBody, headers: req.headers, result: { ok: true, notification } };
      } catch (err) {
        if (!(err instanceof NotificationRejected)) throw err;
        entry = { rawBody, headers: req.headers, result: { ok: false, reason: err.reason } };
      }
      received.push(entry);
      for (const w of [...waiters]) {
        if (w.match(entry)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(entry);
        }
      }
      const ok = entry.result.ok && !refuse.has(entry.result.notification.paymentNo) && harness.accept(entry.result.notification);
      const answer = notifyAnswer(adapter.notifyFormat, ok ? 'handled' : 'refused');
      return reply.code(answer.status).type(answer.contentType).send(answer.body);
    });
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  const old = baseUrl;
  baseUrl = `http://127.0.0.1:${address.port}`;
  rebaseAlipayConfig(config, old, baseUrl);

  const harness: AlipayHarness = {
    app,
    baseUrl,
    config,
    adapter,
    faults,
    notifiers: ctx.notifiers,
    received,
    refuse,
    accept: () => true,
    waitFor(match, timeoutMs = 5000) {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (r: ReceivedNotification) => { clearTimeout(timer); resolve(r); } };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching notification within ${timeoutMs} ms (received ${received.length})`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    async close() {
      ctx.stop();
      await app.close();
    },
  };
  return harness;
}
