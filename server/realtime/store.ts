import { sql, type Kysely } from 'kysely';
import { prepared } from '../db/prepared';
import type { Database } from '../db/types';
import type { TopicMessage } from './projection';

type Db = Kysely<Database>;

/** A message as stored and sent: docs/realtime.md, the `event` frame. */
export interface StoredMessage {
  topic: string;
  version: number;
  type: string;
  data: unknown;
}

/** How long messages are kept for replay. */
export const MESSAGE_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** Most messages replayed to one subscription; further behind, the client is told to reset. */
export const MAX_REPLAY = 200;

/** The topic's next version: one statement that creates the topic at 1 or bumps it (row-locked on PostgreSQL). */
const bumpTopic = prepared<{ topic: string; now: number }, { version: number }>((db, p) =>
  db
    .insertInto('realtime_topics')
    .values({ topic: p('topic'), version: 1, updated_at: p('now') })
    .onConflict((oc) => oc.column('topic').doUpdateSet({ version: sql<number>`realtime_topics.version + 1`, updated_at: p('now') }))
    .returning('version'),
);

const insertMessage = prepared<{ topic: string; version: number; eventId: string; type: string; data: string; now: number }>((db, p) =>
  db.insertInto('realtime_messages').values({ topic: p('topic'), version: p('version'), event_id: p('eventId'), type: p('type'), data: p('data'), created_at: p('now') }),
);

/** Inside the caller's transaction: each message gets its topic's next version and is stored. Answers what was stored. */
export async function appendMessages(trx: Db, eventId: string, type: string, messages: readonly TopicMessage[], now: number): Promise<StoredMessage[]> {
  const stored: StoredMessage[] = [];
  // Topics in one order, so two writers of the same topics lock them in the same order.
  for (const m of [...messages].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))) {
    const { rows } = await bumpTopic.execute(trx, { topic: m.topic, now });
    const version = Number(rows[0].version);
    await insertMessage.execute(trx, { topic: m.topic, version, eventId, type, data: JSON.stringify(m.data), now });
    stored.push({ topic: m.topic, version, type, data: m.data });
  }
  return stored;
}

/**
 * PostgreSQL: the topic's next version, the message and its notification in one statement (one
 * round trip in the writing transaction instead of three); pg_notify is delivered at commit.
 */
const appendAndNotify = prepared<{ topic: string; now: number; eventId: string; type: string; data: string; channel: string }, { version: number }>((_db, p) => ({
  compile: () =>
    sql<{ version: number }>`with t as (
        insert into realtime_topics (topic, version, updated_at) values (${p('topic')}, 1, cast(${p('now')} as bigint))
        on conflict (topic) do update set version = realtime_topics.version + 1, updated_at = excluded.updated_at
        returning topic, version
      ), m as (
        insert into realtime_messages (topic, version, event_id, type, data, created_at)
        select t.topic, t.version, cast(${p('eventId')} as text), cast(${p('type')} as text), cast(${p('data')} as text), cast(${p('now')} as bigint) from t
        returning topic, version
      )
      select m.version, pg_notify(cast(${p('channel')} as text), m.topic || ' ' || m.version) from m`.compile(_db),
}));

/** appendMessages() and the bus's notification, for PostgreSQL: one statement per message. */
export async function appendMessagesNotifying(trx: Db, channel: string, eventId: string, type: string, messages: readonly TopicMessage[], now: number): Promise<StoredMessage[]> {
  const stored: StoredMessage[] = [];
  for (const m of [...messages].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))) {
    const { rows } = await appendAndNotify.execute(trx, { topic: m.topic, now, eventId, type, data: JSON.stringify(m.data), channel });
    stored.push({ topic: m.topic, version: Number(rows[0].version), type, data: m.data });
  }
  return stored;
}

const selectVersion = prepared<{ topic: string }, { version: number }>((db, p) => db.selectFrom('realtime_topics').select('version').where('topic', '=', p('topic')));

/** The topic's current version (0 before its first message). */
export async function topicVersion(db: Db, topic: string): Promise<number> {
  const { rows } = await selectVersion.execute(db, { topic });
  return rows[0] ? Number(rows[0].version) : 0;
}

const selectAfter = prepared<{ topic: string; after: number; limit: number }, { version: number; type: string; data: string }>((db, p) =>
  db
    .selectFrom('realtime_messages')
    .select(['version', 'type', 'data'])
    .where('topic', '=', p('topic'))
    .where('version', '>', p('after'))
    .orderBy('version')
    .limit(p('limit')),
);

/** The topic's messages after `after`, oldest first, at most `limit`. */
export async function messagesAfter(db: Db, topic: string, after: number, limit: number): Promise<StoredMessage[]> {
  const { rows } = await selectAfter.execute(db, { topic, after, limit });
  return rows.map((r) => ({ topic, version: Number(r.version), type: r.type, data: JSON.parse(r.data) as unknown }));
}

/** Deletes messages older than the retention; answers how many. */
export async function pruneMessages(db: Db, now: number, retentionMs = MESSAGE_RETENTION_MS): Promise<number> {
  const r = await db.deleteFrom('realtime_messages').where('created_at', '<', now - retentionMs).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}
