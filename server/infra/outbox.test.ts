import type { Kysely } from 'kysely';
import { createDb, type Database } from '../db';
import { testDb, type TestDb } from '../test/db';
import { backoffDelay, consumerSink, createOutbox, type Outbox, type OutboxEvent, type OutboxOptions, type Sink } from './outbox';

let tdb: TestDb;
let db: Kysely<Database>;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
});
afterAll(async () => {
  await tdb.destroy();
});

interface Logged {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

function capture() {
  const lines: Logged[] = [];
  const log = {
    info: (obj: object, msg?: string) => void lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj: object, msg?: string) => void lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
    error: (obj: object, msg?: string) => void lines.push({ level: 'error', obj: obj as Record<string, unknown>, msg }),
  };
  return { lines, log };
}

/** A sink that records what it got; fail(n) makes the next n deliveries throw. */
function recordingSink(name: string, types: string[] = ['*']) {
  const got: OutboxEvent[] = [];
  let failures = 0;
  let message = 'sink is down';
  const sink: Sink = {
    name,
    accepts: (type) => types.includes('*') || types.includes(type),
    async deliver(event) {
      if (failures > 0) {
        failures -= 1;
        throw new Error(message);
      }
      got.push(event);
    },
  };
  return {
    sink,
    got,
    fail(n: number, msg = 'sink is down') {
      failures = n;
      message = msg;
    },
  };
}

// Each test uses its own sink names, so rows left by other tests (same database) never interfere.
let seq = 0;
const uniq = (base: string) => `${base}-${++seq}`;

function outbox(sinks: Sink[], extra: Partial<OutboxOptions> = {}, on: Kysely<Database> = db) {
  const { lines, log } = capture();
  return { outbox: createOutbox({ db: on, log, sinks, random: () => 0, ...extra }), lines };
}

/**
 * Enqueues `count` events in one transaction on `on`, then runs passes of both relays at once,
 * at the same instant, until everything is out (nothing retried, nothing dead). Returns the ids.
 */
async function enqueueAndRace(on: Kysely<Database>, a: Outbox, b: Outbox, count: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  await on.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i++) ids.push(await a.enqueue(trx, { type: 'payment.succeeded', aggregateId: `${prefix}${i}`, payload: { i } }, T0));
  });
  let total = 0;
  for (let round = 0; round < 20 && total < ids.length; round++) {
    const [ra, rb] = await Promise.all([a.relayOnce(T0 + 1), b.relayOnce(T0 + 1)]);
    expect(ra.retried + rb.retried + ra.dead + rb.dead).toBe(0);
    total += ra.delivered + rb.delivered;
  }
  expect(total).toBe(ids.length);
  return ids;
}

async function enqueueCommitted(o: Outbox, type: string, aggregateId: string, payload: unknown, now?: number): Promise<string> {
  return db.transaction().execute((trx) => o.enqueue(trx, { type, aggregateId, payload }, now));
}

function delivery(eventId: string, sink: string) {
  return db.selectFrom('outbox_deliveries').selectAll().where('event_id', '=', eventId).where('sink', '=', sink).executeTakeFirstOrThrow();
}

const T0 = 1_700_000_000_000;

it('enqueue writes the event and one pending delivery per accepting sink, inside the transaction', async () => {
  const a = recordingSink(uniq('a'), ['payment.succeeded']);
  const b = recordingSink(uniq('b'), ['refund.succeeded']);
  const c = recordingSink(uniq('c'));
  const { outbox: o } = outbox([a.sink, b.sink, c.sink]);
  const id = await enqueueCommitted(o, 'payment.succeeded', 'pay_1', { amount: 1200, orders: ['o_1'] }, T0);
  expect(id).toMatch(/^evt_/);
  const event = await db.selectFrom('outbox_events').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  expect(event).toMatchObject({ type: 'payment.succeeded', aggregate_id: 'pay_1', created_at: T0 });
  expect(JSON.parse(event.payload)).toEqual({ amount: 1200, orders: ['o_1'] });
  const rows = await db.selectFrom('outbox_deliveries').selectAll().where('event_id', '=', id).orderBy('sink').execute();
  expect(rows.map((r) => r.sink).sort()).toEqual([a.sink.name, c.sink.name].sort());
  for (const r of rows) expect(r).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: T0, locked_until: null, last_error: null, delivered_at: null });
});

