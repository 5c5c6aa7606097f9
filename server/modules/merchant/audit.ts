import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AuditAction, AuditEntry, AuditPage } from '../../../contract/merchant';
import type { Database } from '../../db/types';
import { prepared } from '../../db/prepared';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { newId } from '../../infra/ids';
import { accountNames } from '../identity';

type Db = Kysely<Database>;

/**
 * The audit log: every merchant action, who did it and when, written in the transaction of
 * the change it records (so there is no change without its entry, and no entry for a change
 * that rolled back), read by the merchant's owner newest first.
 */
export interface AuditRecord {
  merchantId: string;
  /** The account that acted; null for the system (a job, the seed). */
  actorId: string | null;
  action: AuditAction;
  /** What it was done to, as `<kind>:<id>` (`staff:stf_...`, `order:o_...`, `sku:sku_...`). */
  target?: string | null;
  /** What changed (from and to, amounts, reasons): a JSON object. */
  detail?: Record<string, unknown>;
}

const insertAudit = prepared<{ id: string; merchantId: string; actorId: string | null; action: string; target: string | null; detail: string; at: number }>((db, p) =>
  db.insertInto('audit_log').values({
    id: p('id'),
    merchant_id: p('merchantId'),
    actor_id: p('actorId'),
    action: p('action'),
    target: p('target'),
    detail: p('detail'),
    at: p('at'),
  }),
);

/**
 * Records a merchant action inside the caller's transaction (`trx` from transact()): other
 * modules call it with their change (ship, approve, price or stock change). Refuses to run
 * outside a transaction. Answers the entry's id.
 */
export async function recordAudit(trx: Db, entry: AuditRecord, now = Date.now()): Promise<string> {
  if (!trx.isTransaction) throw new Error('recordAudit runs inside the transaction of the change it records');
  const id = newId('aud', now);
  await insertAudit.execute(trx, {
    id,
    merchantId: entry.merchantId,
    actorId: entry.actorId,
    action: entry.action,
    target: entry.target ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
    at: now,
  });
  return id;
}

/** [at, id] of the last entry on the page. */
const auditCursor = cursorCodec(z.tuple([cursorKey, cursorId]), 'The cursor is not valid');

function detailOf(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A merchant's audit log, newest first, with cursor pagination. */
export async function listAudit(db: Db, merchantId: string, query: { cursor?: string; limit: number }): Promise<AuditPage> {
  let q = db.selectFrom('audit_log').selectAll().where('merchant_id', '=', merchantId);
  if (query.cursor) {
    const [at, id] = auditCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const names = await accountNames(db, page.flatMap((r) => (r.actor_id ? [r.actor_id] : [])));
  const items: AuditEntry[] = page.map((r) => ({
    id: r.id,
    actorId: r.actor_id,
    actorName: r.actor_id ? (names.get(r.actor_id)?.nickname ?? null) : null,
    action: r.action as AuditAction,
    target: r.target,
    detail: detailOf(r.detail),
    at: Number(r.at),
  }));
  return { items, nextCursor: rows.length > query.limit && last ? auditCursor.encode([Number(last.at), last.id]) : null };
}
