import type { Kysely } from 'kysely';
import type { Database } from './types';

type Db = Kysely<Database>;

/**
 * The one way the server opens a database transaction: `transact(db, work)`.
 *
 * Every writer takes its locks in the one global order (docs/architecture.md, "Lock order"), so
 * a deadlock should never happen. As a last defence, a transaction that PostgreSQL aborts for a
 * transient reason (deadlock_detected 40P01, serialization_failure 40001) is run again from the
 * start, a few times, after a short random pause: the work sees a fresh snapshot and a database
 * that rolled back everything of the failed attempt. `work` must therefore keep its effects
 * inside the transaction (no channel calls, no in-memory state it does not rebuild) - the rule
 * for every transaction here anyway. Each retry is counted per database and reported to the
 * listeners (the server logs it as a warning), so a lock-order bug stays visible instead of
 * being hidden by the retry.
 *
 * Inside a transaction already (db.isTransaction), `work` simply runs in it: the outer
 * transaction owns the retry.
 */

/** SQLSTATEs after which the whole transaction may safely run again. */
export const TRANSIENT_SQLSTATES: Readonly<Record<string, string>> = {
  '40P01': 'deadlock',
  '40001': 'serialization failure',
};

export const TRANSACTION_ATTEMPTS = 4;

export interface TransactOptions {
  /** PostgreSQL isolation level (default: the server's, read committed). */
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
  /** Attempts in all, the first included (default TRANSACTION_ATTEMPTS). */
  attempts?: number;
}

export interface TransientRetry {
  code: string;
  reason: string;
  attempt: number;
  message: string;
}

type RetryListener = (retry: TransientRetry) => void;

interface RetryStats {
  counts: Map<string, number>;
  listeners: Set<RetryListener>;
}

const statsOf = new WeakMap<object, RetryStats>();

function stats(db: Db): RetryStats {
  let s = statsOf.get(db);
  if (!s) {
    s = { counts: new Map(), listeners: new Set() };
    statsOf.set(db, s);
  }
  return s;
}

/** The SQLSTATE of a transient failure, or null. */
export function transientCode(err: unknown): string | null {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  return typeof code === 'string' && code in TRANSIENT_SQLSTATES ? code : null;
}

/** How many transactions on this database were run again, by SQLSTATE. */
export function transientRetries(db: Db): Record<string, number> {
  return Object.fromEntries(stats(db).counts);
}

/** Calls `listener` on every retry of a transaction on this database; answers the unsubscribe. */
export function onTransientRetry(db: Db, listener: RetryListener): () => void {
  const s = stats(db);
  s.listeners.add(listener);
  return () => s.listeners.delete(listener);
}

/** Work to run once a transaction opened by transact() has committed. */
const commitHooks = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` after the transaction `trx` commits (not at all if it rolls back; at once when `trx`
 * is not a transaction). For what must follow a commit and cannot be part of it: waking the
 * outbox relay. A transaction not opened by transact() never runs it (its writes are then
 * picked up by whatever polls for them).
 */
export function afterCommit(trx: Db, fn: () => void): void {
  if (!trx.isTransaction) {
    fn();
    return;
  }
  const hooks = commitHooks.get(trx);
  if (hooks) hooks.push(fn);
  else commitHooks.set(trx, [fn]);
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function transact<T>(db: Db, work: (trx: Db) => Promise<T>, options: TransactOptions = {}): Promise<T> {
  if (db.isTransaction) return work(db);
  const attempts = options.attempts ?? TRANSACTION_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    let builder = db.transaction();
    if (options.isolation) builder = builder.setIsolationLevel(options.isolation);
    if (options.readOnly) builder = builder.setAccessMode('read only');
    try {
      let opened: Db | null = null;
      const result = await builder.execute((trx) => {
        opened = trx;
        return work(trx);
      });
      const hooks = opened ? commitHooks.get(opened) : undefined;
      if (hooks) for (const fn of hooks) fn();
      return result;
    } catch (err) {
      const code = transientCode(err);
      if (code === null || attempt >= attempts) throw err;
      const s = stats(db);
      s.counts.set(code, (s.counts.get(code) ?? 0) + 1);
      const retry: TransientRetry = { code, reason: TRANSIENT_SQLSTATES[code], attempt, message: err instanceof Error ? err.message : String(err) };
      for (const listener of s.listeners) listener(retry);
      // A random pause that grows with each attempt, so the transactions that collided do not
      // collide again in step.
      await pause(Math.random() * 5 * 2 ** attempt);
    }
  }
}
