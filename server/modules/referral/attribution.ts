import { sql, type Kysely } from 'kysely';
import type { ReferralLink, ReferralTarget } from '../../../contract/referral';
import { dialectOfDb } from '../../db';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { emit } from '../../events/emit';
import { EVENTS } from '../../events/catalog';
import { AppError } from '../../infra/errors';
import type { ReferralConfig } from '../../infra/config';
import { productExists } from '../catalog';
import { liveSessionMerchant } from '../live';
import { recordDevice } from './fraud';
import { mayPromote } from './promoters';
import { newLinkId, tokenOf, verifyToken } from './tokens';

type Db = Kysely<Database>;

/** What the module logs to: every ignored token and refused binding, with its reason. */
export interface ReferralLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const DAY_MS = 24 * 3600_000;
/** How long a share link's token is accepted. */
export const LINK_TTL_MS = 30 * DAY_MS;
/** A promoter's link for the same target and campaign is reused while at least this much of it is left. */
export const LINK_REUSE_MIN_LEFT_MS = 7 * DAY_MS;
/** New links one promoter may make in a day (every target and campaign together). */
export const LINKS_PER_DAY = 200;

/** The page a target opens, with the token as `rt`. */
export function linkPath(target: string, token: string): string {
  if (target === 'home') return `/pages/home/index?rt=${token}`;
  const id = encodeURIComponent(target.slice(target.indexOf(':') + 1));
  if (target.startsWith('live:')) return `/pages/live/room?id=${id}&rt=${token}`;
  return `/pages/product/index?id=${id}&rt=${token}`;
}

/** Whether a target names something that exists: a product (product, poster) or a live session. */
async function targetExists(db: Db, target: string): Promise<boolean> {
  if (target === 'home') return true;
  const id = target.slice(target.indexOf(':') + 1);
  return target.startsWith('live:') ? (await liveSessionMerchant(db, id)) !== null : productExists(db, id);
}

/**
 * A share link for a promoter (POST /api/referral/links): refused with 403 NOT_A_PROMOTER
 * unless REFERRAL_PROMOTERS lets the shopper promote. A link of the same promoter, target and
 * campaign with at least LINK_REUSE_MIN_LEFT_MS left is answered again (same token), so sharing
 * the same page twice makes no second row. A product or poster target names a product that
 * exists, a live target a live session (404 NOT_FOUND otherwise); at most LINKS_PER_DAY new links a day per promoter (429).
 */
export async function createLink(
  db: Db,
  config: ReferralConfig,
  promoter: { id: string; platform: string },
  input: { target: ReferralTarget; campaign?: string },
  now = Date.now(),
): Promise<ReferralLink> {
  if (!(await mayPromote(db, config, promoter.id))) throw new AppError('NOT_A_PROMOTER', 'This account may not promote (REFERRAL_PROMOTERS)');
  const campaign = input.campaign ?? null;
  let reuse = db
    .selectFrom('referral_links')
    .select(['id', 'expires_at'])
    .where('promoter_id', '=', promoter.id)
    .where('target', '=', input.target)
    .where('expires_at', '>', now + LINK_REUSE_MIN_LEFT_MS);
  reuse = campaign === null ? reuse.where('campaign', 'is', null) : reuse.where('campaign', '=', campaign);
  const existing = await reuse.orderBy('expires_at', 'desc').executeTakeFirst();
  if (!existing) {
    if (!(await targetExists(db, input.target))) throw new AppError('NOT_FOUND', `No such ${input.target.startsWith('live:') ? 'live session' : 'product'}`);
    const today = await db
      .selectFrom('referral_links')
      .select((eb) => [eb.fn.countAll<string | number>().as('n'), eb.fn.min('created_at').as('oldest')])
      .where('promoter_id', '=', promoter.id)
      .where('created_at', '>', now - DAY_MS)
      .executeTakeFirstOrThrow();
    if (Number(today.n) >= LINKS_PER_DAY) {
      const retryAfterSeconds = Math.max(1, Math.ceil((Number(today.oldest) + DAY_MS - now) / 1000));
      throw new AppError('RATE_LIMITED', `At most ${LINKS_PER_DAY} new share links a day`, { retryAfterSeconds });
    }
  }
  const link = existing
    ? { id: existing.id, expiresAt: Number(existing.expires_at) }
    : { id: newLinkId(), expiresAt: now + LINK_TTL_MS };
  if (!existing) {
    await db
      .insertInto('referral_links')
      .values({ id: link.id, promoter_id: promoter.id, campaign, target: input.target, platform: promoter.platform, created_at: now, expires_at: link.expiresAt })
      .execute();
  }
  const token = tokenOf(config.secret, link.id);
  return { token, path: linkPath(input.target, token), expiresAt: link.expiresAt };
}

