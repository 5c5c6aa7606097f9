import { testDb, testDialect, type TestDb } from '../test/db';
import { asciiJson, MAX_PARTS, nodeVolatile, NOTIFY_PAYLOAD_LIMIT, notifyParts, partAssembler, postgresVolatileTransport, type VolatileEvent, type VolatileHub, type VolatileTransport } from './volatile';

/**
 * The volatile channel (server/realtime/volatile.ts): local delivery, the other nodes' copies
 * through a transport (their own echoes dropped), subscriber counts announced and expired, and
 * PostgreSQL NOTIFY's 8000-byte payloads split and put back together.
 */
const log = { warn: () => undefined, error: () => undefined };

/** A hub standing for a node's: records deliveries, counts what the test says. */
function recordingHub(counts: Record<string, number> = {}): VolatileHub & { got: VolatileEvent[]; counts: Record<string, number> } {
  const got: VolatileEvent[] = [];
  return {
    got,
    counts,
    deliver: (e) => void got.push(e),
    count: (topic) => counts[topic] ?? 0,
    liveCounts: () => new Map(Object.entries(counts).filter(([t, n]) => t.startsWith('live:') && n > 0)),
  };
}

/** Transports joined in memory, delivering to every one of them (the sender's own included, as NOTIFY does). */
function loopback(): () => VolatileTransport & { resync(): void } {
  const all = new Set<{ message(text: string): void; resync(): void }>();
  return () => {
    let mine: { message(text: string): void; resync(): void } | null = null;
    return {
      kind: 'loopback',
      send(text) {
        for (const h of all) h.message(text);
        return true;
      },
      async start(h) {
        mine = h;
        all.add(h);
      },
      async stop() {
        if (mine) all.delete(mine);
      },
      resync() {
        mine?.resync();
      },
    };
  };
}

describe('nodeVolatile', () => {
  it('delivers a publish to the local hub at once and to the other nodes once (no echo)', async () => {
    const join = loopback();
    const ta = join();
    const a = nodeVolatile({ transport: ta, log });
    const b = nodeVolatile({ transport: join(), log });
    const ha = recordingHub();
    const hb = recordingHub();
    a.attach(ha);
    b.attach(hb);
    await a.start();
    await b.start();
    a.publish('live:s1', 'live.stats', { viewers: 3 });
    expect(ha.got).toEqual([{ topic: 'live:s1', type: 'live.stats', data: { viewers: 3 } }]);
    expect(hb.got).toEqual([{ topic: 'live:s1', type: 'live.stats', data: { viewers: 3 } }]);

    const heard: unknown[] = [];
    const off = b.onBroadcast('live.sold_out', (d) => heard.push(['b', d]));
    a.onBroadcast('live.sold_out', (d) => heard.push(['a', d]));
    a.broadcast('live.sold_out', { skuId: 'k1' });
    expect(heard).toEqual([
      ['a', { skuId: 'k1' }],
      ['b', { skuId: 'k1' }],
    ]);
    off();
    b.broadcast('live.sold_out', { skuId: 'k2' });
    expect(heard).toHaveLength(4 - 1);

    const resyncs: string[] = [];
    a.onResync(() => resyncs.push('a'));
    ta.resync();
    expect(resyncs).toEqual(['a']);
    await a.stop();
    await b.stop();
  });

  it('counts subscribers across nodes from their announcements, which expire', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const join = loopback();
    const a = nodeVolatile({ transport: join(), log, now, announceMs: 60_000 });
    const b = nodeVolatile({ transport: join(), log, now, announceMs: 20 });
    const ha = recordingHub({ 'live:s1': 2 });
    const hb = recordingHub({ 'live:s1': 5, 'live:s2': 1, 'user:u1': 1 });
    a.attach(ha);
    b.attach(hb);
    await a.start();
    await b.start();
    expect(a.subscribers('live:s1')).toBe(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(a.subscribers('live:s1')).toBe(7);
    expect(a.subscribers('live:s2')).toBe(1);
    // Only live topics are announced.
    expect(a.subscribers('user:u1')).toBe(0);
    // B's last topic goes: its empty announcement clears its counts at once.
    hb.counts['live:s1'] = 0;
    hb.counts['live:s2'] = 0;
    await new Promise((r) => setTimeout(r, 60));
    expect(a.subscribers('live:s1')).toBe(2);
    // B comes back, then falls silent: its counts expire after 3 s.
    hb.counts['live:s1'] = 4;
    await new Promise((r) => setTimeout(r, 60));
    expect(a.subscribers('live:s1')).toBe(6);
    await b.stop();
    clock += 2500;
    expect(a.subscribers('live:s1')).toBe(6);
    clock += 1000;
    expect(a.subscribers('live:s1')).toBe(2);
    await a.stop();
  });

  it('without a transport (SQLite, one process) everything stays in process', () => {
    const v = nodeVolatile();
    const h = recordingHub({ 'live:x': 1 });
    v.publish('live:x', 't', {}); // no hub yet: nobody can be subscribed
    v.attach(h);
    v.publish('live:x', 't', { a: 1 });
    expect(h.got).toEqual([{ topic: 'live:x', type: 't', data: { a: 1 } }]);
    expect(v.subscribers('live:x')).toBe(1);
    expect(v.dropped).toBe(0);
  });
});

