import { resetOps } from './cache-ops';
import type { EventFrame } from './protocol';
import { initialTopic, onEvent, onReset, onSubscribed, subscribing, type TopicState, unsubscribed } from './topic';

const TOPIC = 'user:u_1';
const ev = (version: number, orderId = `o_${version}`, topic = TOPIC): EventFrame => ({
  op: 'event',
  topic,
  version,
  type: 'order.shipped',
  data: { orderId, parentId: 'po_1', status: 'shipped' },
});
/** The order ids whose status the step writes, in order. */
const written = (ops: ReturnType<typeof onEvent>['ops']) => ops.flatMap((o) => (o.kind === 'orderStatus' ? [o.orderId] : []));
const isReset = (ops: ReturnType<typeof onEvent>['ops']) => resetOps().every((r) => ops.some((o) => JSON.stringify(o) === JSON.stringify(r)));

/** Runs frames through the reducer from `state`, collecting the written order ids. */
function run(state: TopicState, frames: ({ sub: number } | { reset: number } | EventFrame)[]) {
  let s = state;
  const ops: ReturnType<typeof onEvent>['ops'] = [];
  for (const f of frames) {
    const step = 'sub' in f ? onSubscribed(s, f.sub) : 'reset' in f ? onReset(s, f.reset) : onEvent(s, f);
    s = step.state;
    ops.push(...step.ops);
  }
  return { state: s, ops, written: written(ops) };
}

const live = (version: number): TopicState => ({ ...initialTopic(TOPIC), version, live: true });

describe('a topic applies versions in order, each once', () => {
  test('the next version is applied and taken', () => {
    const r = run(live(4), [ev(5), ev(6)]);
    expect(r.written).toEqual(['o_5', 'o_6']);
    expect(r.state.version).toBe(6);
  });

  test('a version already applied (a replay overlapping live events) is dropped', () => {
    const r = run(live(6), [ev(5), ev(6), ev(7), ev(7)]);
    expect(r.written).toEqual(['o_7']);
    expect(r.state.version).toBe(7);
  });

  test('another topic is ignored', () => {
    const r = run(live(1), [ev(2, 'o_x', 'user:u_2')]);
    expect(r.ops).toEqual([]);
    expect(r.state.version).toBe(1);
  });

  test('while subscribing, events ahead of a missing version wait for it, then all apply in order', () => {
    const start = subscribing(live(3));
    const r = run(start, [ev(6), ev(5), ev(5), ev(4), { sub: 6 }]);
    expect(r.written).toEqual(['o_4', 'o_5', 'o_6']);
    expect(r.state).toMatchObject({ version: 6, live: true, held: [] });
    expect(isReset(r.ops)).toBe(false);
  });

  test('subscribed with a version still missing: the held events apply after a reset of the topic', () => {
    const r = run(subscribing(live(3)), [ev(5), ev(6), { sub: 6 }]);
    expect(isReset(r.ops)).toBe(true);
    expect(r.written).toEqual(['o_5', 'o_6']);
    expect(r.state).toMatchObject({ version: 6, live: true, held: [] });
  });

  test('live, a gap cannot fill any more: reset the topic, then apply the event', () => {
    const r = run(live(3), [ev(5)]);
    expect(isReset(r.ops)).toBe(true);
    expect(r.written).toEqual(['o_5']);
    expect(r.state.version).toBe(5);
    // ... and later versions go on normally.
    expect(run(r.state, [ev(6)]).written).toEqual(['o_6']);
  });

  test('first subscription (nothing to resume from): the current version is taken and what is cached is refetched', () => {
    const r = run(subscribing(initialTopic(TOPIC)), [{ sub: 12 }]);
    expect(r.state).toMatchObject({ version: 12, live: true });
    expect(isReset(r.ops)).toBe(true);
    // A topic with no messages yet: nothing to refetch.
    expect(run(subscribing(initialTopic(TOPIC)), [{ sub: 0 }]).ops).toEqual([]);
  });

  test('resubscribing from the version it has: replayed events apply, subscribed at that version changes nothing else', () => {
    const r = run(subscribing(live(10)), [ev(11), ev(12), { sub: 12 }]);
    expect(r.written).toEqual(['o_11', 'o_12']);
    expect(isReset(r.ops)).toBe(false);
    expect(r.state).toMatchObject({ version: 12, live: true });
  });

  test('a server whose versions are behind the client (its history was lost) is a reset at its version', () => {
    const r = run(subscribing(live(40)), [{ sub: 3 }]);
    expect(isReset(r.ops)).toBe(true);
    expect(r.state.version).toBe(3);
    expect(run(r.state, [ev(4)]).written).toEqual(['o_4']);
  });

  test('reset: refetch everything the topic covers, take the version, drop what was held', () => {
    const r = run(subscribing(live(2)), [ev(9), { reset: 20 }, ev(20), ev(21)]);
    expect(isReset(r.ops)).toBe(true);
    expect(r.written).toEqual(['o_21']);
    expect(r.state).toMatchObject({ version: 21, live: true, held: [] });
  });

  test('a closed connection ends the subscription but keeps the version to resume from', () => {
    const s = unsubscribed({ ...live(8), held: [ev(10)] });
    expect(s).toMatchObject({ version: 8, live: false, held: [] });
  });
});