/**
 * What a token's link opens (GET /api/referral/links/:token): a poster's code carries only the
 * token in its scene (a product id does not fit beside it in WeChat's 32 characters), so the
 * page it opens asks for the target. The MAC is checked first, with no database read; a token
 * that does not verify or names no link is 404 NOT_FOUND (and logged). An expired link still
 * answers: the page opens whatever the token's age, and its visit is ignored as usual.
 */
export async function resolveLink(db: Db, secret: string, log: ReferralLog, token: string): Promise<{ target: string; path: string }> {
  const check = verifyToken(secret, token);
  const link = check.ok ? await db.selectFrom('referral_links').select('target').where('id', '=', check.linkId).executeTakeFirst() : undefined;
  if (!link) {
    log.info({ reason: check.ok ? 'unknown_link' : check.reason, tokenLength: token.length }, 'referral token not resolved');
    throw new AppError('NOT_FOUND', 'No such share link');
  }
  return { target: link.target, path: linkPath(link.target, token) };
}

/** A touch: an open of a promoter's link. */
export interface Touch {
  linkId: string;
  promoterId: string;
  at: number;
}

export type TokenOutcome = { ok: true; linkId: string; promoterId: string } | { ok: false; reason: 'malformed' | 'bad_mac' | 'unknown_link' | 'expired' };

/**
 * Resolves a token to its link's promoter: the MAC is checked first, with no database read (a
 * made-up or altered token never reaches the database); then the link must exist and not
 * have expired.
 */
export async function resolveToken(db: Db, secret: string, token: string, now: number): Promise<TokenOutcome> {
  const check = verifyToken(secret, token);
  if (!check.ok) return check;
  const link = await db.selectFrom('referral_links').select(['promoter_id', 'expires_at']).where('id', '=', check.linkId).executeTakeFirst();
  if (!link) return { ok: false, reason: 'unknown_link' };
  if (Number(link.expires_at) <= now) return { ok: false, reason: 'expired' };
  return { ok: true, linkId: check.linkId, promoterId: link.promoter_id };
}

/** Records a touch for one visitor key: the first touch stays, the last is replaced. */
async function upsertTouch(
  db: Db,
  visitor: string,
  touch: Touch,
  at: { platform: string; scene: number | null; deviceId: string | null; userId: string | null },
): Promise<void> {
  await db
    .insertInto('referral_visits')
    .values({
      visitor,
      first_link_id: touch.linkId,
      first_promoter_id: touch.promoterId,
      first_at: touch.at,
      last_link_id: touch.linkId,
      last_promoter_id: touch.promoterId,
      last_at: touch.at,
      last_platform: at.platform,
      last_scene: at.scene,
      device_id: at.deviceId,
      user_id: at.userId,
      visits: 1,
    })
    .onConflict((oc) =>
      oc.column('visitor').doUpdateSet((eb) => ({
        last_link_id: eb.ref('excluded.last_link_id'),
        last_promoter_id: eb.ref('excluded.last_promoter_id'),
        last_at: eb.ref('excluded.last_at'),
        last_platform: eb.ref('excluded.last_platform'),
        last_scene: eb.ref('excluded.last_scene'),
        device_id: sql<string | null>`coalesce(excluded.device_id, referral_visits.device_id)`,
        user_id: sql<string | null>`coalesce(excluded.user_id, referral_visits.user_id)`,
        visits: sql<number>`referral_visits.visits + 1`,
      })),
    )
    .execute();
}

export interface VisitInput {
  token: string;
  platform: string;
  scene?: number;
  device: string | null;
  /** The signed-in visitor, or null. */
  userId: string | null;
}

/**
 * Records an open of a shared link (POST /api/referral/visits): the first and last touch of the
 * device (`d:<device>`) and, when signed in, of the account (`u:<user>`). A bad token (made-up,
 * altered, unknown, expired) or a promoter opening their own link records nothing and is
 * logged with the reason; the caller is answered the same either way. Answers the outcome
 * (for tests and the bind route).
 */
export async function recordVisit(db: Db, secret: string, log: ReferralLog, input: VisitInput, now = Date.now()): Promise<TokenOutcome | { ok: false; reason: 'own_link' }> {
  const outcome = await resolveToken(db, secret, input.token, now);
  if (!outcome.ok) {
    log.info({ reason: outcome.reason, device: input.device, userId: input.userId, tokenLength: input.token.length }, 'referral token ignored');
    return outcome;
  }
  if (input.userId === outcome.promoterId) {
    log.info({ reason: 'own_link', linkId: outcome.linkId, userId: input.userId }, 'referral visit ignored');
    return { ok: false, reason: 'own_link' };
  }
  const touch: Touch = { linkId: outcome.linkId, promoterId: outcome.promoterId, at: now };
  const at = { platform: input.platform, scene: input.scene ?? null, deviceId: input.device, userId: input.userId };
  if (input.device) await upsertTouch(db, `d:${input.device}`, touch, at);
  if (input.userId) await upsertTouch(db, `u:${input.userId}`, touch, at);
  // The device signal of fraud controls compares the devices accounts used (fraud.ts).
  if (input.device && input.userId) await recordDevice(db, input.userId, input.device, now);
  return outcome;
}