it('an enqueue inside a transaction that rolls back leaves nothing', async () => {
  const a = recordingSink(uniq('a'));
  const { outbox: o } = outbox([a.sink]);
  const aggregateId = uniq('pay_rolled_back');
  await expect(
    db.transaction().execute(async (trx) => {
      await o.enqueue(trx, { type: 'payment.succeeded', aggregateId, payload: {} });
      throw new Error('the state change failed');
    }),
  ).rejects.toThrow('the state change failed');
  expect(await db.selectFrom('outbox_events').select('id').where('aggregate_id', '=', aggregateId).execute()).toEqual([]);
  expect(await db.selectFrom('outbox_deliveries').select('event_id').where('sink', '=', a.sink.name).execute()).toEqual([]);
  expect(await o.relayOnce()).toEqual({ delivered: 0, retried: 0, dead: 0 });
  expect(a.got).toEqual([]);
});

it('enqueue outside a transaction still writes the event and its deliveries together', async () => {
  const a = recordingSink(uniq('a'));
  const { outbox: o } = outbox([a.sink]);
  const id = await o.enqueue(db, { type: 't.x', aggregateId: 'x', payload: null }, T0);
  expect((await delivery(id, a.sink.name)).status).toBe('pending');
});

it('delivers each due event to its sinks and marks the deliveries delivered', async () => {
  const a = recordingSink(uniq('a'));
  const b = recordingSink(uniq('b'));
  const { outbox: o } = outbox([a.sink, b.sink]);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await enqueueCommitted(o, 'payment.succeeded', `pay_${i}`, { i }, T0));
  // Not due yet: nothing goes out before next_attempt_at.
  expect(await o.relayOnce(T0 - 1)).toEqual({ delivered: 0, retried: 0, dead: 0 });
  expect(await o.relayOnce(T0 + 10)).toEqual({ delivered: 10, retried: 0, dead: 0 });
  expect(a.got.map((e) => e.id).sort()).toEqual([...ids].sort());
  expect(b.got.map((e) => e.id).sort()).toEqual([...ids].sort());
  const first = a.got.find((e) => e.id === ids[0]);
  expect(first).toEqual({ id: ids[0], type: 'payment.succeeded', version: 1, aggregateId: 'pay_0', payload: { i: 0 }, createdAt: T0 });
  const row = await delivery(ids[0], a.sink.name);
  expect(row).toMatchObject({ status: 'delivered', attempts: 1, delivered_at: T0 + 10, locked_until: null, last_error: null });
  // Delivered rows are not delivered again.
  expect(await o.relayOnce(T0 + 20)).toEqual({ delivered: 0, retried: 0, dead: 0 });
  expect(a.got).toHaveLength(5);
});

it('retries a failing sink with exponential backoff (base * 2^(attempts-1), capped) without touching other sinks', async () => {
  const flaky = recordingSink(uniq('flaky'));
  const fine = recordingSink(uniq('fine'));
  const { outbox: o, lines } = outbox([flaky.sink, fine.sink], { baseDelayMs: 1000, maxDelayMs: 8000, maxAttempts: 10 });
  const id = await enqueueCommitted(o, 'payment.failed', 'pay_flaky', { reason: 'x' }, T0);
  flaky.fail(5, 'connection refused');

  let now = T0;
  const delays: number[] = [];
  for (let attempt = 1; attempt <= 5; attempt++) {
    const r = await o.relayOnce(now);
    expect(r.retried).toBe(1);
    const row = await delivery(id, flaky.sink.name);
    expect(row).toMatchObject({ status: 'pending', attempts: attempt, locked_until: null, last_error: 'Error: connection refused' });
    delays.push(row.next_attempt_at - now);
    // One millisecond early: not due.
    expect(await o.relayOnce(row.next_attempt_at - 1)).toEqual({ delivered: 0, retried: 0, dead: 0 });
    now = row.next_attempt_at;
  }
  expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
  expect(await o.relayOnce(now)).toEqual({ delivered: 1, retried: 0, dead: 0 });
  expect(await delivery(id, flaky.sink.name)).toMatchObject({ status: 'delivered', attempts: 6, last_error: null });
  expect(flaky.got.map((e) => e.id)).toEqual([id]);
  expect(fine.got.map((e) => e.id)).toEqual([id]);
  expect(lines.filter((l) => l.level === 'warn')).toHaveLength(5);
});

