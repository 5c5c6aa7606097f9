import type { Kysely, SelectQueryBuilder } from 'kysely';
import { z } from 'zod';
import type { ReferralMe, ReferralTeamPage } from '../../../contract/referral';
import type { Database } from '../../db/types';
import type { ReferralConfig } from '../../infra/config';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { accountNames, maskNickname } from '../identity';
import { spentBy } from '../order';
import { latestApplication, mayPromote } from './promoters';

type Db = Kysely<Database>;

/**
 * The user ids at `level` below `promoterId` (1: the accounts it referred; 2: theirs; ...) as a
 * subquery over live bindings (no lapsed one), so a count or a page is one statement.
 */
function levelMembers(db: Db, promoterId: string, level: number, now: number): SelectQueryBuilder<Database, 'referral_bindings', { user_id: string }> {
  const live = (q: SelectQueryBuilder<Database, 'referral_bindings', { user_id: string }>) =>
    q.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  let q = live(db.selectFrom('referral_bindings').select('user_id').where('promoter_id', '=', promoterId));
  for (let l = 2; l <= level; l++) {
    const above = q;
    q = live(db.selectFrom('referral_bindings').select('user_id').where('promoter_id', 'in', above));
  }
  return q;
}

/** GET /api/referral/me: the promoter centre's header. */
export async function referralMe(db: Db, config: ReferralConfig, userId: string, now = Date.now()): Promise<ReferralMe> {
  const policy = config.promoters;
  const isPromoter = await mayPromote(db, config, userId);
  const application = policy.kind === 'approved' ? await latestApplication(db, userId) : null;
  const binding = await db.selectFrom('referral_bindings').selectAll().where('user_id', '=', userId).executeTakeFirst();
  const live = binding && (binding.expires_at === null || Number(binding.expires_at) > now) ? binding : null;
  const names = live ? await accountNames(db, [live.promoter_id]) : new Map<string, { nickname: string }>();
  const team: ReferralMe['team'] = [];
  for (let level = 1; level <= config.maxLevels; level++) {
    const row = await db
      .selectFrom(levelMembers(db, userId, level, now).as('m'))
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirst();
    team.push({ level, count: Number(row?.n ?? 0) });
  }
  return {
    isPromoter,
    policy: policy.kind,
    minSpend: policy.kind === 'min_spend' ? policy.fen : null,
    spent: policy.kind === 'min_spend' ? await spentBy(db, userId) : null,
    canApply: policy.kind === 'approved' && !isPromoter && application?.status !== 'pending',
    application,
    promoter: live ? { nickname: maskNickname(names.get(live.promoter_id)?.nickname ?? ''), boundAt: Number(live.bound_at) } : null,
    maxLevels: config.maxLevels,
    team,
  };
}

/** [bound_at, user_id] of the last member on the page. */
const teamCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

/** GET /api/referral/team: one level of the shopper's team, newest first (levels above REFERRAL_MAX_LEVELS are empty). */
export async function listTeam(db: Db, config: ReferralConfig, userId: string, query: { level: number; cursor?: string; limit: number }, now = Date.now()): Promise<ReferralTeamPage> {
  if (query.level > config.maxLevels) return { items: [], nextCursor: null };
  const above = query.level === 1 ? null : levelMembers(db, userId, query.level - 1, now);
  let q = db
    .selectFrom('referral_bindings')
    .select(['user_id', 'bound_at'])
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  q = above ? q.where('promoter_id', 'in', above) : q.where('promoter_id', '=', userId);
  if (query.cursor) {
    const [at, id] = teamCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('bound_at', '<', at), eb.and([eb('bound_at', '=', at), eb('user_id', '<', id)])]));
  }
  const rows = await q.orderBy('bound_at', 'desc').orderBy('user_id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const names = await accountNames(db, page.map((r) => r.user_id));
  return {
    items: page.map((r) => ({ nickname: maskNickname(names.get(r.user_id)?.nickname ?? ''), joinedAt: Number(r.bound_at) })),
    nextCursor: rows.length > query.limit && last ? teamCursor.encode([Number(last.bound_at), last.user_id]) : null,
  };
}