/** The first and last touch over an account's visitor keys (its own and its device's). */
async function touchesOf(db: Db, keys: string[]): Promise<{ first: Touch; last: Touch } | null> {
  if (keys.length === 0) return null;
  const rows = await db.selectFrom('referral_visits').selectAll().where('visitor', 'in', keys).execute();
  if (rows.length === 0) return null;
  const firstRow = rows.reduce((a, b) => (Number(b.first_at) < Number(a.first_at) ? b : a));
  const lastRow = rows.reduce((a, b) => (Number(b.last_at) > Number(a.last_at) ? b : a));
  return {
    first: { linkId: firstRow.first_link_id, promoterId: firstRow.first_promoter_id, at: Number(firstRow.first_at) },
    last: { linkId: lastRow.last_link_id, promoterId: lastRow.last_promoter_id, at: Number(lastRow.last_at) },
  };
}

export type BindOutcome =
  | { bound: true; promoterId: string; replaced: string | null }
  | { bound: false; reason: 'no_touch' | 'already_bound' | 'no_newer_touch' | 'touch_too_old' | 'not_a_new_account' | 'self_referral' | 'cycle' };

/** The reasons that are a refusal (logged); the others are nothing to do. */
const REFUSALS = new Set(['not_a_new_account', 'self_referral', 'cycle', 'touch_too_old']);

/**
 * Whether `promoterId`'s chain of promoters reaches `userId` (binding would close a cycle),
 * walked to its end over every binding, lapsed ones too: the table never holds a cycle.
 */
async function reaches(trx: Db, promoterId: string, userId: string): Promise<boolean> {
  const seen = new Set<string>();
  let current: string | undefined = promoterId;
  while (current !== undefined && !seen.has(current)) {
    if (current === userId) return true;
    seen.add(current);
    const row: { promoter_id: string } | undefined = await trx.selectFrom('referral_bindings').select('promoter_id').where('user_id', '=', current).executeTakeFirst();
    current = row?.promoter_id;
  }
  return false;
}

/** The key of the advisory lock every binding write takes on PostgreSQL (decision 0028). */
export const BINDING_LOCK_KEY = 'referral-bindings';

type BindingRow = { promoter_id: string; bound_at: number; expires_at: number | null };
type Refusal = Extract<BindOutcome, { bound: false }>;

/**
 * What REFERRAL_BINDING makes of an account's touches given its binding (or none): the touch to
 * bind to and when the binding lapses, or why nothing binds. Self-referral and cycles are
 * checked after, under the lock.
 */
function decide(policy: ReferralConfig['binding'], existing: BindingRow | undefined, touches: { first: Touch; last: Touch }, now: number): { candidate: Touch; expiresAt: number | null } | Refusal {
  if (policy.kind === 'first_touch') {
    return existing ? { bound: false, reason: 'already_bound' } : { candidate: touches.first, expiresAt: null };
  }
  if (policy.kind === 'first_touch_days') {
    const window = policy.days * DAY_MS;
    if (existing && (existing.expires_at === null || Number(existing.expires_at) > now)) return { bound: false, reason: 'already_bound' };
    let candidate: Touch;
    if (existing) {
      // A lapsed binding may be replaced by a touch after it, within the window.
      if (touches.last.at <= Number(existing.bound_at)) return { bound: false, reason: 'no_newer_touch' };
      candidate = touches.last;
    } else {
      candidate = touches.first.at > now - window ? touches.first : touches.last;
    }
    if (candidate.at <= now - window) return { bound: false, reason: 'touch_too_old' };
    return { candidate, expiresAt: now + window };
  }
  const candidate = touches.last;
  if (existing && candidate.at <= Number(existing.bound_at)) return { bound: false, reason: 'no_newer_touch' };
  if (existing && existing.promoter_id === candidate.promoterId) return { bound: false, reason: 'already_bound' };
  return { candidate, expiresAt: null };
}

const bindingRow = (db: Db, userId: string) =>
  db.selectFrom('referral_bindings').select(['promoter_id', 'bound_at', 'expires_at']).where('user_id', '=', userId).executeTakeFirst();

