import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testDb, type TestDb } from '../test/db';
import { ConfigError } from './config';
import { createOutbox, type OutboxEvent } from './outbox';
import { acceptsType, loadWebhookEndpoints, signWebhook, verifyWebhook, webhookSink, type WebhookBody, type WebhookEndpoint } from './webhooks';
import { WEBHOOK_EVENT_NAMES } from '../events/catalog';

const SECRET = 'whsec_0123456789abcdef';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  method: string;
}

/** A merchant's endpoint on 127.0.0.1: answers with whatever `respond` says for each request. */
let server: Server;
let base: string;
const received: Received[] = [];
let respond: (n: number) => { status: number; delayMs?: number; body?: string; headers?: Record<string, string> } = () => ({ status: 200 });

let tdb: TestDb;
beforeAll(async () => {
  tdb = await testDb();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), method: req.method ?? '' });
      const answer = respond(received.length);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await tdb.destroy();
});
beforeEach(() => {
  received.length = 0;
  respond = () => ({ status: 200 });
});

const noLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const T0 = 1_700_000_000_000;
let seq = 0;

function endpoint(path: string, types: string[] = ['*']): WebhookEndpoint {
  // A distinct path per test gives each test its own sink name (the database is shared).
  const url = `${base}${path}/${++seq}`;
  return { name: `webhook:${url}`, url, secret: SECRET, types };
}

const event: OutboxEvent = { id: 'evt_01TEST', type: 'payment.succeeded', version: 1, aggregateId: 'pay_1', payload: { amount: 1999, orders: ['o_1', 'o_2'] }, createdAt: T0 };

describe('signature', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'payment.succeeded', data: { amount: 100 } });
  const t = Math.floor(T0 / 1000);

  it('has the documented format and verifies', () => {
    const header = signWebhook(SECRET, t, body);
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, header, body, T0)).toBe(true);
    // Within the tolerance either side.
    expect(verifyWebhook(SECRET, header, body, T0 + 300_000)).toBe(true);
    expect(verifyWebhook(SECRET, header, body, T0 - 300_000)).toBe(true);
  });

  it('a tampered body, another secret, a stale timestamp or a broken header do not verify', () => {
    const header = signWebhook(SECRET, t, body);
    expect(verifyWebhook(SECRET, header, body.replace('100', '101'), T0)).toBe(false);
    expect(verifyWebhook('another-secret-0123456789', header, body, T0)).toBe(false);
    expect(verifyWebhook(SECRET, header, body, T0 + 301_000)).toBe(false);
    expect(verifyWebhook(SECRET, header, body, T0 + 60_000, 30)).toBe(false);
    // The timestamp is signed: moving it breaks the signature.
    expect(verifyWebhook(SECRET, header.replace('t=1700000000', 't=1700000001'), body, T0)).toBe(false);
    expect(verifyWebhook(SECRET, '', body, T0)).toBe(false);
    expect(verifyWebhook(SECRET, undefined, body, T0)).toBe(false);
    expect(verifyWebhook(SECRET, 'v1=abc', body, T0)).toBe(false);
    expect(verifyWebhook(SECRET, `t=${t}`, body, T0)).toBe(false);
    expect(verifyWebhook(SECRET, `t=${t},v1=${'0'.repeat(64)}`, body, T0)).toBe(false);
  });

  it('matches the example in docs/outbox.md', () => {
    const example = '{"id":"evt_1","type":"payment.succeeded"}';
    expect(signWebhook('whsec_example_secret_1234', 1700000000, example)).toBe('t=1700000000,v1=37cc530e2dd1f03d63ef867232d48e80b6e5f27c5f493105fa7f61f5df5aba5e');
  });

  it('accepts the header when any of several v1 values matches (secret rotation)', () => {
    const good = signWebhook(SECRET, t, body).split(',')[1];
    const old = signWebhook('the-previous-secret-xyz', t, body).split(',')[1];
    expect(verifyWebhook(SECRET, `t=${t},${old},${good}`, body, T0)).toBe(true);
    expect(verifyWebhook(SECRET, `t=${t},${old}`, body, T0)).toBe(false);
  });
});

