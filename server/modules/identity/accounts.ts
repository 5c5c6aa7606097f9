import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { prepared } from '../../db/prepared';
import { transact } from '../../db/transaction';
import { EVENTS } from '../../events/catalog';
import { emit } from '../../events/emit';
import { AppError } from '../../infra/errors';
import type { TokenPayload } from '../../infra/tokens';

/**
 * Accounts for authentication. A session token is signed, but a signature only proves who
 * issued it: every authenticated request also resolves the token to an existing, active
 * account whose token version is the one the token carries (one primary-key read, prepared).
 * Disabling an account or revoking its sessions raises the version, so its tokens stop at once
 * on every node; a disabled account's tokens answer 401 ACCOUNT_DISABLED (the client logs out
 * and says so), a revoked or unknown one 401 UNAUTHORIZED.
 *
 * disableAccount, enableAccount and revokeSessions are the surface a merchant or admin side
 * calls; each answers whether the account exists. Disabling and revoking are also events
 * (account.disabled, account.sessions_revoked) written with the change, so the realtime channel
 * closes the account's sockets at once on every node (docs/realtime.md).
 */
export type AccountStatus = 'active' | 'disabled';

export function accountDisabled(): AppError {
  return new AppError('ACCOUNT_DISABLED', 'This account has been disabled; contact customer service');
}

const selectSessionAccount = prepared<{ id: string }, { status: string; token_version: number; platform: string; openid: string }>((db, p) =>
  db.selectFrom('users').select(['status', 'token_version', 'platform', 'openid']).where('id', '=', p('id')),
);

/** The signed-in account as a request knows it: who, and where they signed in (for payments: the payer's openid). */
export interface SessionAccount {
  id: string;
  platform: string;
  openid: string;
}

/**
 * The account a verified token stands for, when the account exists, is active and the token
 * carries its current version; null when the account does not exist or the token was revoked;
 * ACCOUNT_DISABLED for a disabled account.
 */
export async function sessionAccount(db: Kysely<Database>, token: TokenPayload): Promise<SessionAccount | null> {
  const { rows } = await selectSessionAccount.execute(db, { id: token.sub });
  const account = rows[0];
  if (!account) return null;
  if (account.status !== 'active') throw accountDisabled();
  if (Number(account.token_version) !== token.ver) return null;
  return { id: token.sub, platform: account.platform, openid: account.openid };
}

/** Raises the token version: every session issued before is refused from now on. */
export async function revokeSessions(db: Kysely<Database>, userId: string, now = Date.now()): Promise<boolean> {
  return transact(db, async (trx) => {
    const res = await trx
      .updateTable('users')
      .set((eb) => ({ token_version: eb('token_version', '+', 1), updated_at: now }))
      .where('id', '=', userId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await emit(trx, EVENTS.accountSessionsRevoked, userId, { userId, at: now }, now);
    return true;
  });
}

/**
 * Disables the account: its tokens are refused at once (ACCOUNT_DISABLED) and it cannot log in.
 * Its sessions are revoked too, so enabling it again does not bring old tokens back.
 */
export async function disableAccount(db: Kysely<Database>, userId: string, now = Date.now()): Promise<boolean> {
  return transact(db, async (trx) => {
    const res = await trx
      .updateTable('users')
      .set((eb) => ({ status: 'disabled', status_changed_at: now, token_version: eb('token_version', '+', 1), updated_at: now }))
      .where('id', '=', userId)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await emit(trx, EVENTS.accountDisabled, userId, { userId, at: now }, now);
    return true;
  });
}

/** Enables a disabled account again; the shopper logs in anew. */
export async function enableAccount(db: Kysely<Database>, userId: string, now = Date.now()): Promise<boolean> {
  const res = await db.updateTable('users').set({ status: 'active', status_changed_at: now, updated_at: now }).where('id', '=', userId).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function accountStatus(db: Kysely<Database>, userId: string): Promise<AccountStatus | null> {
  const row = await db.selectFrom('users').select('status').where('id', '=', userId).executeTakeFirst();
  return row ? (row.status as AccountStatus) : null;
}

const selectPayer = prepared<{ id: string }, { openid: string; platform: string }>((db, p) => db.selectFrom('users').select(['openid', 'platform']).where('id', '=', p('id')));

/** Who pays at a channel for this account: its platform and openid there; undefined when there is no such account. */
export async function payerOf(db: Kysely<Database>, userId: string): Promise<{ openid: string; platform: string } | undefined> {
  return (await selectPayer.execute(db, { id: userId })).rows[0];
}
