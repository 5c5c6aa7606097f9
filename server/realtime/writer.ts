import { sql } from 'kysely';
import { prepared } from '../db/prepared';
import { afterCommit } from '../db/transaction';
import type { EventWriter } from '../infra/outbox';
import { userNoticePayload, type RealtimeBus } from './bus';
import { projectEvent, REALTIME_EVENT_TYPES, userNoticesOf } from './projection';
import { appendMessages, appendMessagesNotifying } from './store';

/** PostgreSQL: a notification sent at commit (never on rollback) to every node listening. */
const notify = prepared<{ channel: string; payload: string }>((db, p) => ({
  compile: () => sql`select pg_notify(cast(${p('channel')} as text), cast(${p('payload')} as text))`.compile(db),
}));

/**
 * Turns events into realtime messages inside the transaction that writes the event (the
 * outbox's writers): each message gets its topic's next version and is stored with the change,
 * and the bus is told (pg_notify, sent by PostgreSQL at commit; in process, after the commit).
 * No delivery, no relay pass, nothing to deduplicate: a rolled-back change leaves no message.
 * Events that change what a user may receive (a staff member removed, an account disabled)
 * become user notices on the bus the same way, at commit, with nothing stored.
 */
export function realtimeWriter(bus: RealtimeBus): EventWriter {
  const types = new Set(REALTIME_EVENT_TYPES);
  return {
    accepts: (type) => types.has(type),
    async write(trx, event) {
      const users = userNoticesOf(event);
      if (users.length > 0) {
        if (bus.channel) {
          for (const u of users) await notify.execute(trx, { channel: bus.channel, payload: userNoticePayload(u) });
        } else afterCommit(trx, () => bus.committed([], users));
      }
      const messages = projectEvent(event);
      if (messages.length === 0) return;
      if (bus.channel) {
        // PostgreSQL: stored and notified in one statement per message.
        await appendMessagesNotifying(trx, bus.channel, event.id, event.type, messages, event.createdAt);
        return;
      }
      const stored = await appendMessages(trx, event.id, event.type, messages, event.createdAt);
      const notices = stored.map((m) => ({ topic: m.topic, version: m.version }));
      afterCommit(trx, () => bus.committed(notices));
    },
  };
}
