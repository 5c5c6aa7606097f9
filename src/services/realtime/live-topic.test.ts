import type { CacheOp } from './cache-ops';
import { RealtimeClient } from './client';
import { fakeSockets, manualClock } from './test-support';

/**
 * The realtime client and live rooms (docs/realtime.md, "Guests"): nobody signed in and a room
 * followed, a guest connection carries it; a sign-in moves it to the user's connection, a
 * sign-out back to a guest one; volatile frames apply without versions.
 */
function setup(token: string | null = null) {
  const sockets = fakeSockets();
  const applied: CacheOp[][] = [];
  let current = token;
  const client = new RealtimeClient({ openSocket: sockets.openSocket, url: () => 'ws://shop.test/api/realtime', token: () => current, apply: (ops) => applied.push(ops), random: () => 0.5, timers: manualClock() });
  return { client, sockets, applied, signIn: (t: string) => (current = t), signOut: () => (current = null) };
}

const frames = (sent: unknown[]) => sent.map((f) => (typeof f === 'string' ? JSON.parse(f) : f) as Record<string, unknown>);
const kinds = (applied: CacheOp[][]) => applied.flat().map((o) => (o.kind === 'invalidate' ? `invalidate ${JSON.stringify(o.queryKey)}` : o.kind));

describe('realtime client: live rooms', () => {
  test('a guest connection only while guests are enabled, nobody is signed in and a room is followed', () => {
    const t = setup();
    t.client.setExtraTopics(['live:ls_1']);
    expect(t.sockets.connections).toHaveLength(0); // not wired: no guest connection
    t.client.enableGuests();
    const conn = t.sockets.last();
    conn.open();
    expect(conn.sent).toEqual([{ op: 'auth', guest: true }]);
    conn.push({ op: 'ready', userId: null });
    expect(frames(conn.sent).at(-1)).toEqual({ op: 'sub', topic: 'live:ls_1' });
    expect(t.client.status).toBe('subscribing');
    conn.push({ op: 'subscribed', topic: 'live:ls_1', version: 0 });
    expect(t.client.status).toBe('live');
    // Subscribed: the session is refetched (volatile events missed before are gone).
    expect(kinds(t.applied)).toEqual(['invalidate ["live","session","ls_1"]']);

    // A merchant topic is not a guest's: not sent on this connection.
    t.client.setExtraTopics(['live:ls_1', 'merchant:m_1']);
    expect(frames(conn.sent).filter((f) => f.op === 'sub').map((f) => f.topic)).toEqual(['live:ls_1']);

    // The room is left: the guest connection closes.
    t.client.setExtraTopics(['merchant:m_1']);
    expect(conn.closedByClient).not.toBeNull();
    expect(t.client.status).toBe('off');
  });

  test('volatile frames apply on a confirmed subscription, without touching versions; durable ones keep their order', () => {
    const t = setup();
    t.client.enableGuests();
    t.client.setExtraTopics(['live:ls_1']);
    const conn = t.sockets.last();
    conn.open();
    conn.push({ op: 'ready', userId: null });
    // Before subscribed: ignored.
    conn.push({ op: 'event', topic: 'live:ls_1', type: 'live.stats', data: { sessionId: 'ls_1', viewers: 1, likes: 0, at: 1 }, volatile: true });
    expect(t.applied).toEqual([]);
    conn.push({ op: 'subscribed', topic: 'live:ls_1', version: 4 });
    t.applied.length = 0;
    conn.push({ op: 'event', topic: 'live:ls_1', type: 'live.stats', data: { sessionId: 'ls_1', viewers: 2, likes: 0, at: 2 }, volatile: true });
    conn.push({ op: 'event', topic: 'live:ls_1', version: 5, type: 'live.pinned', data: { sessionId: 'ls_1', productId: 'p_1', at: 3 } });
    conn.push({ op: 'event', topic: 'live:ls_1', version: 5, type: 'live.pinned', data: { sessionId: 'ls_1', productId: 'p_1', at: 3 } });
    conn.push({ op: 'event', topic: 'live:ls_1', type: 'live.unknown', data: { sessionId: 'ls_1', at: 4 }, volatile: true });
    expect(t.applied.flat().map((o) => (o.kind === 'liveEvent' ? o.event.type : o.kind))).toEqual(['live.stats', 'live.pinned']);
  });

  test('a sign-in moves the room to the user\'s connection; a sign-out back to a guest one', () => {
    const t = setup();
    t.client.enableGuests();
    t.client.setExtraTopics(['live:ls_1']);
    const guest = t.sockets.last();
    guest.open();
    guest.push({ op: 'ready', userId: null });
    guest.push({ op: 'subscribed', topic: 'live:ls_1', version: 2 });

    t.signIn('tok');
    t.client.stop();
    t.client.start();
    expect(guest.closedByClient).not.toBeNull();
    const user = t.sockets.last();
    expect(user).not.toBe(guest);
    user.open();
    expect(user.sent[0]).toEqual({ op: 'auth', token: 'tok' });
    user.push({ op: 'ready', userId: 'u_1' });
    // The room resumes from the version it had.
    expect(frames(user.sent).filter((f) => f.op === 'sub')).toEqual([{ op: 'sub', topic: 'user:u_1' }, { op: 'sub', topic: 'live:ls_1', version: 2 }]);

    t.signOut();
    t.client.stop();
    expect(user.closedByClient).not.toBeNull();
    const again = t.sockets.last();
    expect(again).not.toBe(user);
    again.open();
    expect(again.sent).toEqual([{ op: 'auth', guest: true }]);
    expect(t.client.status).toBe('authenticating');
  });

  test('a guest connection lost reconnects with backoff; the background closes it and the foreground reopens it', () => {
    const t = setup();
    const clock = manualClock();
    const client = new RealtimeClient({ openSocket: t.sockets.openSocket, url: () => 'ws://x', token: () => null, apply: () => undefined, random: () => 0.5, timers: clock });
    client.enableGuests();
    client.setExtraTopics(['live:ls_1']);
    const first = t.sockets.last();
    first.open();
    first.drop(1006);
    expect(client.status).toBe('waiting');
    clock.advance(60_000);
    const second = t.sockets.last();
    expect(second).not.toBe(first);
    second.open();
    client.pause();
    expect(client.status).toBe('paused');
    expect(second.closedByClient).not.toBeNull();
    client.resume();
    expect(t.sockets.last()).not.toBe(second);
  });
});
