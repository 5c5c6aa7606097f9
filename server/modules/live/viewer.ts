import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { LiveSessionPage, LiveSessionStatus } from '../../../contract/live';
import type { Database } from '../../db/types';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError } from '../../infra/errors';
import { merchantsByIds } from '../catalog';
import type { VolatileChannel } from '../../realtime/volatile';
import { toSession, viewersOf } from './reads';

type Db = Kysely<Database>;

/** [rank (0 on air, 1 scheduled), starts_at, id] of the last session on the page. */
const viewerCursor = cursorCodec(z.tuple([z.union([z.literal(0), z.literal(1)]), cursorKey, cursorId]));

const rank = sql<number>`case when ${sql.ref('status')} in ('live', 'paused') then 0 else 1 end`;

/** Sessions on air first, then scheduled ones, soonest first; ended and cancelled ones are not listed. */
export async function listViewerSessions(db: Db, volatile: VolatileChannel, query: { cursor?: string; limit: number }): Promise<LiveSessionPage> {
  let q = db.selectFrom('live_sessions').selectAll().select(rank.as('rank')).where('status', 'in', ['live', 'paused', 'scheduled']);
  if (query.cursor) {
    const [r, startsAt, id] = viewerCursor.decode(query.cursor);
    q = q.where((eb) =>
      eb.or([
        eb(rank, '>', r),
        eb.and([eb(rank, '=', r), eb.or([eb('starts_at', '>', startsAt), eb.and([eb('starts_at', '=', startsAt), eb('id', '>', id)])])]),
      ]),
    );
  }
  const rows = await q.orderBy(rank).orderBy('starts_at').orderBy('id').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const names = await merchantsByIds(db, page.map((r) => r.merchant_id));
  const last = page[page.length - 1];
  return {
    items: page.map((row) => {
      const s = toSession(row);
      return {
        id: s.id,
        merchantId: s.merchant_id,
        merchantName: names.get(s.merchant_id)?.name ?? '',
        title: s.title,
        cover: s.cover,
        startsAt: s.starts_at,
        status: s.status as LiveSessionStatus,
        pinnedProductId: s.pinned_product_id,
        viewers: viewersOf(volatile, s),
      };
    }),
    nextCursor: rows.length > query.limit && last ? viewerCursor.encode([Number(last.rank) === 0 ? 0 : 1, Number(last.starts_at), last.id]) : null,
  };
}

/** Adds likes to a session (one statement: the database adds to whatever the count is). */
export async function addLikes(db: Db, sessionId: string, count: number): Promise<{ likes: number }> {
  const row = await db
    .updateTable('live_sessions')
    .set((eb) => ({ likes: eb('likes', '+', count) }))
    .where('id', '=', sessionId)
    .returning('likes')
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `live session ${sessionId} not found`);
  return { likes: Number(row.likes) };
}
