import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import { consumerSink, type Sink } from '../platform/outbox';
import type { Notice, RealtimeBus } from './bus';
import { projectEvent, REALTIME_EVENT_TYPES } from './projection';
import { appendMessages } from './store';

/** Stored in outbox_deliveries.sink and consumed_events.consumer: keep it stable. */
export const REALTIME_SINK = 'realtime';

/**
 * The outbox sink that turns events into realtime messages: in the relay's delivery
 * transaction (deduplicated by event id like every consumer), each message gets its topic's
 * next version and is stored, and the bus is told; the nodes' hubs then send it to their
 * subscribers.
 */
export function realtimeSink(db: Kysely<Database>, bus: RealtimeBus): Sink {
  // What a delivery stored, until its transaction has committed (in-process bus).
  const pending = new Map<string, Notice[]>();
  const base = consumerSink(REALTIME_SINK, REALTIME_EVENT_TYPES, db, async (trx, event) => {
    const stored = await appendMessages(trx, event.id, event.type, projectEvent(event), Date.now());
    const notices = stored.map((m) => ({ topic: m.topic, version: m.version }));
    await bus.announce(trx, notices);
    if (bus.kind === 'in-process') pending.set(event.id, notices);
  });
  return {
    ...base,
    async handle(trx, event) {
      pending.delete(event.id);
      await base.handle!(trx, event);
    },
    async deliver(event) {
      pending.delete(event.id);
      await base.deliver(event);
      this.committed?.(event);
    },
    committed(event) {
      const notices = pending.get(event.id);
      pending.delete(event.id);
      if (notices) bus.committed(notices);
    },
  };
}
