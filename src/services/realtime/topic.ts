import { type CacheOp, opsForTopicEvent, resetOpsFor } from './cache-ops';
import type { EventFrame } from './protocol';

/**
 * One topic's versions on the client, and the pure reducer that turns the server's frames for
 * it into cache operations. Versions are applied in order, each once:
 *
 * - an event at the next version is applied (then any held events that follow it);
 * - an event at a version already applied is a duplicate (a replay overlapping what arrived
 *   live) and is dropped;
 * - an event ahead of a missing version is held while the subscription is being set up (the
 *   replay may still bring the missing one); once the subscription is live a gap cannot fill
 *   (the server sends each version in order), so it is treated like a reset: refetch
 *   everything the topic covers, then apply the event;
 * - `subscribed` says every event up to its version was sent: a gap still open, or a version
 *   the client never saw (the first subscription of this run, or a server that forgot versions),
 *   is a reset at that version;
 * - `reset` refetches everything and takes the version.
 */
export interface TopicState {
  topic: string;
  /** Last applied version; 0 when none is known yet (nothing to resume from). */
  version: number;
  /** The server confirmed the subscription on the current connection. */
  live: boolean;
  /** Events that arrived ahead of a missing version, ascending. */
  held: EventFrame[];
}

export interface Step {
  state: TopicState;
  ops: CacheOp[];
}

export function initialTopic(topic: string): TopicState {
  return { topic, version: 0, live: false, held: [] };
}

/** A new `sub` was sent for the topic (connect, reconnect, coming back): not live until confirmed. */
export function subscribing(state: TopicState): TopicState {
  return { ...state, live: false, held: [] };
}

/** The connection closed: the subscription ended with it (the version is kept for the next one). */
export function unsubscribed(state: TopicState): TopicState {
  return { ...state, live: false, held: [] };
}

function applyRun(topic: string, version: number, held: EventFrame[], ops: CacheOp[]): { version: number; held: EventFrame[] } {
  let v = version;
  let rest = held;
  while (rest.length > 0 && rest[0].version <= v + 1) {
    const next = rest[0];
    rest = rest.slice(1);
    if (next.version === v + 1) {
      ops.push(...opsForTopicEvent(topic, next.type, next.data));
      v = next.version;
    }
  }
  return { version: v, held: rest };
}

export function onEvent(state: TopicState, frame: EventFrame): Step {
  if (frame.topic !== state.topic || frame.version <= state.version) return { state, ops: [] };
  if (frame.version === state.version + 1) {
    const ops = opsForTopicEvent(state.topic, frame.type, frame.data);
    const run = applyRun(state.topic, frame.version, state.held, ops);
    return { state: { ...state, version: run.version, held: run.held }, ops };
  }
  if (!state.live) {
    if (state.held.some((e) => e.version === frame.version)) return { state, ops: [] };
    const held = [...state.held, frame].sort((a, b) => a.version - b.version);
    return { state: { ...state, held }, ops: [] };
  }
  // Live and a version is missing: it will not come; refetch instead.
  return { state: { ...state, version: frame.version, held: [] }, ops: [...resetOpsFor(state.topic), ...opsForTopicEvent(state.topic, frame.type, frame.data)] };
}

/**
 * A topic with volatile events (a live room, a host's board): whatever was pushed while not
 * subscribed is gone, so every `subscribed` refetches what it covers.
 */
function refetchesAtSubscribed(topic: string): boolean {
  return topic.startsWith('live:') || topic.startsWith('liveboard:');
}

export function onSubscribed(state: TopicState, version: number): Step {
  const step = onSubscribedVersions(state, version);
  if (step.ops.length === 0 && refetchesAtSubscribed(state.topic)) return { state: step.state, ops: resetOpsFor(state.topic) };
  return step;
}

function onSubscribedVersions(state: TopicState, version: number): Step {
  if (state.held.length > 0) {
    // Every event up to `version` was sent, and one before a held event never came.
    const ops = resetOpsFor(state.topic);
    for (const e of state.held) ops.push(...opsForTopicEvent(state.topic, e.type, e.data));
    const last = state.held[state.held.length - 1].version;
    return { state: { ...state, version: Math.max(version, last), live: true, held: [] }, ops };
  }
  if (version !== state.version) {
    // Ahead: events this client never applied (its first subscription, when it had none to
    // resume from, or the replay fell short). Behind: the server's numbering is not the one the
    // client knew. Either way the cache may miss changes.
    return { state: { ...state, version, live: true }, ops: resetOpsFor(state.topic) };
  }
  return { state: { ...state, live: true }, ops: [] };
}

export function onReset(state: TopicState, version: number): Step {
  return { state: { ...state, version, live: true, held: [] }, ops: resetOpsFor(state.topic) };
}
