import Fastify, { type FastifyInstance } from 'fastify';
import { createStandInContext } from '../context';
import { FaultController } from '../faults';
import { registerDouyinStandIn, type DouyinStandInOptions } from '.';
import { NotificationRejected, notifyAnswer, type ChannelAdapter, type VerifiedNotification } from '../../../channels/types';
import { createDouyinAdapter } from '../../../channels/douyin/adapter';
import { loadDouyinConfig, rebaseDouyinConfig, type DouyinConfig } from '../../../channels/douyin/config';

/**
 * Test harness: the Douyin gateway stand-in on a real loopback port with a notify receiver that
 * verifies every delivery with the adapter and answers with adapter.answer (tests only).
 */
export interface Received {
  ok: boolean;
  notification?: VerifiedNotification;
  reason?: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export interface DouyinHarness {
  app: FastifyInstance;
  base: string;
  config: DouyinConfig;
  adapter: ChannelAdapter;
  faults: FaultController;
  received: Received[];
  /** Shifts both clocks (stand-in and adapter) forward. */
  advance(ms: number): void;
  now(): number;
  waitFor(pred: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  get(path: string): Promise<{ status: number; json: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startDouyinHarness(options: DouyinStandInOptions = {}): Promise<DouyinHarness> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const app = Fastify({ logger: false });
  const faults = new FaultController();
  let base = 'http://127.0.0.1:0';
  const ctx = createStandInContext({ faults, timeScale: 0.001, baseUrl: () => base, log: { info() {}, warn() {} }, now });
  registerDouyinStandIn(app, ctx, options);

  const config = loadDouyinConfig({}, { production: false, sandbox: true, publicBaseUrl: base });
  if (!config) throw new Error('sandbox config expected');
  const adapter = createDouyinAdapter(config, { now });
  const received: Received[] = [];
  const waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  await app.register(async (scope) => {
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/notify/douyin', async (req, reply) => {
      const rawBody = typeof req.body === 'string' ? req.body : '';
      let r: Received;
      try {
        r = { ok: true, notification: adapter.verifyNotification({ headers: req.headers, rawBody }), headers: req.headers, rawBody };
      } catch (err) {
        if (!(err instanceof NotificationRejected)) throw err;
        r = { ok: false, reason: err.reason, headers: req.headers, rawBody };
      }
      received.push(r);
      for (const w of [...waiters]) {
        if (w.pred(r)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(r);
        }
      }
      const answer = r.ok ? notifyAnswer(adapter.notifyFormat, 'handled') : notifyAnswer(adapter.notifyFormat, 'refused', r.reason);
      return reply.code(answer.status).type(answer.contentType).send(answer.body);
    });
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  const oldBase = base;
  base = `http://127.0.0.1:${address.port}`;
  rebaseDouyinConfig(config, oldBase, base);

  const request = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  return {
    app,
    base,
    config,
    adapter,
    faults,
    received,
    advance(ms) {
      offset += ms;
    },
    now,
    waitFor(pred, timeoutMs = 5000) {
      const hit = received.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve };
        waiters.push(w);
        setTimeout(() => {
          const i = waiters.indexOf(w);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error('notification did not arrive in time'));
          }
        }, timeoutMs).unref();
      });
    },
    post: (path, body) => request('POST', path, body),
    get: (path) => request('GET', path),
    async close() {
      ctx.stop();
      await app.close();
    },
  };
}
