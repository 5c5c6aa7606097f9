import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { prepared } from '../db/prepared';
import type { Database } from '../db/types';
import { AppError } from './errors';

/**
 * Idempotency keys for mutating routes. The first request with a (scope, key, route) inserts
 * an in-progress row, runs, and stores its response (2xx and 4xx); a 5xx deletes the row so a
 * retry can run again. A repeat with the same request replays the stored response; a repeat
 * while the first is still running waits for it; a different request under the same key is
 * refused. In-progress rows older than STALE_AFTER_MS (a crashed process) may be taken over.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_\-:.]{1,128}$/;
export const STALE_AFTER_MS = 2 * 60 * 1000;
const WAIT_MS = 10_000;
const POLL_MS = 50;

export interface StoredResponse {
  status: number;
  /** JSON-serialisable body, or null for an empty (204) response. */
  body: unknown;
}

export interface IdempotencyRequest {
  scope: string;
  key: string;
  route: string;
  requestHash: string;
}

export interface IdempotencyOptions {
  waitMs?: number;
  now?: () => number;
  /** What the store keeps of a response (default: all of it); the caller still gets the whole response. */
  keep?: (response: StoredResponse) => StoredResponse;
}

/**
 * `keep` for a route whose answer holds members shown only once (RouteDef.shownOnce): a
 * success is stored with them as null, so a secret never sits in the store and a replay
 * answers null for it.
 */
export function withoutShownOnce(members: readonly string[]): (response: StoredResponse) => StoredResponse {
  return (response) => {
    const body = response.body;
    if (response.status >= 300 || !body || typeof body !== 'object' || Array.isArray(body)) return response;
    const kept: Record<string, unknown> = { ...(body as Record<string, unknown>) };
    for (const m of members) if (m in kept) kept[m] = null;
    return { ...response, body: kept };
  };
}

/** Stable JSON (sorted object keys) so equal requests hash equally whatever the key order. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export function requestHash(parts: unknown): string {
  return createHash('sha256').update(stableStringify(parts)).digest('hex');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runIdempotent(
  db: Kysely<Database>,
  req: IdempotencyRequest,
  exec: () => Promise<StoredResponse>,
  options: IdempotencyOptions = {},
): Promise<{ response: StoredResponse; replayed: boolean }> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.waitMs ?? WAIT_MS);

  for (;;) {
    const inserted = await insertInProgress.execute(db, { ...keyOf(req), requestHash: req.requestHash, now: now() });
    if (Number(inserted.numAffectedRows ?? 0) === 1) break;

    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', req.scope)
      .where('key', '=', req.key)
      .where('route', '=', req.route)
      .executeTakeFirst();
    if (!row) continue; // deleted after a failure between our insert and select: try again

    if (row.request_hash !== req.requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body');
    }
    if (row.state === 'done' && row.response_status !== null) {
      return {
        response: { status: row.response_status, body: row.response_body === null ? null : JSON.parse(row.response_body) },
        replayed: true,
      };
    }
    if (row.created_at < now() - STALE_AFTER_MS) {
      const taken = await db
        .updateTable('idempotency_keys')
        .set({ created_at: now(), updated_at: now() })
        .where('scope', '=', req.scope)
        .where('key', '=', req.key)
        .where('route', '=', req.route)
        .where('state', '=', 'in_progress')
        .where('created_at', '=', row.created_at)
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 1) break;
      continue;
    }
    if (now() >= deadline) {
      throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'The first request with this Idempotency-Key is still running; retry shortly');
    }
    await sleep(POLL_MS);
  }

  const release = () =>
    db
      .deleteFrom('idempotency_keys')
      .where('scope', '=', req.scope)
      .where('key', '=', req.key)
      .where('route', '=', req.route)
      .where('state', '=', 'in_progress')
      .execute();

  let response: StoredResponse;
  try {
    response = await exec();
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
  if (response.status >= 500) {
    await release();
    return { response, replayed: false };
  }
  const stored = options.keep ? options.keep(response) : response;
  await storeResponse.execute(db, {
    ...keyOf(req),
    status: stored.status,
    body: stored.body === null || stored.body === undefined ? null : JSON.stringify(stored.body),
    now: now(),
  });
  return { response, replayed: false };
}

function keyOf(req: IdempotencyRequest): { scope: string; key: string; route: string } {
  return { scope: req.scope, key: req.key, route: req.route };
}

// The two writes every keyed request makes, compiled once (server/db/prepared.ts).
const insertInProgress = prepared<{ scope: string; key: string; route: string; requestHash: string; now: number }>((db, p) =>
  db
    .insertInto('idempotency_keys')
    .values({
      scope: p('scope'),
      key: p('key'),
      route: p('route'),
      request_hash: p('requestHash'),
      state: 'in_progress',
      response_status: null,
      response_body: null,
      created_at: p('now'),
      updated_at: p('now'),
    })
    .onConflict((oc) => oc.columns(['scope', 'key', 'route']).doNothing()),
);

const storeResponse = prepared<{ scope: string; key: string; route: string; status: number; body: string | null; now: number }>((db, p) =>
  db
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: p('status'), response_body: p('body'), updated_at: p('now') })
    .where('scope', '=', p('scope'))
    .where('key', '=', p('key'))
    .where('route', '=', p('route')),
);

/** How long answered keys are kept for replay (clients retry within minutes, not days). */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3600 * 1000;

/** Deletes keys older than the retention period; returns how many. Run by a scheduled job. */
export async function purgeIdempotencyKeys(db: Kysely<Database>, now = Date.now(), retentionMs = IDEMPOTENCY_RETENTION_MS): Promise<number> {
  const res = await db.deleteFrom('idempotency_keys').where('created_at', '<', now - retentionMs).executeTakeFirst();
  return Number(res.numDeletedRows);
}
