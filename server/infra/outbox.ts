import type { Kysely, Updateable } from 'kysely';
import type { OutboxDeliveryTable } from './tables';
import type { Database } from '../db/types';
import { dialectOfDb } from '../db';
import { insertTogether, prepared, preparedFor } from '../db/prepared';
import { newId } from './ids';
import { transact } from '../db/transaction';

/**
 * The transactional outbox. A state change and the event announcing it are written in one
 * transaction (enqueue), together with one pending delivery per sink that wants the event. A
 * relay (relayOnce, run on a timer and after kicks) claims due deliveries with a guarded lease
 * update, delivers them and records the outcome; failures back off exponentially and, after
 * maxAttempts, the delivery is dead until an operator requeues it. Delivery is at least once:
 * sinks must tolerate a repeat (consumerSink deduplicates by event id). docs/outbox.md.
 */

/** An event to write: its type and payload version (server/events/catalog.ts), the aggregate it is about, its payload. */
export interface NewEvent {
  type: string;
  version?: number;
  aggregateId: string;
  payload: unknown;
}

export interface OutboxEvent<T = unknown> {
  id: string;
  type: string;
  /** The payload's version (the catalog's). */
  version: number;
  aggregateId: string;
  payload: T;
  createdAt: number;
}

/** A destination for events: an in-process consumer or a merchant webhook. */
export interface Sink {
  /** Stored in outbox_deliveries.sink: keep it stable across releases. */
  name: string;
  accepts(type: string): boolean;
  /** Resolves when the sink has the event; throws (or rejects) to have it retried. */
  deliver(event: OutboxEvent): Promise<void>;
  /**
   * In-process sinks whose work is database writes (consumerSink): when present, the relay does
   * not call deliver() but runs handle() inside the transaction that claims the delivery and
   * marks it delivered, so the claim, the sink's writes and the outcome commit together (one
   * commit per delivery, no lease; a crash or a throw rolls all of it back and the row stays
   * pending). Throws to have the delivery retried.
   */
  handle?(trx: Kysely<Database>, event: OutboxEvent): Promise<void>;
  /**
   * Asked in the producer's transaction, for an event the sink accepts by type, whether this
   * one concerns it (one read at most). An event no sink admits is not stored and nothing
   * relays it: a consumer that cares about a few orders does not cost every order a delivery
   * and a relay transaction. It must answer true whenever its handler could do anything with
   * the event, now or later (a superset; the handler still decides).
   */
  admits?(trx: Kysely<Database>, event: OutboxEvent): Promise<boolean>;
}

/**
 * A writer that stores what it derives from an event in the producer's own transaction (the
 * realtime channel's messages): no delivery, no relay pass, committed or rolled back with the
 * change. For work that is a few rows in this database; anything that calls out is a sink.
 */
export interface EventWriter {
  accepts(type: string): boolean;
  write(trx: Kysely<Database>, event: OutboxEvent): Promise<void>;
}

export interface OutboxLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OutboxOptions {
  db: Kysely<Database>;
  log: OutboxLog;
  sinks: Sink[];
  /** Writers run inside the producer's transaction (server/realtime). */
  writers?: EventWriter[];
  /** Attempts before a delivery becomes dead. Default 12. */
  maxAttempts?: number;
  /** Delay after the first failure; doubles per attempt. Default 1 s. */
  baseDelayMs?: number;
  /** Cap of the retry delay. Default 1 h. */
  maxDelayMs?: number;
  /** How long a claimed delivery is reserved for the relay that claimed it. Default 30 s. */
  leaseMs?: number;
  /** Deliveries read per batch. Default 50. */
  batchSize?: number;
  /** Deliveries in flight at once within one pass. Default 4. */
  concurrency?: number;
  /** Random source for the retry jitter (tests pass a fixed one). Default Math.random. */
  random?: () => number;
  /** Called after every pass run by kick() or the timer (metrics, tests). */
  onPass?: (result: RelayResult) => void;
}

export interface RelayResult {
  delivered: number;
  retried: number;
  dead: number;
}

export interface DeadDelivery {
  eventId: string;
  sink: string;
  type: string;
  aggregateId: string;
  attempts: number;
  lastError: string | null;
  createdAt: number;
}