it('jitter takes at most a fifth off the delay, and the cap holds for huge attempt counts', () => {
  expect(backoffDelay(1, 1000, 3_600_000, () => 0)).toBe(1000);
  expect(backoffDelay(4, 1000, 3_600_000, () => 0)).toBe(8000);
  expect(backoffDelay(4, 1000, 3_600_000, () => 0.5)).toBe(7200);
  expect(backoffDelay(4, 1000, 3_600_000, () => 0.999999)).toBe(6400);
  expect(backoffDelay(13, 1000, 3_600_000, () => 0)).toBe(3_600_000);
  expect(backoffDelay(5000, 1000, 3_600_000, () => 0)).toBe(3_600_000);
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(3, 1000, 3_600_000);
    expect(d).toBeGreaterThan(3200 - 1);
    expect(d).toBeLessThanOrEqual(4000);
  }
});

it('a delivery becomes dead after maxAttempts with its last error logged; requeue brings it back', async () => {
  const s = recordingSink(uniq('merchant'));
  const { outbox: o, lines } = outbox([s.sink], { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 100 });
  const id = await enqueueCommitted(o, 'refund.succeeded', 'rf_1', { amount: 300 }, T0);
  s.fail(3, 'HTTP 500 internal');
  expect(await o.relayOnce(T0)).toEqual({ delivered: 0, retried: 1, dead: 0 });
  expect(await o.relayOnce(T0 + 100)).toEqual({ delivered: 0, retried: 1, dead: 0 });
  expect(await o.relayOnce(T0 + 200)).toEqual({ delivered: 0, retried: 0, dead: 1 });
  expect(await delivery(id, s.sink.name)).toMatchObject({ status: 'dead', attempts: 3, locked_until: null, last_error: 'Error: HTTP 500 internal' });
  const errors = lines.filter((l) => l.level === 'error');
  expect(errors).toHaveLength(1);
  expect(errors[0].obj).toMatchObject({ eventId: id, sink: s.sink.name, attempts: 3, error: 'Error: HTTP 500 internal' });
  // Dead rows are never picked up again by the relay.
  expect(await o.relayOnce(T0 + 10_000_000)).toEqual({ delivered: 0, retried: 0, dead: 0 });

  const dead = (await o.listDead()).filter((d) => d.sink === s.sink.name);
  expect(dead).toEqual([{ eventId: id, sink: s.sink.name, type: 'refund.succeeded', aggregateId: 'rf_1', attempts: 3, lastError: 'Error: HTTP 500 internal', createdAt: T0 }]);

  expect(await o.requeue(id, 'no-such-sink')).toBe(false);
  expect(await o.requeue(id, s.sink.name, T0 + 500)).toBe(true);
  expect(await delivery(id, s.sink.name)).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: T0 + 500, locked_until: null });
  // Only a dead delivery can be requeued.
  expect(await o.requeue(id, s.sink.name)).toBe(false);
  expect((await o.listDead()).filter((d) => d.sink === s.sink.name)).toEqual([]);
  expect(await o.relayOnce(T0 + 500)).toEqual({ delivered: 1, retried: 0, dead: 0 });
  expect(s.got.map((e) => e.id)).toEqual([id]);
  expect(await delivery(id, s.sink.name)).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
});

