import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

type Db = Kysely<Database>;

/** The hard cap on commission levels (docs/referral.md, "Depth"). */
export const MAX_LEVELS_CAP = 3;

/**
 * The promoters above `userId`, nearest first, at most `levels` (level 1 = who referred the
 * user). A lapsed binding (expires_at passed at `now`) ends the chain there. Stops on a cycle
 * (which binding refuses; a chain never repeats an account).
 */
export async function ancestorsOf(db: Db, userId: string, levels: number, now = Date.now()): Promise<string[]> {
  const chain: string[] = [];
  const seen = new Set([userId]);
  let current = userId;
  while (chain.length < levels) {
    const row = await db.selectFrom('referral_bindings').select(['promoter_id', 'expires_at']).where('user_id', '=', current).executeTakeFirst();
    if (!row || (row.expires_at !== null && Number(row.expires_at) <= now) || seen.has(row.promoter_id)) break;
    chain.push(row.promoter_id);
    seen.add(row.promoter_id);
    current = row.promoter_id;
  }
  return chain;
}