export interface Outbox {
  /** Inside the caller's transaction: writes the event and one pending delivery per sink that accepts its type. */
  enqueue(trx: Kysely<Database>, event: NewEvent, now?: number): Promise<string>;
  /** Whether any sink or writer takes events of this type (an event nobody takes is not written). */
  wants(type: string): boolean;
  /** enqueue() for several events, in as few statements as the dialect allows. */
  enqueueMany(trx: Kysely<Database>, events: readonly NewEvent[], now?: number): Promise<string[]>;
  /** One relay pass over due deliveries (claims them with a guarded lease update so two nodes never deliver the same row at once). */
  relayOnce(now?: number): Promise<RelayResult>;
  /** Ask for a relay pass soon (after a commit), coalescing many kicks into one pass. */
  kick(): void;
  /** Relay on an interval (default 1 s) until stop(). */
  start(intervalMs?: number): void;
  /** Stops the timer and kicks, and waits for the pass in flight. */
  stop(): Promise<void>;
  /** Ops: dead deliveries, oldest event first. */
  listDead(limit?: number): Promise<DeadDelivery[]>;
  /** Ops: a dead delivery back to pending with attempts 0, due now. False when no such dead delivery. */
  requeue(eventId: string, sink: string, now?: number): Promise<boolean>;
}

export const OUTBOX_DEFAULTS = {
  maxAttempts: 12,
  baseDelayMs: 1000,
  maxDelayMs: 60 * 60_000,
  leaseMs: 30_000,
  batchSize: 50,
  concurrency: 4,
  intervalMs: 1000,
} as const;

/** Share of the delay that jitter may take off (a retry waits between 80 % and 100 % of it). */
export const BACKOFF_JITTER = 0.2;
const MAX_ERROR_LENGTH = 1000;
/** Batches one kick or tick runs at most before yielding to the next tick. */
const MAX_BATCHES_PER_RUN = 20;

/**
 * The delay before the next try after `attempts` failed ones: base * 2^(attempts-1), capped at
 * max, minus up to 20 % jitter (random() in [0, 1)), so nodes retrying a flapping sink spread out.
 */
export function backoffDelay(attempts: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const exp = Math.max(0, attempts - 1);
  // 2^exp overflows to Infinity for huge exponents; min() then caps it.
  const raw = Math.min(maxDelayMs, baseDelayMs * Math.pow(2, exp));
  return Math.round(raw * (1 - BACKOFF_JITTER * random()));
}