/**
 * Applies REFERRAL_BINDING to an account's touches. A sign-in that has nothing to bind (bound
 * for good already: the usual case) is answered from one read, without the lock. Otherwise one
 * transaction that on PostgreSQL holds a transaction-scoped advisory lock first decides again,
 * walks the chain and writes: two bindings that would together close a cycle (A under B and B
 * under A at once) cannot both pass the walk, since the second walks after the first
 * committed. SQLite has one writer already.
 */
async function applyPolicy(
  db: Db,
  config: ReferralConfig,
  userId: string,
  touches: { first: Touch; last: Touch },
  via: 'sign_in' | 'token',
  now: number,
): Promise<BindOutcome> {
  const first = decide(config.binding, await bindingRow(db, userId), touches, now);
  if ('bound' in first) return first;
  const postgres = dialectOfDb(db) === 'postgres';
  return transact(db, async (trx): Promise<BindOutcome> => {
    if (postgres) await sql`select pg_advisory_xact_lock(hashtext(${BINDING_LOCK_KEY}))`.execute(trx);
    const existing = await bindingRow(trx, userId);
    const decided = decide(config.binding, existing, touches, now);
    if ('bound' in decided) return decided;
    const { candidate, expiresAt } = decided;
    if (candidate.promoterId === userId) return { bound: false, reason: 'self_referral' };
    if (await reaches(trx, candidate.promoterId, userId)) return { bound: false, reason: 'cycle' };
    await trx
      .insertInto('referral_bindings')
      .values({ user_id: userId, promoter_id: candidate.promoterId, link_id: candidate.linkId, bound_at: now, expires_at: expiresAt })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ promoter_id: candidate.promoterId, link_id: candidate.linkId, bound_at: now, expires_at: expiresAt }))
      .execute();
    const replaced = existing?.promoter_id ?? null;
    await emit(trx, EVENTS.referralBound, userId, { userId, promoterId: candidate.promoterId, replaced, linkId: candidate.linkId, via, boundAt: now, expiresAt }, now);
    return { bound: true, promoterId: candidate.promoterId, replaced };
  });
}

function logOutcome(log: ReferralLog, userId: string, via: string, outcome: BindOutcome): void {
  if (outcome.bound) log.info({ userId, promoterId: outcome.promoterId, replaced: outcome.replaced, via }, 'referral bound');
  else if (REFUSALS.has(outcome.reason)) log.info({ userId, reason: outcome.reason, via }, 'referral binding refused');
}

/**
 * At sign-in (identity's signedIn hook, connected in server/compose.ts): binds the account
 * under REFERRAL_BINDING from the touches of its device (sent at login) and of the account.
 * Most sign-ins find no touch (one indexed read). REFERRAL_NEW_ACCOUNTS_ONLY binds only an
 * account this sign-in created.
 */
export async function bindAtSignIn(
  db: Db,
  config: ReferralConfig,
  log: ReferralLog,
  account: { id: string; created: boolean; device: string | null },
  now = Date.now(),
): Promise<BindOutcome> {
  const keys = [`u:${account.id}`, ...(account.device ? [`d:${account.device}`] : [])];
  const touches = await touchesOf(db, keys);
  let outcome: BindOutcome;
  if (!touches) outcome = { bound: false, reason: 'no_touch' };
  else if (config.newAccountsOnly && !account.created) outcome = { bound: false, reason: 'not_a_new_account' };
  else outcome = await applyPolicy(db, config, account.id, touches, 'sign_in', now);
  logOutcome(log, account.id, 'sign_in', outcome);
  return outcome;
}

/**
 * POST /api/referral/bind: a signed-in account opened a link (H5, where the link opens after
 * login). The open is recorded as a visit, then the same policy applies to the account's
 * touches. With REFERRAL_NEW_ACCOUNTS_ONLY nothing binds here: the account existed before the
 * link was opened. A bad token binds nothing and is only logged. Answers whether the account
 * is bound (by this call or before).
 */
export async function bindByToken(
  db: Db,
  config: ReferralConfig,
  log: ReferralLog,
  user: { id: string; platform: string },
  input: { token: string; device?: string },
  now = Date.now(),
): Promise<{ bound: boolean }> {
  const visit = await recordVisit(db, config.secret, log, { token: input.token, platform: user.platform, device: input.device ?? null, userId: user.id }, now);
  if (visit.ok) {
    if (config.newAccountsOnly) logOutcome(log, user.id, 'token', { bound: false, reason: 'not_a_new_account' });
    else {
      const touches = await touchesOf(db, [`u:${user.id}`]);
      if (touches) logOutcome(log, user.id, 'token', await applyPolicy(db, config, user.id, touches, 'token', now));
    }
  }
  const row = await db.selectFrom('referral_bindings').select('expires_at').where('user_id', '=', user.id).executeTakeFirst();
  return { bound: !!row && (row.expires_at === null || Number(row.expires_at) > now) };
}
