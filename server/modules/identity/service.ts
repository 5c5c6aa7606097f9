import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { MiniPlatform, Session, User } from '../../../contract/identity';
import type { Selectable } from 'kysely';
import type { Database } from '../../db/types';
import type { UsersTable } from './tables';
import type { Config } from '../../infra/config';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { issueToken } from '../../infra/tokens';
import { smsGateway } from '../../infra/sms';
import { accountDisabled } from './accounts';
import { exchangeCode } from './platforms';

export const OTP_TTL_MS = 5 * 60 * 1000;
export const OTP_RESEND_MS = 60 * 1000;
export const OTP_MAX_ATTEMPTS = 5;

type UserRow = Selectable<UsersTable>;

function toUser(r: UserRow): User {
  return { id: r.id, nickname: r.nickname, avatar: r.avatar, phone: r.phone, platform: r.platform };
}

export async function getUser(db: Kysely<Database>, userId: string): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  return row ? toUser(row) : null;
}

/**
 * What identity tells the rest of the app, given by server/compose.ts (identity imports no
 * other module): `signedIn` runs after every successful login with the account, so what waited
 * for it (a merchant's staff invite for its phone number) is bound to it.
 */
export interface IdentityHooks {
  signedIn?: (db: Kysely<Database>, account: SignedInAccount) => Promise<void>;
}

/** The account a sign-in is for, as the hooks see it. */
export interface SignedInAccount {
  id: string;
  phone: string | null;
  /** The account was created by this sign-in (its first login). */
  created: boolean;
  /** The device id the client sent with the login, or null. */
  device: string | null;
}

/** The account a phone number logs in to on H5 (platform h5, the phone as its openid), or null before its first login. */
export async function phoneAccountId(db: Kysely<Database>, phone: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('id').where('platform', '=', 'h5').where('openid', '=', phone).executeTakeFirst();
  return row?.id ?? null;
}

/**
 * The H5 account of a phone number, created as its first login would create it (the demo
 * seed makes the demo owner's account this way); its id.
 */
export async function ensurePhoneAccount(db: Kysely<Database>, phone: string, nickname = `用户${phone.slice(-4)}`): Promise<string> {
  return (await findOrCreateUser(db, 'h5', phone, { nickname, phone, unionid: null })).row.id;
}

/** Nicknames and phones of accounts by id (unknown ids are left out). */
/** A nickname as others may see it (a promoter's team, a live room's "just bought"): the first and last character, the rest hidden (张三丰 -> 张**丰). */
export function maskNickname(name: string): string {
  const chars = [...name];
  if (chars.length === 0) return '**';
  if (chars.length <= 2) return `${chars[0]}*`;
  return `${chars[0]}**${chars[chars.length - 1]}`;
}

export async function accountNames(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, { nickname: string; phone: string | null }>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'nickname', 'phone']).where('id', 'in', unique).execute();
  return new Map(rows.map((r) => [r.id, { nickname: r.nickname, phone: r.phone }]));
}

/** The account for (platform, openid), created on first sight. Safe under concurrent logins. */
async function findOrCreateUser(
  db: Kysely<Database>,
  platform: string,
  openid: string,
  init: { nickname: string; phone: string | null; unionid: string | null },
): Promise<{ row: UserRow; created: boolean }> {
  const now = Date.now();
  const inserted = await db
    .insertInto('users')
    .values({ id: newId('u', now), platform, openid, unionid: init.unionid, phone: init.phone, nickname: init.nickname, avatar: null, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['platform', 'openid']).doNothing())
    .executeTakeFirst();
  const row = await db.selectFrom('users').selectAll().where('platform', '=', platform).where('openid', '=', openid).executeTakeFirstOrThrow();
  if (init.unionid && row.unionid !== init.unionid) {
    await db.updateTable('users').set({ unionid: init.unionid, updated_at: now }).where('id', '=', row.id).execute();
    row.unionid = init.unionid;
  }
  return { row, created: Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1 };
}

function session(config: Config, user: UserRow): Session {
  // A disabled account gets no new session (its old ones are refused too: accounts.ts).
  if (user.status !== 'active') throw accountDisabled();
  const { token, expiresAt } = issueToken(config.tokenSecret, user.id, config.tokenTtlSeconds, Date.now(), Number(user.token_version));
  return { token, expiresAt, user: toUser(user) };
}

/** The session of a login, after the hooks have bound what waited for the account (a disabled account gets neither). */
async function signedIn(
  db: Kysely<Database>,
  config: Config,
  found: { row: UserRow; created: boolean },
  device: string | null,
  hooks: IdentityHooks,
): Promise<Session> {
  const user = found.row;
  const result = session(config, user);
  if (hooks.signedIn) await hooks.signedIn(db, { id: user.id, phone: user.phone, created: found.created, device });
  return result;
}

const PLATFORM_NAMES: Record<MiniPlatform, string> = { weapp: '微信用户', alipay: '支付宝用户', tt: '抖音用户' };