function errorText(err: unknown): string {
  // Not instanceof Error: errors from another realm (fetch, vm) are errors too.
  const text = err && typeof err === 'object' && 'message' in err ? `${'name' in err ? String(err.name) : 'Error'}: ${String(err.message)}` : String(err);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

const keyOf = (row: { event_id: string; sink: string }) => `${row.event_id}\u0000${row.sink}`;

interface DueRow {
  event_id: string;
  sink: string;
  attempts: number;
  type: string;
  version: number;
  aggregate_id: string;
  payload: string;
  created_at: number;
}

/**
 * The guarded update of one delivery as it was read: still pending, untouched since (same
 * attempts), due, and not leased by a live relay. Of several relays racing for the row, one
 * matches.
 */
async function updateIfStillDue(trx: Kysely<Database>, row: DueRow, now: number, values: Updateable<OutboxDeliveryTable>): Promise<{ numUpdatedRows: bigint }> {
  const columns = Object.keys(values);
  // One compiled statement per set of columns written (server/db/prepared.ts).
  const statement = preparedFor(`outbox-still-due:${columns.join(',')}`, (db, p) =>
    db
      .updateTable('outbox_deliveries')
      .set(Object.fromEntries(columns.map((c) => [c, p(`set:${c}`)])))
      .where('event_id', '=', p('eventId'))
      .where('sink', '=', p('sink'))
      .where('status', '=', 'pending')
      .where('attempts', '=', p('attempts'))
      .where('next_attempt_at', '<=', p('now'))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', p('now'))])),
  );
  const params: Record<string, unknown> = { eventId: row.event_id, sink: row.sink, attempts: row.attempts, now };
  for (const c of columns) params[`set:${c}`] = (values as Record<string, unknown>)[c];
  const result = await statement.execute(trx, params);
  return { numUpdatedRows: result.numAffectedRows ?? 0n };
}

export function createOutbox(opts: OutboxOptions): Outbox {
  const { db, log } = opts;
  const maxAttempts = opts.maxAttempts ?? OUTBOX_DEFAULTS.maxAttempts;
  const baseDelayMs = opts.baseDelayMs ?? OUTBOX_DEFAULTS.baseDelayMs;
  const maxDelayMs = opts.maxDelayMs ?? OUTBOX_DEFAULTS.maxDelayMs;
  const leaseMs = opts.leaseMs ?? OUTBOX_DEFAULTS.leaseMs;
  const batchSize = opts.batchSize ?? OUTBOX_DEFAULTS.batchSize;
  const concurrency = opts.concurrency ?? OUTBOX_DEFAULTS.concurrency;
  const random = opts.random ?? Math.random;

  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error('outbox: maxAttempts must be an integer >= 1');
  if (!(leaseMs > 0)) throw new Error('outbox: leaseMs must be > 0');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('outbox: batchSize must be an integer >= 1');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('outbox: concurrency must be an integer >= 1');
  if (!(baseDelayMs >= 0) || !(maxDelayMs >= baseDelayMs)) throw new Error('outbox: need 0 <= baseDelayMs <= maxDelayMs');

  const sinks = new Map<string, Sink>();
  const writers = opts.writers ?? [];
  for (const sink of opts.sinks) {
    if (!sink.name) throw new Error('outbox: a sink needs a name');
    if (sinks.has(sink.name)) throw new Error(`outbox: two sinks are named "${sink.name}"`);
    sinks.set(sink.name, sink);
  }
  const sinkNames = [...sinks.keys()];

  async function writeEvents(trx: Kysely<Database>, events: readonly NewEvent[], now: number): Promise<string[]> {
    const ids: string[] = [];
    const eventRows = [];
    const deliveries = [];
    const written: OutboxEvent[] = [];
    for (const event of events) {
      const id = newId('evt', now);
      ids.push(id);
      const full: OutboxEvent = { id, type: event.type, version: event.version ?? 1, aggregateId: event.aggregateId, payload: event.payload ?? null, createdAt: now };
      if (writers.some((w) => w.accepts(event.type))) written.push(full);
      // An event no sink takes has no one to reach: it is not stored (a sink added later sees
      // the events written from then on, as it would anyway).
      const takers: Sink[] = [];
      for (const s of sinks.values()) {
        if (s.accepts(event.type) && (!s.admits || (await s.admits(trx, full)))) takers.push(s);
      }
      if (takers.length === 0) continue;
      eventRows.push({ id, type: event.type, version: event.version ?? 1, aggregate_id: event.aggregateId, payload: JSON.stringify(event.payload ?? null), created_at: now });
      for (const s of takers) {
        deliveries.push({ event_id: id, sink: s.name, status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null, last_error: null, delivered_at: null });
      }
    }
    await insertTogether(trx, [
      { table: 'outbox_events', rows: eventRows },
      { table: 'outbox_deliveries', rows: deliveries },
    ]);
    for (const event of written) for (const w of writers) if (w.accepts(event.type)) await w.write(trx, event);
    return ids;
  }

  function wants(type: string): boolean {
    return writers.some((w) => w.accepts(type)) || [...sinks.values()].some((s) => s.accepts(type));
  }

  async function enqueueMany(trx: Kysely<Database>, events: readonly NewEvent[], now = Date.now()): Promise<string[]> {
    if (events.length === 0) return [];
    // Events and deliveries must land together; outside a transaction, make one.
    if (trx.isTransaction) return writeEvents(trx, events, now);
    return transact(trx, (t) => writeEvents(t, events, now));
  }

  async function enqueue(trx: Kysely<Database>, event: NewEvent, now = Date.now()): Promise<string> {
    const [id] = await enqueueMany(trx, [event], now);
    return id;
  }

  async function due(now: number): Promise<DueRow[]> {
    if (sinkNames.length === 0) return [];
    return db
      .selectFrom('outbox_deliveries as d')
      .innerJoin('outbox_events as e', 'e.id', 'd.event_id')
      .select(['d.event_id', 'd.sink', 'd.attempts', 'e.type', 'e.version', 'e.aggregate_id', 'e.payload', 'e.created_at'])
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<=', now)]))
      .where('d.sink', 'in', sinkNames)
      .orderBy('d.next_attempt_at')
      .orderBy('d.event_id')
      .limit(batchSize)
      .execute();
  }

  /**
   * Claims the rows read, each with a guarded update (on PostgreSQL all in one transaction:
   * one commit, so one WAL flush, for the batch): a row is claimed only while it is still pending, due, unleased (or its lease ran
   * out) and untouched since it was read, so of several relays racing for it exactly one wins.
   * Rows are claimed in key order (one lock order for every relay). Answers the keys claimed.
   * The lease end doubles as the claim's token: a relay that takes over an expired lease sets a
   * later one, so the first relay's late outcome no longer matches and is dropped.
   */
  async function claim(rows: readonly DueRow[], now: number): Promise<{ lease: number; claimed: Set<string> }> {
    const lease = now + leaseMs;
    const claimed = new Set<string>();
    if (rows.length === 0) return { lease, claimed };
    const ordered = [...rows].sort((a, b) => (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : a.sink < b.sink ? -1 : a.sink > b.sink ? 1 : 0));
    const claimAll = async (trx: Kysely<Database>) => {
      claimed.clear(); // a transaction run again starts over
      for (const row of ordered) {
        const result = await updateIfStillDue(trx, row, now, { locked_until: lease });
        if (Number(result.numUpdatedRows) === 1) claimed.add(keyOf(row));
      }
    };
    // SQLite: one statement each (a deferred transaction of several relays' processes gets
    // SQLITE_BUSY when upgrading to a write, instead of waiting).
    if (dialectOfDb(db) === 'postgres') await transact(db, claimAll);
    else await claimAll(db);
    return { lease, claimed };
  }

  type Outcome = 'delivered' | 'retried' | 'dead' | 'skipped';

  async function process(row: DueRow, lease: number, clock: () => number): Promise<Outcome> {
    const sink = sinks.get(row.sink);
    if (!sink) return 'skipped';
    // The batch's lease ran out while earlier rows were delivered: another relay may own this
    // row now; leave it to the next pass.
    if (clock() >= lease) return 'skipped';
    /** Records the outcome only while this relay still holds the claim. */
    const finish = async (values: Updateable<OutboxDeliveryTable>): Promise<boolean> => {
      const r = await db
        .updateTable('outbox_deliveries')
        .set(values)
        .where('event_id', '=', row.event_id)
        .where('sink', '=', row.sink)
        .where('status', '=', 'pending')
        .where('attempts', '=', row.attempts)
        .where('locked_until', '=', lease)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    };

    let failure: unknown = null;
    let ok = false;
    try {
      let payload: unknown;
      try {
        payload = JSON.parse(row.payload);
      } catch {
        payload = row.payload;
      }
      await sink.deliver({ id: row.event_id, type: row.type, version: Number(row.version), aggregateId: row.aggregate_id, payload, createdAt: row.created_at });
      ok = true;
    } catch (err) {
      failure = err;
    }

    const now = clock();
    const attempts = row.attempts + 1;
    const where = { eventId: row.event_id, sink: row.sink, type: row.type, attempts };
    if (ok) {
      if (!(await finish({ status: 'delivered', attempts, delivered_at: now, locked_until: null, last_error: null }))) log.warn(where, 'outbox: delivered after the lease ran out; another relay took the delivery over');
      return 'delivered';
    }
    const lastError = errorText(failure);
    const lost = (): Outcome => {
      log.warn({ ...where, error: lastError }, 'outbox: delivery failed after the lease ran out; another relay took the delivery over');
      return 'skipped';
    };
    if (attempts >= maxAttempts) {
      if (!(await finish({ status: 'dead', attempts, locked_until: null, last_error: lastError }))) return lost();
      log.error({ ...where, error: lastError }, 'outbox: delivery is dead after its last attempt');
      return 'dead';
    }
    const delay = backoffDelay(attempts, baseDelayMs, maxDelayMs, random);
    if (!(await finish({ attempts, next_attempt_at: now + delay, locked_until: null, last_error: lastError }))) return lost();
    log.warn({ ...where, error: lastError, retryInMs: delay }, 'outbox: delivery failed; will retry');
    return 'retried';
  }

  /**
   * A delivery to a sink with handle(): one transaction whose first statement claims the row and
   * marks it delivered with the claim's guard (still pending, due, unleased and untouched since it
   * was read), then runs the sink's writes. Of several relays racing for the row, one update
   * matches (on PostgreSQL the others wait for its row lock and then match nothing; on SQLite
   * writers are serialized), so the handler runs once per commit. A failure rolls everything
   * back; the attempt is then recorded with the same guard.
   */
  async function processInTransaction(row: DueRow, sink: Sink & { handle: NonNullable<Sink['handle']> }, clock: () => number): Promise<Outcome> {
    const now = clock();
    const attempts = row.attempts + 1;
    const guarded = (trx: Kysely<Database>, values: Updateable<OutboxDeliveryTable>) => updateIfStillDue(trx, row, now, values);
    let failure: unknown;
    try {
      const handled = await transact(db, async (trx) => {
        const claimed = await guarded(trx, { status: 'delivered', attempts, delivered_at: now, locked_until: null, last_error: null });
        if (Number(claimed.numUpdatedRows) !== 1) return false; // another relay has it (or had it)
        let payload: unknown;
        try {
          payload = JSON.parse(row.payload);
        } catch {
          payload = row.payload;
        }
        await sink.handle(trx, { id: row.event_id, type: row.type, version: Number(row.version), aggregateId: row.aggregate_id, payload, createdAt: row.created_at });
        return true;
      });
      return handled ? 'delivered' : 'skipped';
    } catch (err) {
      failure = err;
    }
    const lastError = errorText(failure);
    const where = { eventId: row.event_id, sink: row.sink, type: row.type, attempts };
    if (attempts >= maxAttempts) {
      if (Number((await guarded(db, { status: 'dead', attempts, locked_until: null, last_error: lastError })).numUpdatedRows) !== 1) return 'skipped';
      log.error({ ...where, error: lastError }, 'outbox: delivery is dead after its last attempt');
      return 'dead';
    }
    const delay = backoffDelay(attempts, baseDelayMs, maxDelayMs, random);
    const later = clock();
    if (Number((await guarded(db, { attempts, next_attempt_at: later + delay, locked_until: null, last_error: lastError })).numUpdatedRows) !== 1) return 'skipped';
    log.warn({ ...where, error: lastError, retryInMs: delay }, 'outbox: delivery failed; will retry');
    return 'retried';
  }

  const transactionalSink = (row: DueRow) => {
    const sink = sinks.get(row.sink);
    return sink?.handle ? (sink as Sink & { handle: NonNullable<Sink['handle']> }) : null;
  };

  async function relayBatch(now: number | undefined): Promise<RelayResult & { read: number }> {
    // An injected time holds for the whole pass; otherwise every claim and outcome reads the clock.
    const clock = now === undefined ? () => Date.now() : () => now;
    const read = await due(clock());
    const result = { delivered: 0, retried: 0, dead: 0, read: read.length };
    // Only rows of sinks this process has are read (due() filters by name). Rows of sinks with
    // handle() are claimed inside their own delivery transaction; the others get a lease first.
    const { lease, claimed } = await claim(
      read.filter((r) => !transactionalSink(r)),
      clock(),
    );
    const rows = read.filter((r) => transactionalSink(r) || claimed.has(keyOf(r)));
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++];
        const sink = transactionalSink(row);
        const outcome = sink ? await processInTransaction(row, sink, clock) : await process(row, lease, clock);
        if (outcome !== 'skipped') result[outcome] += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    return result;
  }

  async function relayOnce(now?: number): Promise<RelayResult> {
    const { delivered, retried, dead } = await relayBatch(now);
    return { delivered, retried, dead };
  }

  // --- the background runner: one pass at a time per process; kicks coalesce ----------------
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let scheduled: NodeJS.Immediate | null = null;
  let running: Promise<void> | null = null;
  let again = false;

  function run(): void {
    scheduled = null;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = (async () => {
      try {
        const total = { delivered: 0, retried: 0, dead: 0 };
        // Drain: a full batch means more may be due right now.
        let full = false;
        for (let i = 0; i < MAX_BATCHES_PER_RUN && !stopped; i++) {
          const r = await relayBatch(undefined);
          total.delivered += r.delivered;
          total.retried += r.retried;
          total.dead += r.dead;
          full = r.read >= batchSize;
          if (!full) break;
        }
        // Stopped at the cap with a full batch: more is due now. Yield to the event loop (the
        // next pass is a setImmediate away) rather than wait for the timer's next tick.
        if (full) again = true;
        opts.onPass?.(total);
      } catch (err) {
        log.error({ err }, 'outbox: relay pass failed');
      } finally {
        running = null;
        if (again && !stopped) kick();
      }
    })();
  }

  function kick(): void {
    if (stopped || scheduled) return;
    if (running) {
      again = true;
      return;
    }
    scheduled = setImmediate(run);
  }

  return {
    enqueue,
    enqueueMany,
    wants,
    relayOnce,
    kick,
    start(intervalMs = OUTBOX_DEFAULTS.intervalMs) {
      if (timer || stopped) return;
      timer = setInterval(kick, intervalMs);
      timer.unref();
      kick();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      if (scheduled) clearImmediate(scheduled);
      scheduled = null;
      await running;
    },
    async listDead(limit = 100) {
      const rows = await db
        .selectFrom('outbox_deliveries as d')
        .innerJoin('outbox_events as e', 'e.id', 'd.event_id')
        .select(['d.event_id', 'd.sink', 'd.attempts', 'd.last_error', 'e.type', 'e.aggregate_id', 'e.created_at'])
        .where('d.status', '=', 'dead')
        .orderBy('d.event_id')
        .orderBy('d.sink')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        eventId: r.event_id,
        sink: r.sink,
        type: r.type,
        aggregateId: r.aggregate_id,
        attempts: r.attempts,
        lastError: r.last_error,
        createdAt: r.created_at,
      }));
    },
    async requeue(eventId, sink, now = Date.now()) {
      const r = await db
        .updateTable('outbox_deliveries')
        .set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null })
        .where('event_id', '=', eventId)
        .where('sink', '=', sink)
        .where('status', '=', 'dead')
        .executeTakeFirst();
      const ok = Number(r.numUpdatedRows) === 1;
      if (ok) log.info({ eventId, sink }, 'outbox: dead delivery requeued');
      return ok;
    },
  };
}

