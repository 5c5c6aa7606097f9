import type { Kysely } from 'kysely';
import { afterCommit } from '../db/transaction';
import type { Database } from '../db/types';
import type { Outbox } from '../infra/outbox';
import type { EventDef } from './catalog';

type Db = Kysely<Database>;

/**
 * Writing events. The app builds one outbox per database (server/app.ts) and binds it here; a
 * producer then writes an event through the transaction whose change it announces,
 * `emit(trx, EVENTS.orderPaid, orderId, payload)`, without holding the outbox itself: the event
 * and its deliveries commit or roll back with the change.
 */
const outboxes = new WeakMap<object, Outbox>();

/**
 * A database and every transaction opened on it share one dialect adapter object (Kysely makes
 * it once per instance and hands it to each transaction's executor): the key that finds a
 * database's outbox from any of its transactions.
 */
const keyOf = (db: Db): object => db.getExecutor().adapter;

/** Makes `outbox` the one events of `db` are written to (the app, once per database). */
export function bindOutbox(db: Db, outbox: Outbox): () => void {
  const key = keyOf(db);
  outboxes.set(key, outbox);
  return () => {
    if (outboxes.get(key) === outbox) outboxes.delete(key);
  };
}

/** The outbox bound to `db` (or to the database of the transaction `db`), if any. */
export function boundOutbox(db: Db): Outbox | undefined {
  return outboxes.get(keyOf(db));
}

function outboxFor(trx: Db, name: string): Outbox {
  if (!trx.isTransaction) throw new Error(`emit(${name}) must run inside the transaction of the change it announces`);
  const outbox = boundOutbox(trx);
  if (!outbox) throw new Error(`emit(${name}): no outbox is bound to this database (bindOutbox)`);
  return outbox;
}

/** emit() for several events of one kind, written together (one statement per table). */
export async function emitMany<P>(trx: Db, def: EventDef<string, P>, events: readonly { aggregateId: string; payload: P }[], now = Date.now()): Promise<string[]> {
  const outbox = outboxFor(trx, def.name);
  if (!outbox.wants(def.name)) return [];
  const ids = await outbox.enqueueMany(
    trx,
    events.map((e) => ({ type: def.name, version: def.version, aggregateId: e.aggregateId, payload: def.schema.parse(e.payload) })),
    now,
  );
  afterCommit(trx, () => outbox.kick());
  return ids;
}

/** Writes one event inside `trx`, its payload checked against the catalog. Answers the event id, or null when nobody takes it. */
export async function emit<P>(trx: Db, def: EventDef<string, P>, aggregateId: string, payload: P, now = Date.now()): Promise<string | null> {
  const [id] = await emitMany(trx, def, [{ aggregateId, payload }], now);
  return id ?? null;
}
