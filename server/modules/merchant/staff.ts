import type { Kysely, Selectable } from 'kysely';
import { id as idSchema } from '../../../contract/common';
import type { StaffInvite, StaffMember, StaffRole, Workplace } from '../../../contract/merchant';
import type { StaffAccess } from '../../infra/http';

export type { StaffAccess };
import { dialectOfDb, isUniqueViolation } from '../../db';
import type { Database } from '../../db/types';
import { prepared } from '../../db/prepared';
import { transact } from '../../db/transaction';
import { EVENTS } from '../../events/catalog';
import { emit } from '../../events/emit';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { accountNames, phoneAccountId } from '../identity';
import { recordAudit } from './audit';
import { hashInviteCode, INVITE_CODE_TTL_MS, isInviteCodeCollision, newInviteCode } from './invite-code';
import type { MerchantStaffTable } from './tables';

type Db = Kysely<Database>;
type StaffRow = Selectable<MerchantStaffTable>;

/**
 * Staff and their authorisation (decision 0023). A person is one account (users, identity's)
 * and may be staff of several merchants; each membership is a row of merchant_staff. Every
 * request to a merchant route resolves the caller's membership of the merchant its path names
 * (authorizeStaff, called by the HTTP layer for every auth 'staff' route): no membership is
 * 404, as if the merchant did not exist, a role the route does not allow is 403. Nothing is
 * cached, so a removed member's or a changed role's next request already sees it. A member's
 * removal or new role is also an event (staff.removed, staff.role_changed) written with it, so
 * the realtime channel ends that member's subscription to the merchant's topic at once, on every
 * node (docs/realtime.md).
 */

/** The caller's membership of the merchant a request names: what a staff route's handler gets. */
/** One answer for a merchant that does not exist and one the caller is not staff of: nothing tells them apart. */
function noSuchMerchant(merchantId: string): AppError {
  return new AppError('NOT_FOUND', `No merchant ${merchantId}`);
}

const selectMembership = prepared<{ merchantId: string; userId: string }, { id: string; role: string; status: string }>((db, p) =>
  db.selectFrom('merchant_staff').select(['id', 'role', 'status']).where('merchant_id', '=', p('merchantId')).where('user_id', '=', p('userId')),
);

/**
 * The caller's membership of `merchantId` when their role is one of `roles`: one prepared read
 * by the membership's key (merchant_id, user_id). NOT_FOUND when they are not active staff of
 * it (or the id is not one), FORBIDDEN_ROLE when their role is not allowed.
 */
export async function authorizeStaff(db: Db, userId: string, merchantId: unknown, roles: readonly StaffRole[]): Promise<StaffAccess> {
  if (typeof merchantId !== 'string' || !idSchema.safeParse(merchantId).success) throw noSuchMerchant(String(merchantId));
  const { rows } = await selectMembership.execute(db, { merchantId, userId });
  const member = rows[0];
  if (!member || member.status !== 'active') throw noSuchMerchant(merchantId);
  const role = member.role as StaffRole;
  if (!roles.includes(role)) {
    throw new AppError('FORBIDDEN_ROLE', `Only ${roles.join(' or ')} may do this; you are ${role} of ${merchantId}`);
  }
  return { merchantId, userId, staffId: member.id, role };
}

/** Lookups the merchant module is given (server/compose.ts), so it imports no module that records into its audit log. */
export interface MerchantDeps {
  /** Merchants' names and logos by id (the catalog's). */
  merchantsByIds(db: Db, ids: readonly string[]): Promise<Map<string, { name: string; logo: string }>>;
  /** The key invite codes are stored under (inviteCodeKey of the server's token secret). */
  inviteKey: string;
}

/** The merchants a person is active staff of, in the order they joined (then by merchant id). */
export async function listWorkplaces(db: Db, deps: MerchantDeps, userId: string): Promise<Workplace[]> {
  const rows = await db
    .selectFrom('merchant_staff')
    .select(['id', 'merchant_id', 'role'])
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('merchant_id')
    .execute();
  const merchants = await deps.merchantsByIds(
    db,
    rows.map((r) => r.merchant_id),
  );
  return rows.flatMap((r) => {
    const m = merchants.get(r.merchant_id);
    return m ? [{ merchantId: r.merchant_id, merchantName: m.name, merchantLogo: m.logo, role: r.role as StaffRole, staffId: r.id }] : [];
  });
}

