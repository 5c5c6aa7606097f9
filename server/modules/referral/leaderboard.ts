import { sql, type Kysely } from 'kysely';
import { LEADERBOARD_SIZE, type LeaderboardPeriod, type ReferralLeaderboard } from '@contract/referral-commission';
import type { Database } from '../../db/types';
import { accountNames, maskNickname } from '../identity';

type Db = Kysely<Database>;

/** How long a computed ranking is served before it is computed again (per API node). */
export const LEADERBOARD_TTL_MS = 60_000;

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The first instant of the calendar month `now` falls in, Asia/Shanghai (UTC+8, no daylight saving). */
export function monthStartInShanghai(now: number): number {
  const local = new Date(now + SHANGHAI_OFFSET_MS);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - SHANGHAI_OFFSET_MS;
}

export interface RankedPromoter {
  promoterId: string;
  rank: number;
  amount: number;
}

/** One period's ranking as computed: the named top and every promoter's rank, for the caller's own. */
export interface Ranking {
  from: number | null;
  computedAt: number;
  top: (RankedPromoter & { nickname: string })[];
  ranks: ReadonlyMap<string, RankedPromoter>;
}

/**
 * Every promoter's net commission in the period, most first: commissions earned on orders paid
 * at or after `from` (all of them for null), less what refunds reversed of them so far. One
 * aggregate over referral_commissions. For a month it reads through the merchant index
 * (merchant_id, paid_at): every commission's merchant has rules (a commission is snapshotted
 * only under an enabled rule version, and versions are never deleted), so naming the merchants
 * of referral_rules turns the month into one index range per merchant instead of a scan of
 * every commission ever earned. All time needs every row anyway.
 */
export async function rankPromoters(db: Db, from: number | null): Promise<RankedPromoter[]> {
  const net = sql<string | number>`sum(amount - reversed_amount)`;
  let q = db.selectFrom('referral_commissions').select(['promoter_id', net.as('net')]);
  q =
    from === null
      ? q.where('amount', '>', 0)
      : q.where((eb) => eb('merchant_id', 'in', eb.selectFrom('referral_rules').select('merchant_id').distinct())).where('paid_at', '>=', from);
  const rows = await q.groupBy('promoter_id').having(net, '>', 0).orderBy('net', 'desc').orderBy('promoter_id').execute();
  const ranked: RankedPromoter[] = [];
  for (const [i, r] of rows.entries()) {
    const amount = Number(r.net);
    const before = ranked[i - 1];
    // Competition ranking: the same amount shares a rank, the next one skips (1, 2, 2, 4).
    ranked.push({ promoterId: r.promoter_id, amount, rank: before && before.amount === amount ? before.rank : i + 1 });
  }
  return ranked;
}

async function computeRanking(db: Db, from: number | null, now: number): Promise<Ranking> {
  const ranked = await rankPromoters(db, from);
  const head = ranked.slice(0, LEADERBOARD_SIZE);
  const names = await accountNames(
    db,
    head.map((r) => r.promoterId),
  );
  return {
    from,
    computedAt: now,
    top: head.map((r) => ({ ...r, nickname: maskNickname(names.get(r.promoterId)?.nickname ?? '') })),
    ranks: new Map(ranked.map((r) => [r.promoterId, r])),
  };
}

/**
 * The rankings of this API node, each computed at most once a minute: concurrent callers share
 * one computation, a failure is not kept, and a new month starts a new ranking.
 */
export class LeaderboardCache {
  private readonly entries = new Map<LeaderboardPeriod, { from: number | null; at: number; ranking: Promise<Ranking> }>();

  constructor(private readonly ttlMs = LEADERBOARD_TTL_MS) {}

  ranking(db: Db, period: LeaderboardPeriod, now = Date.now()): Promise<Ranking> {
    const from = period === 'month' ? monthStartInShanghai(now) : null;
    const kept = this.entries.get(period);
    if (kept && kept.from === from && now - kept.at < this.ttlMs) return kept.ranking;
    const ranking = computeRanking(db, from, now);
    const entry = { from, at: now, ranking };
    this.entries.set(period, entry);
    ranking.catch(() => {
      if (this.entries.get(period) === entry) this.entries.delete(period);
    });
    return ranking;
  }
}

/** GET /api/referral/leaderboard: the top promoters of the period and the caller's own place. */
export async function leaderboard(db: Db, cache: LeaderboardCache, userId: string, period: LeaderboardPeriod, now = Date.now()): Promise<ReferralLeaderboard> {
  const ranking = await cache.ranking(db, period, now);
  const mine = ranking.ranks.get(userId);
  return {
    period,
    from: ranking.from,
    items: ranking.top.map((r) => ({ rank: r.rank, nickname: r.nickname, amount: r.amount, isMe: r.promoterId === userId })),
    me: { rank: mine?.rank ?? null, amount: mine?.amount ?? 0 },
    computedAt: ranking.computedAt,
  };
}