describe('NOTIFY payloads', () => {
  it('escape to ASCII, split below 8000 bytes and come back together in order', () => {
    const data = { buyer: '张*', lines: Array.from({ length: 400 }, (_, i) => ({ skuId: `sku_${i}`, title: `直播专享价 第${i}件`, left: i })) };
    const text = JSON.stringify({ n: 'x', k: 'e', t: 'live:s', y: 'live.lines', d: data });
    expect(JSON.parse(asciiJson(text))).toEqual(JSON.parse(text));
    const parts = notifyParts('node1', 7, text)!;
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Buffer.byteLength(p, 'utf8')).toBeLessThan(NOTIFY_PAYLOAD_LIMIT);
    const asm = partAssembler();
    const other = notifyParts('node2', 1, JSON.stringify({ k: 'c' }))!;
    expect(parts.slice(0, -1).map((p) => asm.add(p))).toEqual(parts.slice(0, -1).map(() => null));
    // Another sender's whole message between the parts.
    expect(asm.add(other[0])).toBe(asciiJson(JSON.stringify({ k: 'c' })));
    expect(JSON.parse(asm.add(parts[parts.length - 1])!)).toEqual(JSON.parse(text));
    expect(asm.pending).toBe(0);
  });

  it('refuse a message beyond the parts allowed; incomplete messages expire', () => {
    expect(notifyParts('n', 1, 'x'.repeat(7800 * MAX_PARTS + 1))).toBeNull();
    let clock = 0;
    const asm = partAssembler({ expireMs: 1000, now: () => clock });
    const parts = notifyParts('n', 2, 'y'.repeat(10_000))!;
    asm.add(parts[0]);
    expect(asm.pending).toBe(1);
    clock = 2000;
    asm.add(notifyParts('n', 3, 'z'.repeat(10_000))![0]);
    expect(asm.pending).toBe(1);
    expect(asm.add('not a part')).toBeNull();
  });
});

const onPostgres = testDialect() === 'postgres';
(onPostgres ? describe : describe.skip)('PostgreSQL transport', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await testDb();
  });
  afterAll(async () => {
    await tdb.destroy();
  });

  it('carries a publish to the other node through NOTIFY, a large one in parts', async () => {
    const a = nodeVolatile({ transport: postgresVolatileTransport(tdb.db, log), log });
    const b = nodeVolatile({ transport: postgresVolatileTransport(tdb.db, log), log });
    const ha = recordingHub();
    const hb = recordingHub();
    a.attach(ha);
    b.attach(hb);
    await a.start();
    await b.start();
    try {
      const big = { lines: Array.from({ length: 300 }, (_, i) => ({ skuId: `sku_${i}`, title: `直播价${i}` })) };
      a.publish('live:pg', 'live.stats', { viewers: 1 });
      a.publish('live:pg', 'live.lines', big);
      const deadline = Date.now() + 3000;
      while (hb.got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(hb.got).toEqual([
        { topic: 'live:pg', type: 'live.stats', data: { viewers: 1 } },
        { topic: 'live:pg', type: 'live.lines', data: big },
      ]);
      // A's own echo is not delivered twice.
      await new Promise((r) => setTimeout(r, 100));
      expect(ha.got).toHaveLength(2);
      expect(a.dropped).toBe(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