/** The merchant as the caller works there. */
export async function getWorkplace(db: Db, deps: MerchantDeps, access: StaffAccess): Promise<Workplace> {
  const m = (await deps.merchantsByIds(db, [access.merchantId])).get(access.merchantId);
  if (!m) throw noSuchMerchant(access.merchantId);
  return { merchantId: access.merchantId, merchantName: m.name, merchantLogo: m.logo, role: access.role, staffId: access.staffId };
}

async function toMembers(db: Db, rows: StaffRow[]): Promise<StaffMember[]> {
  const names = await accountNames(db, rows.flatMap((r) => (r.user_id ? [r.user_id] : [])));
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    phone: r.phone,
    nickname: r.user_id ? (names.get(r.user_id)?.nickname ?? null) : null,
    role: r.role as StaffRole,
    status: r.status as StaffMember['status'],
    invitedBy: r.invited_by,
    inviteExpiresAt: r.status === 'invited' && r.code_expires_at !== null ? Number(r.code_expires_at) : null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }));
}

/** A merchant's staff and open invites, in the order they were added. */
export async function listStaff(db: Db, merchantId: string): Promise<StaffMember[]> {
  const rows = await db.selectFrom('merchant_staff').selectAll().where('merchant_id', '=', merchantId).orderBy('created_at').orderBy('id').execute();
  return toMembers(db, rows);
}

