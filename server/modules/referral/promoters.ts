import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { ReferralApplication, ReferralApplicationStatus } from '../../../contract/referral';
import { isUniqueViolation } from '../../db';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import type { ReferralConfig } from '../../infra/config';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { accountNames } from '../identity';
import { recordAudit } from '../merchant';
import { spentBy } from '../order';
import type { ReferralApplicationTable } from './tables';

type Db = Kysely<Database>;
type ApplicationRow = Selectable<ReferralApplicationTable>;

/**
 * Who may promote (REFERRAL_PROMOTERS; docs/referral.md, "Attribution and binding"): everyone,
 * shoppers who have paid at least `min_spend` fen (the order module's spentBy: paid, shipped
 * and completed orders less refunds), or shoppers whose application the operating merchant's
 * staff approved.
 */
export async function mayPromote(db: Db, config: ReferralConfig, userId: string): Promise<boolean> {
  const policy = config.promoters;
  if (policy.kind === 'everyone') return true;
  if (policy.kind === 'min_spend') return (await spentBy(db, userId)) >= policy.fen;
  const approved = await db.selectFrom('referral_applications').select('id').where('user_id', '=', userId).where('status', '=', 'approved').executeTakeFirst();
  return !!approved;
}

export function applicationView(r: ApplicationRow): ReferralApplication {
  return {
    id: r.id,
    status: r.status as ReferralApplicationStatus,
    note: r.note,
    reason: r.reason,
    createdAt: Number(r.created_at),
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  };
}

/** The shopper's latest application, or null. */
export async function latestApplication(db: Db, userId: string): Promise<ReferralApplication | null> {
  const row = await db.selectFrom('referral_applications').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  return row ? applicationView(row) : null;
}

/**
 * A shopper applies to promote (REFERRAL_PROMOTERS=approved only): one open application at a
 * time (the partial unique index decides a race); an approved shopper has nothing to apply for;
 * a rejected one may apply again.
 */
export async function applyToPromote(db: Db, config: ReferralConfig, userId: string, note: string | null, now = Date.now()): Promise<ReferralApplication> {
  if (config.promoters.kind !== 'approved') throw new AppError('REFERRAL_APPLICATIONS_CLOSED', `Promoters are chosen by ${config.promoters.kind} here`);
  if (await mayPromote(db, config, userId)) throw new AppError('REFERRAL_ALREADY_PROMOTER', 'This account may promote already');
  const row: ApplicationRow = { id: newId('rap', now), user_id: userId, status: 'pending', note, reason: null, created_at: now, decided_at: null, decided_by: null };
  try {
    await db.insertInto('referral_applications').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('REFERRAL_APPLICATION_OPEN', 'An application is waiting for a decision already');
    throw err;
  }
  return applicationView(row);
}

/** The operating merchant (REFERRAL_OPERATOR_MERCHANT) decides applications; for any other merchant the routes do not exist (404). */
export function assertOperator(config: ReferralConfig, merchantId: string): void {
  if (merchantId !== config.operatorMerchant) throw new AppError('NOT_FOUND', 'No such resource for this merchant');
}

export const maskPhone = (phone: string | null) => (phone && phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : null);

async function merchantViews(db: Db, rows: ApplicationRow[]) {
  const names = await accountNames(db, rows.map((r) => r.user_id));
  return rows.map((r) => ({ ...applicationView(r), userId: r.user_id, nickname: names.get(r.user_id)?.nickname ?? '', phone: maskPhone(names.get(r.user_id)?.phone ?? null) }));
}

/** [created_at, id] of the last application on the page. */
const applicationCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

/** Applications for the operating merchant's staff, newest first, optionally by status. */
export async function listApplications(db: Db, query: { status?: ReferralApplicationStatus; cursor?: string; limit: number }) {
  let q = db.selectFrom('referral_applications').selectAll();
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor) {
    const [at, id] = applicationCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: await merchantViews(db, page),
    nextCursor: rows.length > query.limit && last ? applicationCursor.encode([Number(last.created_at), last.id]) : null,
  };
}

/**
 * Approves or rejects a pending application (a guarded update: a decided one answers 409
 * ILLEGAL_TRANSITION), recorded in the operating merchant's audit log in the same transaction.
 */
export async function decideApplication(
  db: Db,
  staff: { merchantId: string; userId: string },
  applicationId: string,
  decision: { status: 'approved' } | { status: 'rejected'; reason: string },
  now = Date.now(),
) {
  return transact(db, async (trx) => {
    const row = await trx.selectFrom('referral_applications').selectAll().where('id', '=', applicationId).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', 'No such application');
    const reason = decision.status === 'rejected' ? decision.reason : null;
    const updated = await trx
      .updateTable('referral_applications')
      .set({ status: decision.status, reason, decided_at: now, decided_by: staff.userId })
      .where('id', '=', applicationId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('ILLEGAL_TRANSITION', `The application is ${row.status} already`);
    await recordAudit(
      trx,
      {
        merchantId: staff.merchantId,
        actorId: staff.userId,
        action: decision.status === 'approved' ? 'referral.application_approved' : 'referral.application_rejected',
        target: `referral_application:${applicationId}`,
        detail: { applicant: row.user_id, ...(reason ? { reason } : {}) },
      },
      now,
    );
    const [view] = await merchantViews(trx, [{ ...row, status: decision.status, reason, decided_at: now, decided_by: staff.userId }]);
    return view;
  });
}