const insertConsumed = prepared<{ consumer: string; eventId: string; now: number }>((db, p) =>
  db
    .insertInto('consumed_events')
    .values({ consumer: p('consumer'), event_id: p('eventId'), consumed_at: p('now') })
    .onConflict((oc) => oc.columns(['consumer', 'event_id']).doNothing()),
);

/**
 * An in-process consumer: runs handler in a transaction together with a consumed_events insert
 * (ON CONFLICT DO NOTHING); an event already consumed is skipped, so a redelivery is harmless. A
 * handler that throws rolls both back, and the relay retries. The relay uses handle(), so the
 * delivery's claim and status change commit in the same transaction; deliver() runs the same
 * work in a transaction of its own.
 */
export function consumerSink(
  name: string,
  types: readonly string[],
  db: Kysely<Database>,
  handler: (trx: Kysely<Database>, event: OutboxEvent) => Promise<void>,
  admits?: Sink['admits'],
): Sink {
  const wanted = new Set(types);
  const handle = async (trx: Kysely<Database>, event: OutboxEvent): Promise<void> => {
    const r = await insertConsumed.execute(trx, { consumer: name, eventId: event.id, now: Date.now() });
    if (Number(r.numAffectedRows ?? 0) === 0) return; // already handled
    await handler(trx, event);
  };
  return {
    name,
    accepts: (type) => wanted.has(type) || wanted.has('*'),
    ...(admits ? { admits } : {}),
    handle,
    async deliver(event) {
      await transact(db, (trx) => handle(trx, event));
    },
  };
}
