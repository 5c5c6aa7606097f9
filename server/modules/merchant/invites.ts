import { sql, type Kysely } from 'kysely';
import type { InvitePreview, StaffRole, Workplace } from '../../../contract/merchant';
import { isUniqueViolation } from '../../db';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { AppError } from '../../infra/errors';
import { accountNames } from '../identity';
import { recordAudit } from './audit';
import { hashInviteCode } from './invite-code';
import { lockMerchantStaff, staffTarget, type MerchantDeps } from './staff';

type Db = Kysely<Database>;

/**
 * Taking a staff invite by its code (docs/merchant.md, "Staff invites"; decision 0023): any
 * signed-in account, on any platform, previews an invite by its code and takes it. The code is
 * the authority: a phone invite taken by its code joins whoever holds the code, whatever their
 * phone. Wrong codes are counted per account: after INVITE_CODE_MAX_FAILURES within
 * INVITE_CODE_WINDOW_MS the account's codes are refused (429 INVITE_CODE_LOCKED), right or not,
 * until the window ends.
 */

/** Wrong codes an account may type within the window. */
export const INVITE_CODE_MAX_FAILURES = 5;
export const INVITE_CODE_WINDOW_MS = 15 * 60_000;

/** One answer for a code that never existed, expired, was taken or withdrawn: nothing tells them apart. */
const notFound = () => new AppError('INVITE_NOT_FOUND', 'No open invite has this code');

/**
 * Counts one code check against the account before the code is looked at, in one atomic
 * statement committed at once: a fresh window starts at 1, else the count goes up only while it
 * is under the limit. No row back means the account is locked (429). Checks sent at once are
 * each counted before any is answered, so no more than the limit are ever checked in a window.
 * A right code gives its count back (releaseCheck), so only wrong codes stay counted. Answers
 * the window the check was counted in.
 */
async function countCheck(db: Db, userId: string, now: number): Promise<number> {
  const windowEnded = now - INVITE_CODE_WINDOW_MS;
  const counted = await db
    .insertInto('staff_invite_attempts')
    .values({ user_id: userId, failures: 1, window_started_at: now })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({
          failures: sql<number>`case when staff_invite_attempts.window_started_at <= ${windowEnded} then 1 else staff_invite_attempts.failures + 1 end`,
          window_started_at: sql<number>`case when staff_invite_attempts.window_started_at <= ${windowEnded} then cast(${now} as bigint) else staff_invite_attempts.window_started_at end`,
        })
        .where((eb) =>
          eb.or([eb('staff_invite_attempts.failures', '<', INVITE_CODE_MAX_FAILURES), eb('staff_invite_attempts.window_started_at', '<=', windowEnded)]),
        ),
    )
    .returning('window_started_at')
    .executeTakeFirst();
  if (counted) return Number(counted.window_started_at);
  const row = await db.selectFrom('staff_invite_attempts').select('window_started_at').where('user_id', '=', userId).executeTakeFirst();
  const ends = (row ? Number(row.window_started_at) : now) + INVITE_CODE_WINDOW_MS;
  const retryAfterSeconds = Math.max(1, Math.ceil((ends - now) / 1000));
  throw new AppError('INVITE_CODE_LOCKED', `Too many wrong invite codes; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`, { retryAfterSeconds });
}

/** Gives back a check that found a right code (in the window it was counted in). */
async function releaseCheck(db: Db, userId: string, window: number): Promise<void> {
  await db
    .updateTable('staff_invite_attempts')
    .set({ failures: sql<number>`failures - 1` })
    .where('user_id', '=', userId)
    .where('window_started_at', '=', window)
    .where('failures', '>', 0)
    .execute();
}

interface OpenInvite {
  id: string;
  merchantId: string;
  role: StaffRole;
  phone: string | null;
  expiresAt: number;
}

/** The open invite a code names (one unique-index read), or null. */
async function openInvite(db: Db, codeHash: string, now: number): Promise<OpenInvite | null> {
  const row = await db
    .selectFrom('merchant_staff')
    .select(['id', 'merchant_id', 'role', 'phone', 'status', 'code_expires_at'])
    .where('code_hash', '=', codeHash)
    .executeTakeFirst();
  if (!row || row.status !== 'invited' || row.code_expires_at === null || Number(row.code_expires_at) <= now) return null;
  return { id: row.id, merchantId: row.merchant_id, role: row.role as StaffRole, phone: row.phone, expiresAt: Number(row.code_expires_at) };
}