describe('webhookSink over HTTP', () => {
  it('POSTs the signed JSON body with the event headers', async () => {
    const ep = endpoint('/hooks');
    const sink = webhookSink(ep, { now: () => T0 });
    await sink.deliver(event);
    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['shop-event-id']).toBe(event.id);
    expect(req.headers['shop-event-type']).toBe('payment.succeeded');
    const parsed = JSON.parse(req.body) as WebhookBody;
    expect(parsed).toEqual({ id: event.id, type: 'payment.succeeded', aggregateId: 'pay_1', createdAt: T0, data: { amount: 1999, orders: ['o_1', 'o_2'] } });
    const signature = String(req.headers['shop-signature']);
    expect(signature.startsWith(`t=${T0 / 1000},v1=`)).toBe(true);
    expect(verifyWebhook(SECRET, signature, req.body, T0)).toBe(true);
    expect(verifyWebhook(SECRET, signature, req.body.replace('1999', '1'), T0)).toBe(false);
  });

  it('takes only the configured event types', () => {
    const sink = webhookSink({ ...endpoint('/types'), types: ['payment.succeeded', 'refund.*'] });
    expect(sink.accepts('payment.succeeded')).toBe(true);
    expect(sink.accepts('payment.failed')).toBe(false);
    expect(sink.accepts('refund.succeeded')).toBe(true);
    expect(sink.accepts('refundx.succeeded')).toBe(false);
    expect(webhookSink(endpoint('/all')).accepts('order.paid')).toBe(true);
    expect(webhookSink(endpoint('/all')).accepts('anything.at_all')).toBe(false);
  });

  it('fails on a non-2xx answer, a redirect (not followed), a timeout or a refused connection', async () => {
    respond = () => ({ status: 503, body: 'maintenance' });
    await expect(webhookSink(endpoint('/down')).deliver(event)).rejects.toThrow(/HTTP 503 maintenance/);

    respond = () => ({ status: 302, headers: { location: `${base}/elsewhere` } });
    await expect(webhookSink(endpoint('/moved')).deliver(event)).rejects.toThrow(/HTTP 302/);
    expect(received.map((r) => r.headers['shop-event-id'])).toEqual([event.id, event.id]);

    respond = () => ({ status: 200, delayMs: 500 });
    const started = Date.now();
    await expect(webhookSink(endpoint('/slow'), { timeoutMs: 100 }).deliver(event)).rejects.toThrow(/no answer within 100 ms/);
    expect(Date.now() - started).toBeLessThan(450);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = { name: 'webhook:refused', url: `http://127.0.0.1:${port}/x`, secret: SECRET, types: ['*'] };
    await expect(webhookSink(refused).deliver(event)).rejects.toThrow(/webhook webhook:refused: .*ECONNREFUSED/);
  });

  it('through the outbox: non-2xx and timeouts are retried with backoff until the merchant answers 2xx', async () => {
    const ep = endpoint('/outbox');
    const outbox = createOutbox({ db: tdb.db, log: noLog, sinks: [webhookSink(ep, { timeoutMs: 200 })], baseDelayMs: 1000, random: () => 0 });
    const id = await tdb.db.transaction().execute((trx) => outbox.enqueue(trx, { type: 'refund.succeeded', aggregateId: 'rf_7', payload: { amount: 500 } }, T0));
    const row = () => tdb.db.selectFrom('outbox_deliveries').selectAll().where('event_id', '=', id).where('sink', '=', ep.name).executeTakeFirstOrThrow();

    respond = () => ({ status: 500, body: 'oops' });
    expect(await outbox.relayOnce(T0)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(await row()).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: T0 + 1000 });
    expect((await row()).last_error).toMatch(/HTTP 500 oops/);

    respond = () => ({ status: 200, delayMs: 1000 });
    expect(await outbox.relayOnce(T0 + 1000)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(await row()).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: T0 + 3000 });
    expect((await row()).last_error).toMatch(/no answer within 200 ms/);

    respond = () => ({ status: 204 });
    expect(await outbox.relayOnce(T0 + 3000)).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(await row()).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
    // Every attempt carried the same event id (merchants deduplicate by it) and a valid signature.
    expect(received).toHaveLength(3);
    for (const r of received) {
      expect(r.headers['shop-event-id']).toBe(id);
      expect(verifyWebhook(SECRET, String(r.headers['shop-signature']), r.body)).toBe(true);
    }
    expect((JSON.parse(received[2].body) as WebhookBody).data).toEqual({ amount: 500 });
  });
});