describe('consumerSink', () => {
  beforeAll(async () => {
    await db.schema
      .createTable('test_effects')
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .execute();
  });
  const effects = (eventId: string) =>
    // test_effects is not in Database: a raw table of this test only.
    (db as unknown as Kysely<{ test_effects: { event_id: string; note: string } }>)
      .selectFrom('test_effects')
      .selectAll()
      .where('event_id', '=', eventId)
      .execute();
  const addEffect = (trx: Kysely<Database>, eventId: string, note: string) =>
    (trx as unknown as Kysely<{ test_effects: { event_id: string; note: string } }>).insertInto('test_effects').values({ event_id: eventId, note }).execute();

  it("stores an event only for the sinks that admit it, asked in the producer's transaction; none admitting stores nothing", async () => {
    const picky = consumerSink(uniq('picky'), ['order.created'], db, async () => undefined, async (trx, event) => {
      // Asked inside the producer's transaction, with the event as it will be stored.
      expect(trx.isTransaction).toBe(true);
      return (event.payload as { keep?: boolean }).keep === true;
    });
    const { outbox: box } = outbox([picky]);
    const [kept, dropped] = await db.transaction().execute(async (trx) => [
      await box.enqueue(trx, { type: 'order.created', aggregateId: 'o_1', payload: { keep: true } }),
      await box.enqueue(trx, { type: 'order.created', aggregateId: 'o_2', payload: { keep: false } }),
    ]);
    const stored = await db.selectFrom('outbox_deliveries').select(['event_id', 'sink']).where('event_id', 'in', [kept, dropped]).execute();
    expect(stored).toEqual([{ event_id: kept, sink: picky.name }]);
    expect(await db.selectFrom('outbox_events').select('id').where('id', 'in', [kept, dropped]).execute()).toEqual([{ id: kept }]);
    // Another sink taking the type gets its delivery whatever the picky one says.
    const all = recordingSink(uniq('all'));
    const { outbox: both } = outbox([picky, all.sink]);
    const id = await db.transaction().execute((trx) => both.enqueue(trx, { type: 'order.created', aggregateId: 'o_3', payload: { keep: false } }));
    expect(await db.selectFrom('outbox_deliveries').select('sink').where('event_id', '=', id).execute()).toEqual([{ sink: all.sink.name }]);
  });

  it('handles a redelivered event once', async () => {
    const name = uniq('ledger-consumer');
    let calls = 0;
    const sink = consumerSink(name, ['payment.succeeded'], db, async (trx, event) => {
      calls += 1;
      await addEffect(trx, event.id, 'booked');
    });
    expect(sink.accepts('payment.succeeded')).toBe(true);
    expect(sink.accepts('payment.failed')).toBe(false);
    const event: OutboxEvent = { id: `evt_${uniq('dup')}`, type: 'payment.succeeded', version: 1, aggregateId: 'pay_9', payload: {}, createdAt: T0 };
    await sink.deliver(event);
    await sink.deliver(event);
    await Promise.all([sink.deliver(event), sink.deliver(event)]);
    expect(calls).toBe(1);
    expect(await effects(event.id)).toEqual([{ event_id: event.id, note: 'booked' }]);
    expect(await db.selectFrom('consumed_events').select('consumer').where('event_id', '=', event.id).execute()).toEqual([{ consumer: name }]);
    // Another consumer of the same event keeps its own record.
    const other = consumerSink(uniq('other'), ['payment.succeeded'], db, async (trx, e) => void (await addEffect(trx, e.id, 'other')));
    await other.deliver(event);
    expect((await effects(event.id)).map((r) => r.note).sort()).toEqual(['booked', 'other']);
  });

  it('a handler that throws rolls back its writes and the consumed mark, and the relay retries it', async () => {
    const name = uniq('flaky-consumer');
    let fail = true;
    const sink = consumerSink(name, ['order.paid'], db, async (trx, event) => {
      await addEffect(trx, event.id, 'half-done');
      if (fail) throw new Error('handler failed');
    });
    const { outbox: o } = outbox([sink], { baseDelayMs: 1000 });
    const id = await enqueueCommitted(o, 'order.paid', 'o_1', { orderId: 'o_1' }, T0);
    expect(await o.relayOnce(T0)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(await effects(id)).toEqual([]);
    expect(await db.selectFrom('consumed_events').selectAll().where('event_id', '=', id).execute()).toEqual([]);
    fail = false;
    expect(await o.relayOnce(T0 + 1000)).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(await effects(id)).toEqual([{ event_id: id, note: 'half-done' }]);
  });

  it('the relay claims, handles and finishes a consumer delivery in one transaction; a failure rolls all of it back', async () => {
    const name = uniq('one-trx');
    const seen: Array<{ status: string; attempts: number; locked_until: number | null }> = [];
    let fail = true;
    const sink = consumerSink(name, ['*'], db, async (trx, event) => {
      // Inside the handler the delivery is already marked delivered, in the same transaction.
      seen.push(
        await trx
          .selectFrom('outbox_deliveries')
          .select(['status', 'attempts', 'locked_until'])
          .where('event_id', '=', event.id)
          .where('sink', '=', name)
          .executeTakeFirstOrThrow(),
      );
      await addEffect(trx, event.id, 'written');
      if (fail) throw new Error('crash in the middle');
    });
    const { outbox: o } = outbox([sink], { baseDelayMs: 1000, maxAttempts: 3 });
    const id = await enqueueCommitted(o, 'payment.succeeded', 'pay_t', {}, T0);
    expect(await o.relayOnce(T0)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(seen).toEqual([{ status: 'delivered', attempts: 1, locked_until: null }]);
    // Rolled back: no effect, no consumed mark, the delivery pending with the attempt counted and no lease.
    expect(await effects(id)).toEqual([]);
    expect(await db.selectFrom('consumed_events').selectAll().where('event_id', '=', id).execute()).toEqual([]);
    expect(await delivery(id, name)).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: T0 + 1000, locked_until: null, last_error: 'Error: crash in the middle' });
    // Not due before its retry time.
    expect(await o.relayOnce(T0 + 999)).toEqual({ delivered: 0, retried: 0, dead: 0 });
    fail = false;
    expect(await o.relayOnce(T0 + 1000)).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(await delivery(id, name)).toMatchObject({ status: 'delivered', attempts: 2, delivered_at: T0 + 1000, locked_until: null, last_error: null });
    expect(await effects(id)).toEqual([{ event_id: id, note: 'written' }]);
    expect(await db.selectFrom('consumed_events').select('consumer').where('event_id', '=', id).execute()).toEqual([{ consumer: name }]);
  });

  it('a consumer delivery that keeps failing becomes dead after maxAttempts', async () => {
    const name = uniq('dead-consumer');
    const sink = consumerSink(name, ['*'], db, async () => {
      throw new Error('always');
    });
    const { outbox: o, lines } = outbox([sink], { baseDelayMs: 10, maxDelayMs: 10, maxAttempts: 2 });
    const id = await enqueueCommitted(o, 'payment.succeeded', 'pay_d', {}, T0);
    expect(await o.relayOnce(T0)).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(await o.relayOnce(T0 + 10)).toEqual({ delivered: 0, retried: 0, dead: 1 });
    expect(await delivery(id, name)).toMatchObject({ status: 'dead', attempts: 2, last_error: 'Error: always' });
    expect(lines.some((l) => l.level === 'error' && /dead/.test(l.msg ?? ''))).toBe(true);
  });

  it('two relays never run a consumer handler twice for one delivery', async () => {
    // PostgreSQL: separate pools, as two nodes. SQLite: one connection, as two relays in one
    // process (a second SQLite connection in this process would block the event loop in its busy
    // wait while the first one's transaction awaits; across processes it simply waits).
    const second =
      tdb.dialect === 'postgres'
        ? createDb({ dialect: tdb.dialect, databaseUrl: tdb.databaseUrl, sqlitePath: '' }, { pgSchema: tdb.schema ?? undefined, poolSize: 5 })
        : db;
    try {
      const name = uniq('consumer-race');
      const calls = new Map<string, number>();
      const sinkOn = (on: Kysely<Database>) =>
        consumerSink(name, ['*'], on, async (trx, e) => {
          calls.set(e.id, (calls.get(e.id) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          await addEffect(trx, e.id, 'raced');
        });
      const a = outbox([sinkOn(db)], { batchSize: 10, concurrency: 3 });
      const b = outbox([sinkOn(second)], { batchSize: 10, concurrency: 3 }, second);
      const ids = await enqueueAndRace(db, a.outbox, b.outbox, 40, 'pay_cr');
      expect([...calls.keys()].sort()).toEqual([...ids].sort());
      for (const count of calls.values()) expect(count).toBe(1);
      for (const id of ids) expect(await effects(id)).toHaveLength(1);
      const statuses = await db.selectFrom('outbox_deliveries').select(['status', 'attempts']).where('sink', '=', name).execute();
      expect(statuses.every((s) => s.status === 'delivered' && s.attempts === 1)).toBe(true);
    } finally {
      if (second !== db) await second.destroy();
    }
  });

  it('a relay that crashed after the handler committed redelivers, and the consumer skips it', async () => {
    const name = uniq('crash-consumer');
    let calls = 0;
    const sink = consumerSink(name, ['*'], db, async (trx, event) => {
      calls += 1;
      await addEffect(trx, event.id, 'once');
    });
    const { outbox: o } = outbox([sink], { leaseMs: 1000 });
    const id = await enqueueCommitted(o, 'payment.succeeded', 'pay_c', {}, T0);
    // The "crashed" relay: it claimed the row and delivered, but never recorded the outcome.
    await db.updateTable('outbox_deliveries').set({ locked_until: T0 + 1000 }).where('event_id', '=', id).where('sink', '=', name).execute();
    await sink.deliver({ id, type: 'payment.succeeded', version: 1, aggregateId: 'pay_c', payload: {}, createdAt: T0 });
    expect(await o.relayOnce(T0 + 999)).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect(await o.relayOnce(T0 + 1000)).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(calls).toBe(1);
    expect(await effects(id)).toHaveLength(1);
  });
});

it('a lease held by a crashed relay blocks others until it expires, then another pass delivers the row', async () => {
  const name = uniq('slow');
  const got: string[] = [];
  let release: () => void = () => undefined;
  const hung = new Promise<void>((r) => (release = r));
  const hanging: Sink = { name, accepts: () => true, deliver: () => hung };
  const healthy: Sink = { name, accepts: () => true, deliver: async (e) => void got.push(e.id) };
  const a = outbox([hanging], { leaseMs: 30_000 });
  const b = outbox([healthy], { leaseMs: 30_000 });
  const id = await enqueueCommitted(a.outbox, 'payment.succeeded', 'pay_l', {}, T0);

  const passA = a.outbox.relayOnce(T0);
  // Wait until A holds the lease.
  for (let i = 0; i < 100 && (await delivery(id, name)).locked_until === null; i++) await new Promise((r) => setTimeout(r, 5));
  expect((await delivery(id, name)).locked_until).toBe(T0 + 30_000);
  expect(await b.outbox.relayOnce(T0 + 29_999)).toEqual({ delivered: 0, retried: 0, dead: 0 });
  expect(got).toEqual([]);
  expect(await b.outbox.relayOnce(T0 + 30_000)).toEqual({ delivered: 1, retried: 0, dead: 0 });
  expect(got).toEqual([id]);
  expect(await delivery(id, name)).toMatchObject({ status: 'delivered', attempts: 1, delivered_at: T0 + 30_000 });

  // A wakes up late: its outcome no longer owns the row, so it changes nothing and says so.
  release();
  await passA;
  expect(await delivery(id, name)).toMatchObject({ status: 'delivered', attempts: 1, delivered_at: T0 + 30_000 });
  expect(a.lines.some((l) => l.level === 'warn' && /lease ran out/.test(l.msg ?? ''))).toBe(true);
});

it('two relays on separate connections never deliver one row twice within its lease', async () => {
  // SQLite: two connections in this one thread, so neither may use group commit (the second's
  // busy wait would block the thread the first needs to commit its group; across processes it
  // simply waits). A database of its own, then, with both on Kysely's own driver.
  const own = tdb.dialect === 'sqlite' ? await testDb({ sqliteGroupCommit: false }) : null;
  const base = own ?? tdb;
  const db = base.db;
  const second = createDb(
    { dialect: base.dialect, databaseUrl: base.databaseUrl, sqlitePath: base.sqlitePath ?? '' },
    base.schema ? { pgSchema: base.schema, poolSize: 5 } : {},
  );
  try {
    const name = uniq('race');
    const deliveries = new Map<string, number>();
    const byRelay = [0, 0];
    const sinkFor = (relay: number): Sink => ({
      name,
      accepts: () => true,
      async deliver(e) {
        deliveries.set(e.id, (deliveries.get(e.id) ?? 0) + 1);
        byRelay[relay] += 1;
        await new Promise((r) => setTimeout(r, Math.random() * 3));
      },
    });
    const a = outbox([sinkFor(0)], { batchSize: 10, concurrency: 3 }, db);
    const b = outbox([sinkFor(1)], { batchSize: 10, concurrency: 3 }, second);
    const ids = await enqueueAndRace(db, a.outbox, b.outbox, 60, 'pay_r');
    expect([...deliveries.keys()].sort()).toEqual([...ids].sort());
    for (const count of deliveries.values()) expect(count).toBe(1);
    expect(byRelay[0] + byRelay[1]).toBe(ids.length);
    const statuses = await db.selectFrom('outbox_deliveries').select(['status', 'attempts']).where('sink', '=', name).execute();
    expect(statuses.every((s) => s.status === 'delivered' && s.attempts === 1)).toBe(true);
  } finally {
    await second.destroy();
    await own?.destroy();
  }
});

it('kick() coalesces many kicks into few passes; start() relays on its own; stop() waits for the pass in flight', async () => {
  const name = uniq('kicked');
  const got: string[] = [];
  let gate: () => void = () => undefined;
  let blocked: Promise<void> | null = new Promise<void>((r) => (gate = r));
  const sink: Sink = {
    name,
    accepts: () => true,
    async deliver(e) {
      if (blocked) await blocked;
      got.push(e.id);
    },
  };
  const passes: number[] = [];
  const { outbox: o } = outbox([sink], { onPass: (r) => passes.push(r.delivered) });
  const first = await enqueueCommitted(o, 'a.b', 'x1', {});
  o.kick();
  // While that pass waits on the sink, many more kicks arrive: they make one more pass, not twenty.
  await new Promise((r) => setTimeout(r, 20));
  const more: string[] = [];
  for (let i = 0; i < 20; i++) {
    more.push(await enqueueCommitted(o, 'a.b', `x${i + 2}`, {}));
    o.kick();
  }
  blocked = null;
  gate();
  for (let i = 0; i < 200 && got.length < 21; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 30));
  expect(got.sort()).toEqual([first, ...more].sort());
  expect(passes.length).toBe(2);
  expect(passes.reduce((x, y) => x + y, 0)).toBe(21);
  await o.stop();

  // start(): a timer relays without kicks.
  const name2 = uniq('timer');
  const got2: string[] = [];
  const { outbox: timed } = outbox([{ name: name2, accepts: () => true, deliver: async (e) => void got2.push(e.id) }]);
  timed.start(10);
  const id = await enqueueCommitted(timed, 'a.b', 'y', {});
  for (let i = 0; i < 200 && got2.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
  expect(got2).toEqual([id]);
  await timed.stop();
  const later = await enqueueCommitted(timed, 'a.b', 'z', {});
  timed.kick();
  await new Promise((r) => setTimeout(r, 40));
  expect(got2).toEqual([id]);
  expect((await delivery(later, name2)).status).toBe('pending');
});

it('a kicked pass that stops at its batch cap with a full batch schedules the next pass at once (no timer needed)', async () => {
  const name = uniq('capped');
  const s = recordingSink(name);
  const passes: number[] = [];
  // batchSize 1: 20 batches per pass deliver 20 rows; 25 rows need a second pass.
  const { outbox: o } = outbox([s.sink], { batchSize: 1, onPass: (r) => passes.push(r.delivered) });
  const ids: string[] = [];
  for (let i = 0; i < 25; i++) ids.push(await enqueueCommitted(o, 'a.b', `c${i}`, {}));
  o.kick(); // no start(): without the re-kick the last 5 would wait for a timer that never runs
  for (let i = 0; i < 400 && s.got.length < 25; i++) await new Promise((r) => setTimeout(r, 5));
  await o.stop();
  expect(s.got.map((e) => e.id).sort()).toEqual([...ids].sort());
  expect(passes[0]).toBe(20);
  expect(passes.reduce((x, y) => x + y, 0)).toBe(25);
});

it('refuses two sinks with one name', () => {
  const s = recordingSink('same');
  expect(() => createOutbox({ db, log: capture().log, sinks: [s.sink, recordingSink('same').sink] })).toThrow('two sinks are named "same"');
});