/**
 * Checks a code for an account: counted first (429 when the account is locked), looked up,
 * and given back when it names an open invite; INVITE_NOT_FOUND (still counted) otherwise.
 */
async function checkedInvite(db: Db, key: string, userId: string, code: string, now: number): Promise<{ invite: OpenInvite; codeHash: string }> {
  const window = await countCheck(db, userId, now);
  const codeHash = hashInviteCode(key, code);
  const invite = await openInvite(db, codeHash, now);
  if (!invite) throw notFound();
  await releaseCheck(db, userId, window);
  return { invite, codeHash };
}

/** What the holder of a code sees before taking it: the merchant, the role, the code's expiry, and whether they are its staff already. */
export async function previewInvite(db: Db, deps: MerchantDeps, userId: string, code: string, now = Date.now()): Promise<InvitePreview> {
  const { invite } = await checkedInvite(db, deps.inviteKey, userId, code, now);
  const merchant = (await deps.merchantsByIds(db, [invite.merchantId])).get(invite.merchantId);
  if (!merchant) throw notFound();
  const member = await db.selectFrom('merchant_staff').select('id').where('merchant_id', '=', invite.merchantId).where('user_id', '=', userId).executeTakeFirst();
  return {
    merchantId: invite.merchantId,
    merchantName: merchant.name,
    merchantLogo: merchant.logo,
    role: invite.role,
    expiresAt: invite.expiresAt,
    alreadyMember: member !== undefined,
  };
}

/**
 * Takes an invite by its code: the caller becomes active staff of its merchant with the
 * invite's role (at that moment), the code is spent, and staff.joined is recorded with the new
 * member as actor, all in one transaction. It takes the merchant's staff lock as every staff
 * change does (lockMerchantStaff) and spends the code with a guarded update, so of two
 * accounts taking one code at once exactly one joins; the other is answered INVITE_NOT_FOUND.
 * A caller who is staff of the merchant already: 409 STAFF_ALREADY_MEMBER (the invite stays).
 * The member's phone becomes the caller's own (none for a mini-program account), and an
 * invite of the same merchant still waiting for the caller's phone is dropped: it would name
 * a member already.
 */
export async function acceptInvite(db: Db, deps: MerchantDeps, userId: string, code: string, now = Date.now()): Promise<Workplace> {
  const { invite, codeHash } = await checkedInvite(db, deps.inviteKey, userId, code, now);
  const phone = (await accountNames(db, [userId])).get(userId)?.phone ?? null;
  const outcome = await (async () => {
    try {
      return await transact(db, async (trx) => {
        const rows = await lockMerchantStaff(trx, invite.merchantId);
        const row = rows.find((r) => r.id === invite.id && r.code_hash === codeHash && r.status === 'invited');
        if (!row || row.code_expires_at === null || Number(row.code_expires_at) <= now) return 'gone' as const;
        if (rows.some((r) => r.user_id === userId)) return 'member' as const;
        const dropped = phone ? rows.find((r) => r.id !== row.id && r.phone === phone && r.status === 'invited') : undefined;
        if (dropped) await trx.deleteFrom('merchant_staff').where('id', '=', dropped.id).where('status', '=', 'invited').execute();
        const taken = await trx
          .updateTable('merchant_staff')
          .set({ user_id: userId, phone, status: 'active', code_hash: null, code_expires_at: null, updated_at: now })
          .where('id', '=', row.id)
          .where('status', '=', 'invited')
          .where('code_hash', '=', codeHash)
          .executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) return 'gone' as const;
        await recordAudit(
          trx,
          {
            merchantId: row.merchant_id,
            actorId: userId,
            action: 'staff.joined',
            target: staffTarget(row.id),
            detail: { role: row.role, via: 'code', phone, invitedPhone: row.phone, droppedInvite: dropped?.id ?? null },
          },
          now,
        );
        return { staffId: row.id, role: row.role as StaffRole };
      });
    } catch (err) {
      // The caller joined this merchant by another path at the same moment (their phone's login).
      if (isUniqueViolation(err)) return 'member' as const;
      throw err;
    }
  })();
  if (outcome === 'gone') throw notFound();
  if (outcome === 'member') throw new AppError('STAFF_ALREADY_MEMBER', `You are staff of ${invite.merchantId} already`);
  const merchant = (await deps.merchantsByIds(db, [invite.merchantId])).get(invite.merchantId);
  return { merchantId: invite.merchantId, merchantName: merchant?.name ?? '', merchantLogo: merchant?.logo ?? '', role: outcome.role, staffId: outcome.staffId };
}
