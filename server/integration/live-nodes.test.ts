import { testNodes, type TestNodes } from '../test/app';
import { testDialect } from '../test/db';
import { openSocket, realtimeUrl, type TestSocket } from '../realtime/testing';

/**
 * Live rooms across two API nodes on one PostgreSQL database (docs/realtime.md, "Volatile
 * events"; decision 0036): a volatile event published on node A reaches a guest following the
 * room on node B (NOTIFY on the volatile channel, after no commit and with no row), node A's
 * broadcasts reach node B's listeners, and each node counts the room's subscribers on both from
 * the counts the nodes announce every second. SQLite is one process: its channel is in process
 * (server/realtime/live-topic.test.ts).
 */
const onPostgres = testDialect() === 'postgres';
const describeOnPostgres = onPostgres ? describe : describe.skip;

const BOUND_MS = 3000;

async function guestOn(base: string, topic: string): Promise<TestSocket> {
  const s = await openSocket(realtimeUrl(base));
  s.send({ op: 'auth', guest: true });
  await s.next((f) => f.op === 'ready');
  s.send({ op: 'sub', topic });
  await s.next((f) => f.op === 'subscribed');
  return s;
}

async function until(check: () => boolean, ms = BOUND_MS): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('not within the bound');
    await new Promise((r) => setTimeout(r, 25));
  }
}

let t: TestNodes;
describeOnPostgres('live rooms across two API nodes on one PostgreSQL', () => {
  beforeAll(async () => {
    t = await testNodes();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a volatile publish on node A reaches guests on both nodes; subscribers() counts both nodes', async () => {
    const [a, b] = t.nodes;
    const topic = 'live:ls_nodes';
    const onA = await guestOn(a.base, topic);
    const onB1 = await guestOn(b.base, topic);
    const onB2 = await guestOn(b.base, topic);
    const elsewhere = await guestOn(b.base, 'live:ls_other');

    const data = { sessionId: 'ls_nodes', lines: [{ skuId: 'sku_1', price: 9900, quota: 50, left: 12 }], at: Date.now() };
    const sentAt = Date.now();
    a.app.realtime.volatile.publish(topic, 'live.lines', data);
    const frame = { op: 'event', topic, type: 'live.lines', data, volatile: true };
    expect(await onA.next((f) => f.op === 'event')).toEqual(frame);
    expect(await onB1.next((f) => f.op === 'event', BOUND_MS)).toEqual(frame);
    expect(await onB2.next((f) => f.op === 'event', BOUND_MS)).toEqual(frame);
    expect(Date.now() - sentAt).toBeLessThan(BOUND_MS);

    // Each node counts its own at once and the other's from its announcement (every second).
    expect(a.app.realtime.volatile.subscribers(topic)).toBeGreaterThanOrEqual(1);
    await until(() => a.app.realtime.volatile.subscribers(topic) === 3 && b.app.realtime.volatile.subscribers(topic) === 3);
    expect(a.app.realtime.volatile.subscribers('live:ls_other')).toBe(1);

    // A broadcast from B reaches A's listeners (and B's own).
    const heard: string[] = [];
    const offA = a.app.realtime.volatile.onBroadcast('live.sold_out', (d) => heard.push(`a ${JSON.stringify(d)}`));
    const offB = b.app.realtime.volatile.onBroadcast('live.sold_out', (d) => heard.push(`b ${JSON.stringify(d)}`));
    b.app.realtime.volatile.broadcast('live.sold_out', { skuId: 'sku_1' });
    await until(() => heard.length === 2);
    expect(heard.sort()).toEqual(['a {"skuId":"sku_1"}', 'b {"skuId":"sku_1"}']);
    offA();
    offB();

    // Viewers leave B: A's count follows within the announcement's period.
    onB1.close();
    onB2.close();
    await until(() => a.app.realtime.volatile.subscribers(topic) === 1);
    expect(elsewhere.frames.filter((f) => f.op === 'event')).toEqual([]);
    onA.close();
    elsewhere.close();
  }, 30_000);
});