describe('loadWebhookEndpoints', () => {
  it('is empty without a URL', () => {
    expect(loadWebhookEndpoints({})).toEqual([]);
    expect(loadWebhookEndpoints({ MERCHANT_WEBHOOK_URL: ' ', MERCHANT_WEBHOOK_SECRET: 'short' })).toEqual([]);
  });

  it('reads one or several URLs with the secret and the event list', () => {
    expect(loadWebhookEndpoints({ MERCHANT_WEBHOOK_URL: 'https://merchant.example/hooks?token=abc', MERCHANT_WEBHOOK_SECRET: SECRET })).toEqual([
      { name: 'webhook:https://merchant.example/hooks', url: 'https://merchant.example/hooks?token=abc', secret: SECRET, types: ['*'] },
    ]);
    const many = loadWebhookEndpoints({
      MERCHANT_WEBHOOK_URL: 'https://a.example/hook, https://b.example/hook',
      MERCHANT_WEBHOOK_SECRET: SECRET,
      MERCHANT_WEBHOOK_EVENTS: 'payment.succeeded, refund.*',
    });
    expect(many.map((e) => e.name)).toEqual(['webhook:https://a.example/hook', 'webhook:https://b.example/hook']);
    for (const e of many) expect(e.types).toEqual(['payment.succeeded', 'refund.*']);
  });

  it("sends the catalog's webhook events only: never staff, account, referral-binding, dashboard or workbench events, even to '*'", () => {
    expect(acceptsType(['*'], 'payment.succeeded')).toBe(true);
    expect(acceptsType(['*'], 'after_sale.refunded')).toBe(true);
    expect(acceptsType(['refund.*'], 'refund.failed')).toBe(true);
    expect(acceptsType(['refund.*'], 'payment.succeeded')).toBe(false);
    for (const internal of ['staff.removed', 'staff.role_changed', 'account.disabled', 'account.sessions_revoked', 'referral.bound', 'dashboard.updated', 'workbench.new_orders']) {
      expect(acceptsType(['*'], internal)).toBe(false);
    }
    // Every catalog event is one or the other, on purpose: a new event is internal until listed.
    expect(WEBHOOK_EVENT_NAMES).toEqual(expect.arrayContaining(['order.created', 'order.paid', 'payment.succeeded', 'refund.succeeded', 'late_payment.refunded', 'after_sale.requested', 'sku.sold_out']));
  });

  it('rejects a missing or short secret, bad URLs, bad event types and duplicates with clear messages', () => {
    const url = 'https://merchant.example/hooks';
    const load = (env: Record<string, string>) => () => loadWebhookEndpoints(env);
    expect(load({ MERCHANT_WEBHOOK_URL: url })).toThrow(new ConfigError('MERCHANT_WEBHOOK_SECRET is required when MERCHANT_WEBHOOK_URL is set'));
    expect(load({ MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: 'fifteen-chars!!' })).toThrow('MERCHANT_WEBHOOK_SECRET must be at least 16 characters');
    expect(load({ MERCHANT_WEBHOOK_URL: 'not a url', MERCHANT_WEBHOOK_SECRET: SECRET })).toThrow('MERCHANT_WEBHOOK_URL: "not a url" is not a URL');
    expect(load({ MERCHANT_WEBHOOK_URL: 'ftp://x.example/h', MERCHANT_WEBHOOK_SECRET: SECRET })).toThrow('must be an http(s) URL');
    expect(load({ MERCHANT_WEBHOOK_URL: 'http://merchant.example/h', MERCHANT_WEBHOOK_SECRET: SECRET, NODE_ENV: 'production' })).toThrow('must use https when NODE_ENV=production');
    expect(loadWebhookEndpoints({ MERCHANT_WEBHOOK_URL: 'http://127.0.0.1:9000/h', MERCHANT_WEBHOOK_SECRET: SECRET, NODE_ENV: 'production' })).toHaveLength(1);
    expect(load({ MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: SECRET, MERCHANT_WEBHOOK_EVENTS: 'payment succeeded' })).toThrow('MERCHANT_WEBHOOK_EVENTS: "payment succeeded" is not an event type');
    expect(load({ MERCHANT_WEBHOOK_URL: `${url},${url}?v=2`, MERCHANT_WEBHOOK_SECRET: SECRET })).toThrow('lists https://merchant.example/hooks twice');
    expect(load({ MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: SECRET, MERCHANT_WEBHOOK_EVENTS: 'staff.*' })).toThrow('"staff.*" matches no event a webhook may receive');
    expect(load({ MERCHANT_WEBHOOK_URL: url, MERCHANT_WEBHOOK_SECRET: SECRET, MERCHANT_WEBHOOK_EVENTS: 'account.disabled' })).toThrow(ConfigError);
    expect(load({ MERCHANT_WEBHOOK_URL: url })).toThrow(ConfigError);
  });
});
