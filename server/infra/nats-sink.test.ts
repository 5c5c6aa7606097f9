import { spawn } from 'node:child_process';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { testDb, type TestDb } from '../test/db';
import { consumeAll, describeNats, natsAdmin, natsProxy, testNatsConfig, TEST_NATS_URL, type ReadMessage } from '../test/nats';
import { freePort } from '../test/net';
import { NATS_DEFAULTS, type NatsConfig } from './nats-config';
import { NATS_SINK_NAME, natsOutboxSinks, natsSink, natsSubject, relayRetrySpanMs, type NatsSink, type NatsSinkOptions } from './nats-sink';
import { createOutbox, type Outbox } from './outbox';

interface Logged {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

function capture() {
  const lines: Logged[] = [];
  const push = (level: Logged['level']) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  return { lines, log: { info: push('info'), warn: push('warn'), error: push('error') } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the NATS sink without a server', () => {
  it('publishes on <prefix>.<event type> and refuses a type that is no subject', () => {
    expect(natsSubject('shop.events', 'payment.succeeded')).toBe('shop.events.payment.succeeded');
    expect(() => natsSubject('shop.events', 'payment.*')).toThrow(/cannot be a subject/);
    expect(() => natsSubject('shop.events', 'payment succeeded')).toThrow(/cannot be a subject/);
    expect(() => natsSubject('shop.events', 'payment..x')).toThrow(/cannot be a subject/);
  });

  it("the default duplicate window outlasts the relay's whole retry schedule", () => {
    // 1+2+...+1024 s of backoff, 12 publish timeouts of 10 s, one 30 s lease.
    expect(relayRetrySpanMs()).toBe(2_047_000 + 120_000 + 30_000);
    expect(NATS_DEFAULTS.duplicateWindowSeconds * 1000).toBeGreaterThan(relayRetrySpanMs());
  });

  it('is no sink at all without NATS_URL, and warns about a window shorter than the retry span', async () => {
    const off = natsOutboxSinks(null, capture().log);
    expect(off.sinks).toEqual([]);
    await off.stop();
    const { lines, log } = capture();
    const on = natsOutboxSinks(testNatsConfig({ duplicateWindowMs: 600_000 }), log);
    expect(on.sinks.map((s) => s.name)).toEqual([NATS_SINK_NAME]);
    expect(on.sinks[0].accepts('anything.at_all')).toBe(true);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([expect.stringMatching(/duplicate window is shorter/)]);
    await on.stop();
  });
});

describeNats('the NATS JetStream sink of the outbox (local NATS server)', () => {
  let tdb: TestDb;
  let admin: Awaited<ReturnType<typeof natsAdmin>>;
  const made: string[] = [];
  const sinks: NatsSink[] = [];

  beforeAll(async () => {
    tdb = await testDb();
    admin = await natsAdmin();
  });
  afterAll(async () => {
    for (const s of sinks) await s.stop();
    await admin?.deleteStreams(made);
    await admin?.close();
    await tdb?.destroy();
  });

  function config(overrides: Partial<NatsConfig> = {}): NatsConfig {
    const c = testNatsConfig(overrides);
    made.push(c.stream);
    return c;
  }

  /** A NATS sink (fast timeouts for the tests) and an outbox relaying to it alone. */
  function relay(c: NatsConfig, options: Partial<NatsSinkOptions> = {}) {
    const { lines, log } = capture();
    const sink = natsSink(c, { log, publishTimeoutMs: 2000, connectTimeoutMs: 1000, reconnectTimeWaitMs: 100, ...options });
    sinks.push(sink);
    const outbox = createOutbox({ db: tdb.db, log, sinks: [sink], baseDelayMs: 50, maxDelayMs: 50, random: () => 0 });
    return { sink, outbox, lines };
  }

  /** Enqueues events one millisecond apart (in the past, so due now): the relay takes them in this order. */
  async function enqueue(outbox: Outbox, count: number, tag: string): Promise<string[]> {
    const ids: string[] = [];
    const base = Date.now() - 1000;
    for (let i = 0; i < count; i++) ids.push(await outbox.enqueue(tdb.db, { type: i % 2 ? 'refund.succeeded' : 'payment.succeeded', aggregateId: `${tag}_${i}`, payload: { i, tag } }, base + i));
    return ids;
  }

  function deliveries(ids: string[]) {
    return tdb.db.selectFrom('outbox_deliveries').selectAll().where('event_id', 'in', ids).where('sink', '=', NATS_SINK_NAME).orderBy('event_id').execute();
  }

  async function streamMessages(stream: string): Promise<number> {
    const jsm = await jetstreamManager(admin.nc);
    return (await jsm.streams.info(stream)).state.messages;
  }

  /** A subscriber that applies each event once: it remembers the event ids it has handled. */
  function dedupingSubscriber() {
    const handled = new Set<string>();
    const applied: string[] = [];
    return {
      applied,
      handle(m: ReadMessage) {
        // The message id is the event id, and the body carries it too.
        expect(m.msgId).toBe(m.body.id);
        const id = String(m.body.id);
        if (handled.has(id)) return;
        handled.add(id);
        applied.push(id);
      },
    };
  }

  /** Runs the relay child process (see nats-sink.relay-child.ts) and waits for it to end. */
  function runRelayChild(c: NatsConfig, env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; published: string[]; stderr: string }> {
    const root = path.resolve(__dirname, '..', '..');
    const target = { dialect: tdb.dialect, databaseUrl: tdb.databaseUrl, schema: tdb.schema, sqlitePath: tdb.sqlitePath };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'nats-sink.relay-child.ts')], {
      cwd: root,
      env: { ...process.env, CHILD_DB: JSON.stringify(target), CHILD_NATS: JSON.stringify(c), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code, signal) => {
        const published = stdout
          .split('\n')
          .filter((l) => l.startsWith('{"published"'))
          .map((l) => (JSON.parse(l) as { published: string }).published);
        resolve({ code, signal, published, stderr });
      });
    });
  }

  it('publishes each event on <prefix>.<type> with its id as the message id, once the stream acknowledges it', async () => {
    const c = config();
    const { outbox } = relay(c);
    const ids = await enqueue(outbox, 3, 'basic');
    expect(await outbox.relayOnce()).toEqual({ delivered: 3, retried: 0, dead: 0 });
    for (const row of await deliveries(ids)) expect(row).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });

    const got = await consumeAll(admin.nc, c.stream, 'basic');
    expect(got.map((m) => m.msgId).sort()).toEqual([...ids].sort());
    const first = got.find((m) => m.msgId === ids[0]);
    expect(first?.subject).toBe(`${c.subjectPrefix}.payment.succeeded`);
    expect(first?.body).toMatchObject({ id: ids[0], type: 'payment.succeeded', aggregateId: 'basic_0', payload: { i: 0, tag: 'basic' } });
    expect(typeof first?.body.createdAt).toBe('number');
    expect(got.find((m) => m.msgId === ids[1])?.subject).toBe(`${c.subjectPrefix}.refund.succeeded`);
  });

  it('a relay killed (SIGKILL) after the publish ack and before marking the delivery: the next pass republishes, the stream stores each event once, a subscriber applies each once', async () => {
    const c = config();
    const { outbox, lines } = relay(c);
    const ids = await enqueue(outbox, 5, 'crash');

    // The first relay process (the outbox's default 30 s lease) dies right after the stream
    // acknowledged the third event.
    const crashed = await runRelayChild(c, { CRASH_AFTER: '3' });
    expect(crashed.signal).toBe('SIGKILL');
    expect(crashed.published).toEqual(ids.slice(0, 3));
    expect(await streamMessages(c.stream)).toBe(3);
    const after = await deliveries(ids);
    expect(after.map((r) => r.status)).toEqual(['delivered', 'delivered', 'pending', 'pending', 'pending']);
    // The third is in the stream, yet its delivery is pending, untouched since the dead relay claimed it.
    expect(after[2]).toMatchObject({ attempts: 0, delivered_at: null });
    const leaseEnd = Number(after[2].locked_until);
    expect(leaseEnd).toBeGreaterThan(Date.now());

    // Nothing happens while the dead relay's lease holds; once it has run out, another relay
    // takes the rows over.
    expect(await outbox.relayOnce()).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect(await outbox.relayOnce(leaseEnd)).toEqual({ delivered: 3, retried: 0, dead: 0 });
    expect((await deliveries(ids)).map((r) => r.status)).toEqual(Array(5).fill('delivered'));
    // The republished third event was a duplicate to JetStream: acknowledged, not stored again.
    const duplicates = lines.filter((l) => /already in the stream/.test(l.msg ?? ''));
    expect(duplicates.map((l) => l.obj.eventId)).toEqual([ids[2]]);
    expect(await streamMessages(c.stream)).toBe(5);

    const subscriber = dedupingSubscriber();
    const got = await consumeAll(admin.nc, c.stream, 'crash', (m) => subscriber.handle(m));
    expect(got.map((m) => m.msgId)).toEqual(ids);
    expect(subscriber.applied).toEqual(ids);
  });

  it('a republication after the duplicate window is stored twice: the subscriber still applies the event once', async () => {
    const c = config({ duplicateWindowMs: 1000 });
    const { outbox } = relay(c);
    const [id] = await enqueue(outbox, 1, 'late');
    expect(await outbox.relayOnce()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    // Much later (past the window), the delivery is pending again, as after an operator's
    // requeue or a relay that never recorded its success.
    await sleep(1300);
    await tdb.db.updateTable('outbox_deliveries').set({ status: 'pending', attempts: 0, next_attempt_at: Date.now(), delivered_at: null }).where('event_id', '=', id).where('sink', '=', NATS_SINK_NAME).execute();
    expect(await outbox.relayOnce()).toEqual({ delivered: 1, retried: 0, dead: 0 });

    const subscriber = dedupingSubscriber();
    const got = await consumeAll(admin.nc, c.stream, 'late', (m) => subscriber.handle(m));
    expect(got.map((m) => m.msgId)).toEqual([id, id]);
    expect(subscriber.applied).toEqual([id]);
  });

  it('NATS unreachable: the delivery stays pending and is retried with backoff, then goes out once NATS is there', async () => {
    const port = await freePort();
    const c = config({ servers: [`nats://127.0.0.1:${port}`] });
    const { outbox, lines } = relay(c);
    const [id] = await enqueue(outbox, 1, 'down');

    expect(await outbox.relayOnce()).toEqual({ delivered: 0, retried: 1, dead: 0 });
    let [row] = await deliveries([id]);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, locked_until: null, delivered_at: null });
    expect(row.last_error).toMatch(/refused|ECONNREFUSED/i);
    expect(lines.some((l) => l.level === 'warn' && l.msg === 'outbox: delivery failed; will retry')).toBe(true);
    // Not due before its backoff.
    expect(await outbox.relayOnce(row.next_attempt_at - 1)).toEqual({ delivered: 0, retried: 0, dead: 0 });

    // Still down at the next attempt.
    await sleep(150);
    expect(await outbox.relayOnce(row.next_attempt_at)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    [row] = await deliveries([id]);
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });

    // NATS comes up on that port.
    const proxy = await natsProxy(port);
    try {
      await sleep(150);
      expect(await outbox.relayOnce(row.next_attempt_at)).toEqual({ delivered: 1, retried: 0, dead: 0 });
      expect((await deliveries([id]))[0]).toMatchObject({ status: 'delivered', attempts: 3, last_error: null });
      expect((await consumeAll(admin.nc, c.stream, 'down')).map((m) => m.msgId)).toEqual([id]);
    } finally {
      await proxy.close();
    }
  });

  it('a lost connection fails deliveries (retried), and the sink reconnects by itself when NATS is back', async () => {
    const port = await freePort();
    const c = config({ servers: [`nats://127.0.0.1:${port}`] });
    let proxy = await natsProxy(port);
    const { outbox, lines } = relay(c, { publishTimeoutMs: 500 });
    try {
      const [first] = await enqueue(outbox, 1, 'flap');
      expect(await outbox.relayOnce()).toEqual({ delivered: 1, retried: 0, dead: 0 });

      await proxy.close();
      const [second] = await enqueue(outbox, 1, 'flap');
      expect(await outbox.relayOnce()).toEqual({ delivered: 0, retried: 1, dead: 0 });
      const [row] = await deliveries([second]);
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(lines.some((l) => l.msg === 'nats: disconnected; reconnecting')).toBe(true);

      proxy = await natsProxy(port);
      for (let i = 0; i < 50 && !lines.some((l) => l.msg === 'nats: reconnected'); i++) await sleep(100);
      expect(lines.filter((l) => l.msg === 'nats: connected')).toHaveLength(1);
      expect(await outbox.relayOnce(row.next_attempt_at)).toEqual({ delivered: 1, retried: 0, dead: 0 });
      expect((await consumeAll(admin.nc, c.stream, 'flap')).map((m) => m.msgId)).toEqual([first, second]);
    } finally {
      await proxy.close();
    }
  });

  it('creates the stream on first use and brings an existing one in line (subjects added, window set), idempotently', async () => {
    const c = config({ duplicateWindowMs: 120_000 });
    const a = relay(c);
    await enqueue(a.outbox, 1, 'stream-a');
    await a.outbox.relayOnce();
    expect(a.lines.filter((l) => /^nats: stream/.test(l.msg ?? '')).map((l) => l.msg)).toEqual(['nats: stream created']);
    const jsm = await jetstreamManager(admin.nc);
    expect((await jsm.streams.info(c.stream)).config).toMatchObject({ subjects: [`${c.subjectPrefix}.>`], duplicate_window: 120_000 * 1e6 });

    // Another node with the same settings: nothing to change.
    const b = relay(c);
    await enqueue(b.outbox, 1, 'stream-b');
    await b.outbox.relayOnce();
    expect(b.lines.filter((l) => /^nats: stream/.test(l.msg ?? ''))).toEqual([]);

    // A release with another prefix and a longer window on the same stream: both subjects kept.
    const other = { ...c, subjectPrefix: `${c.subjectPrefix}-v2`, duplicateWindowMs: 300_000 };
    const d = relay(other);
    await enqueue(d.outbox, 1, 'stream-d');
    expect(await d.outbox.relayOnce()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(d.lines.filter((l) => /^nats: stream/.test(l.msg ?? '')).map((l) => l.msg)).toEqual(['nats: stream updated']);
    expect((await jsm.streams.info(c.stream)).config).toMatchObject({ subjects: [`${c.subjectPrefix}.>`, `${other.subjectPrefix}.>`], duplicate_window: 300_000 * 1e6 });
    expect(await streamMessages(c.stream)).toBe(3);
  });

  it('stop() waits for the publication in flight, closes the connection, and later deliveries fail', async () => {
    const c = config();
    const { sink, outbox } = relay(c);
    // Not a literal: the relay builds events with whatever fields the outbox gives them.
    const event = { id: `evt_stop_${Date.now()}`, type: 'payment.succeeded', version: 1, aggregateId: 'pay_stop', payload: {}, createdAt: Date.now() };
    const inFlight = sink.deliver(event);
    const stopping = sink.stop();
    await expect(inFlight).resolves.toBeUndefined();
    await stopping;
    expect((await consumeAll(admin.nc, c.stream, 'stop')).map((m) => m.msgId)).toEqual([event.id]);
    await expect(sink.deliver(event)).rejects.toThrow(/the sink is stopped/);
    const [id] = await enqueue(outbox, 1, 'stop');
    expect(await outbox.relayOnce()).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect((await deliveries([id]))[0]).toMatchObject({ status: 'pending', last_error: expect.stringMatching(/the sink is stopped/) });
  });

  it('uses the server named by TEST_NATS_URL', () => {
    expect(TEST_NATS_URL).toMatch(/^(nats|tls):\/\//);
  });
});