export async function loginMini(
  db: Kysely<Database>,
  config: Config,
  input: { platform: MiniPlatform; code: string; anonymousCode?: string; device?: string },
  hooks: IdentityHooks = {},
): Promise<Session> {
  const identity = await exchangeCode(config, input.platform, input.code, input.anonymousCode);
  const user = await findOrCreateUser(db, input.platform, identity.openid, {
    nickname: `${PLATFORM_NAMES[input.platform]}${identity.openid.slice(-4)}`,
    phone: null,
    unionid: identity.unionid,
  });
  return signedIn(db, config, user, input.device ?? null, hooks);
}

function otpHash(config: Config, phone: string, code: string): string {
  return createHmac('sha256', config.tokenSecret).update(`otp:${phone}:${code}`).digest('hex');
}

/**
 * Sends a 6-digit login code. One code per phone at a time, at most one send per minute
 * (429 OTP_TOO_FREQUENT); only its hash is stored.
 */
export async function requestOtp(
  db: Kysely<Database>,
  config: Config,
  log: FastifyBaseLogger,
  phone: string,
): Promise<{ retryAfterSeconds: number; expiresInSeconds: number }> {
  const now = Date.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const codeHash = otpHash(config, phone, code);
  // One conditional upsert: a concurrent second request cannot slip past the resend limit.
  const res = await db
    .insertInto('otp_codes')
    .values({ phone, code_hash: codeHash, expires_at: now + OTP_TTL_MS, sent_at: now, attempts: 0 })
    .onConflict((oc) =>
      oc
        .column('phone')
        .doUpdateSet({ code_hash: codeHash, expires_at: now + OTP_TTL_MS, sent_at: now, attempts: 0 })
        .where('otp_codes.sent_at', '<=', now - OTP_RESEND_MS),
    )
    .executeTakeFirst();
  if (Number(res.numInsertedOrUpdatedRows ?? 0) !== 1) {
    const row = await db.selectFrom('otp_codes').select('sent_at').where('phone', '=', phone).executeTakeFirst();
    const retryAfterSeconds = row ? Math.max(1, Math.ceil((Number(row.sent_at) + OTP_RESEND_MS - now) / 1000)) : 1;
    throw new AppError('OTP_TOO_FREQUENT', `A code was sent less than a minute ago; retry in ${retryAfterSeconds}s`, { retryAfterSeconds });
  }
  // The gateway the stand-ins connect (SANDBOX=on); with no provider configured otherwise.
  const gateway = config.sandbox ? smsGateway() : null;
  if (gateway) {
    gateway.sendCode(phone, code, log);
  } else {
    // No SMS provider is wired yet: refuse rather than pretend to have sent a code.
    await db.deleteFrom('otp_codes').where('phone', '=', phone).where('code_hash', '=', codeHash).execute();
    log.error('OTP requested but no SMS gateway is connected (SANDBOX is off and no provider is configured)');
    throw new AppError('SERVICE_UNAVAILABLE', 'SMS sending is not configured on this server');
  }
  return { retryAfterSeconds: OTP_RESEND_MS / 1000, expiresInSeconds: OTP_TTL_MS / 1000 };
}

/**
 * Logs in with a phone number and its code; creates the account on first login. A wrong code
 * counts an attempt; the fifth wrong attempt burns the code. A right code is consumed.
 */
export async function loginPhone(
  db: Kysely<Database>,
  config: Config,
  phone: string,
  code: string,
  hooks: IdentityHooks = {},
  device: string | null = null,
): Promise<Session> {
  const now = Date.now();
  const row = await db.selectFrom('otp_codes').selectAll().where('phone', '=', phone).executeTakeFirst();
  if (!row || Number(row.expires_at) <= now) {
    throw new AppError('OTP_INVALID', 'No valid code for this phone number; request a new one');
  }
  const given = Buffer.from(otpHash(config, phone, code));
  const stored = Buffer.from(row.code_hash);
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) {
    const attempts = Number(row.attempts) + 1;
    if (attempts >= OTP_MAX_ATTEMPTS) {
      await db.deleteFrom('otp_codes').where('phone', '=', phone).where('code_hash', '=', row.code_hash).execute();
      throw new AppError('OTP_INVALID', 'Too many wrong attempts; request a new code');
    }
    await db
      .updateTable('otp_codes')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('phone', '=', phone)
      .where('code_hash', '=', row.code_hash)
      .execute();
    throw new AppError('OTP_INVALID', `The code is wrong; ${OTP_MAX_ATTEMPTS - attempts} attempt(s) left`);
  }
  // Consume: only one login can use a code, however many race.
  const consumed = await db
    .deleteFrom('otp_codes')
    .where('phone', '=', phone)
    .where('code_hash', '=', row.code_hash)
    .where('attempts', '<', OTP_MAX_ATTEMPTS)
    .executeTakeFirst();
  if (Number(consumed.numDeletedRows) !== 1) throw new AppError('OTP_INVALID', 'The code was already used; request a new one');
  const user = await findOrCreateUser(db, 'h5', phone, { nickname: `用户${phone.slice(-4)}`, phone, unionid: null });
  return signedIn(db, config, user, device, hooks);
}