async function memberById(db: Db, merchantId: string, staffId: string): Promise<StaffMember> {
  const row = await db.selectFrom('merchant_staff').selectAll().where('id', '=', staffId).where('merchant_id', '=', merchantId).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No staff member ${staffId}`);
  return (await toMembers(db, [row]))[0];
}

/**
 * Inside a staff change's transaction: the merchant's staff rows, locked in id order on
 * PostgreSQL (SQLite runs one writer at a time), with the acting owner checked again under the
 * lock. Every change to a merchant's staff takes this lock first, so two owners changing the
 * staff at once run one after the other and the merchant always keeps an owner.
 */
export async function lockMerchantStaff(trx: Db, merchantId: string): Promise<StaffRow[]> {
  let q = trx.selectFrom('merchant_staff').selectAll().where('merchant_id', '=', merchantId).orderBy('id');
  if (dialectOfDb(trx) === 'postgres') q = q.forUpdate();
  return q.execute();
}

/** lockMerchantStaff for an owner's change: the acting owner is checked again under the lock. */
async function lockStaff(trx: Db, access: StaffAccess): Promise<StaffRow[]> {
  const rows = await lockMerchantStaff(trx, access.merchantId);
  const actor = rows.find((r) => r.user_id === access.userId && r.status === 'active');
  // Removed or demoted since the request was authorised: the same answers as authorizeStaff.
  if (!actor) throw noSuchMerchant(access.merchantId);
  if (actor.role !== 'owner') throw new AppError('FORBIDDEN_ROLE', `Only owner may do this; you are ${actor.role} of ${access.merchantId}`);
  return rows;
}

const activeOwners = (rows: StaffRow[]) => rows.filter((r) => r.status === 'active' && r.role === 'owner');

export const staffTarget = (staffId: string) => `staff:${staffId}`;

/** Draws of a new code when it collides with another open invite's (about 1 in 10^8 per draw with 10,000 open invites). */
const CODE_DRAWS = 3;

/**
 * Invites staff with a role, by phone number or not. When the phone already has an account it
 * becomes a member at once (no code). Otherwise the invite waits with a one-time code
 * (INVITE_CODE_TTL_MS), answered here and nowhere else (only its hash is stored); a phone
 * invite is also bound by that phone's first login (bindStaffInvites), whichever comes first.
 * A phone or account that is already staff of the merchant, or invited, is 409 STAFF_EXISTS.
 */
export async function inviteStaff(db: Db, deps: Pick<MerchantDeps, 'inviteKey'>, access: StaffAccess, input: { phone?: string; role: StaffRole }, now = Date.now()): Promise<StaffInvite> {
  const phone = input.phone ?? null;
  const userId = phone ? await phoneAccountId(db, phone) : null;
  const staffId = newId('stf', now);
  const exists = () => new AppError('STAFF_EXISTS', `${phone} is already staff of ${access.merchantId}, or invited`);
  let code: string | null = null;
  for (let draw = 1; ; draw++) {
    code = userId ? null : newInviteCode();
    const codeExpiresAt = code ? now + INVITE_CODE_TTL_MS : null;
    try {
      await transact(db, async (trx) => {
        const rows = await lockStaff(trx, access);
        if (phone && rows.some((r) => r.phone === phone || (userId !== null && r.user_id === userId))) throw exists();
        await trx
          .insertInto('merchant_staff')
          .values({
            id: staffId,
            merchant_id: access.merchantId,
            user_id: userId,
            phone,
            role: input.role,
            status: userId ? 'active' : 'invited',
            invited_by: access.userId,
            code_hash: code ? hashInviteCode(deps.inviteKey, code) : null,
            code_expires_at: codeExpiresAt,
            created_at: now,
            updated_at: now,
          })
          .execute();
        await recordAudit(
          trx,
          {
            merchantId: access.merchantId,
            actorId: access.userId,
            action: 'staff.invited',
            target: staffTarget(staffId),
            detail: { phone, role: input.role, bound: userId !== null, codeExpiresAt },
          },
          now,
        );
      });
      break;
    } catch (err) {
      if (isUniqueViolation(err) && isInviteCodeCollision(err)) {
        if (draw < CODE_DRAWS) continue;
        throw err;
      }
      if (isUniqueViolation(err)) throw exists();
      throw err;
    }
  }
  if (phone && !userId) {
    // The phone's first login may have created its account between our look-up and our
    // commit, and found no invite yet: bind it now. (Either that login sees the invite or
    // this look-up sees the account.)
    const late = await phoneAccountId(db, phone);
    if (late) await bindStaffInvites(db, { id: late, phone });
  }
  const member = await memberById(db, access.merchantId, staffId);
  // Bound meanwhile (the late login above), the code is spent: nothing to show.
  return { ...member, inviteCode: member.status === 'invited' ? code : null };
}

/** Changes a member's (or an invite's) role. The last active owner keeps the role: 409 STAFF_LAST_OWNER. */
export async function changeStaffRole(db: Db, access: StaffAccess, staffId: string, role: StaffRole, now = Date.now()): Promise<StaffMember> {
  await transact(db, async (trx) => {
    const rows = await lockStaff(trx, access);
    const target = rows.find((r) => r.id === staffId);
    if (!target) throw new AppError('NOT_FOUND', `No staff member ${staffId}`);
    if (target.role === role) return;
    if (target.status === 'active' && target.role === 'owner' && activeOwners(rows).every((r) => r.id === target.id)) {
      throw new AppError('STAFF_LAST_OWNER', `${access.merchantId} must keep an owner; make another member owner first`);
    }
    await trx.updateTable('merchant_staff').set({ role, updated_at: now }).where('id', '=', staffId).execute();
    if (target.user_id && target.status === 'active') {
      await emit(trx, EVENTS.staffRoleChanged, staffId, { merchantId: access.merchantId, staffId, userId: target.user_id, from: target.role as StaffRole, to: role, at: now }, now);
    }
    await recordAudit(
      trx,
      { merchantId: access.merchantId, actorId: access.userId, action: 'staff.role_changed', target: staffTarget(staffId), detail: { from: target.role, to: role, userId: target.user_id } },
      now,
    );
  });
  return memberById(db, access.merchantId, staffId);
}

/**
 * Removes a member or withdraws an invite: the row goes, so the member's next request to the
 * merchant is refused (404). An owner cannot remove themselves (409 STAFF_SELF_REMOVAL), and
 * the merchant keeps an owner (409 STAFF_LAST_OWNER).
 */
export async function removeStaff(db: Db, access: StaffAccess, staffId: string, now = Date.now()): Promise<void> {
  await transact(db, async (trx) => {
    const rows = await lockStaff(trx, access);
    const target = rows.find((r) => r.id === staffId);
    if (!target) throw new AppError('NOT_FOUND', `No staff member ${staffId}`);
    if (target.user_id === access.userId) throw new AppError('STAFF_SELF_REMOVAL', 'You cannot remove yourself; another owner can');
    if (target.status === 'active' && target.role === 'owner' && activeOwners(rows).every((r) => r.id === target.id)) {
      throw new AppError('STAFF_LAST_OWNER', `${access.merchantId} must keep an owner`);
    }
    await trx.deleteFrom('merchant_staff').where('id', '=', staffId).execute();
    if (target.user_id && target.status === 'active') {
      await emit(trx, EVENTS.staffRemoved, staffId, { merchantId: access.merchantId, staffId, userId: target.user_id, from: target.role as StaffRole, to: null, at: now }, now);
    }
    await recordAudit(
      trx,
      {
        merchantId: access.merchantId,
        actorId: access.userId,
        action: 'staff.removed',
        target: staffTarget(staffId),
        detail: { role: target.role, phone: target.phone, userId: target.user_id, status: target.status },
      },
      now,
    );
  });
}

/**
 * Binds the invites waiting for an account's phone number to the account (identity's
 * signedIn hook, after every login; usually one indexed read that finds nothing). Each invite
 * becomes an active membership (its code, if any, is spent) and is recorded as staff.joined;
 * an invite to a merchant the account is already staff of is dropped.
 */
export async function bindStaffInvites(db: Db, account: { id: string; phone: string | null }, now = Date.now()): Promise<number> {
  if (!account.phone) return 0;
  const invites = await db.selectFrom('merchant_staff').select(['id', 'merchant_id']).where('phone', '=', account.phone).where('status', '=', 'invited').execute();
  let bound = 0;
  for (const invite of invites) {
    try {
      const took = await transact(db, async (trx) => {
        const member = await trx.selectFrom('merchant_staff').select('id').where('merchant_id', '=', invite.merchant_id).where('user_id', '=', account.id).executeTakeFirst();
        if (member) {
          await trx.deleteFrom('merchant_staff').where('id', '=', invite.id).where('status', '=', 'invited').execute();
          return false;
        }
        const row = await trx
          .updateTable('merchant_staff')
          .set({ user_id: account.id, status: 'active', code_hash: null, code_expires_at: null, updated_at: now })
          .where('id', '=', invite.id)
          .where('status', '=', 'invited')
          .returning(['role'])
          .executeTakeFirst();
        if (!row) return false;
        await recordAudit(
          trx,
          { merchantId: invite.merchant_id, actorId: account.id, action: 'staff.joined', target: staffTarget(invite.id), detail: { role: row.role, via: 'phone', phone: account.phone } },
          now,
        );
        return true;
      });
      if (took) bound += 1;
    } catch (err) {
      // The account joined that merchant by another path at the same moment: it is staff already.
      if (!isUniqueViolation(err)) throw err;
    }
  }
  return bound;
}

/**
 * Makes an account the owner of a merchant that has no staff yet (the demo seed; later,
 * onboarding), recorded as staff.owner_assigned by the system. False when the merchant already
 * has staff.
 */
export async function assignFirstOwner(db: Db, merchantId: string, userId: string, phone: string | null, now = Date.now()): Promise<boolean> {
  try {
    return await transact(db, async (trx) => {
      const any = await trx.selectFrom('merchant_staff').select('id').where('merchant_id', '=', merchantId).limit(1).executeTakeFirst();
      if (any) return false;
      const staffId = newId('stf', now);
      await trx
        .insertInto('merchant_staff')
        .values({ id: staffId, merchant_id: merchantId, user_id: userId, phone, role: 'owner', status: 'active', invited_by: null, created_at: now, updated_at: now })
        .execute();
      await recordAudit(trx, { merchantId, actorId: null, action: 'staff.owner_assigned', target: staffTarget(staffId), detail: { userId, phone } }, now);
      return true;
    });
  } catch (err) {
    // Another process assigned one at the same moment.
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}
