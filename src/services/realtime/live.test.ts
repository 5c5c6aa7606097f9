// A test may load the contract at run time (zod is fine in jest): the hand-written readers are compared with the server's schemas.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import * as contract from '@contract/live';
import type { HostLiveSession, LiveSession, LiveTopicEvent } from '@contract/live';
import { testQueryClient } from '@/test/render';
import { keys } from '../keys';
import { applyCacheOps, opsForTopicEvent, opsForVolatileEvent, resetOpsFor } from './cache-ops';
import { followLiveBoard, liveBoardMerchantOf, onLiveEvent, parseLiveBoardEvent, parseLiveTopicEvent, reduceHostSession, reduceLiveSession, type LiveMarks } from './live';

function liveSession(over: Partial<LiveSession> = {}): LiveSession {
  return {
    id: 'ls_1',
    merchantId: 'm_1',
    merchantName: '小店',
    title: '今晚上新',
    cover: '/img/c.jpg',
    startsAt: 1,
    status: 'live',
    playbackUrl: '/demo.m3u8',
    perShopperLimit: 2,
    pinnedProductId: null,
    lines: [
      { skuId: 'sku_a', productId: 'p_a', title: '外套', specText: '黑 M', image: '/img/a.jpg', price: 9900, originalPrice: 19900, quota: 50, left: 50 },
      { skuId: 'sku_b', productId: 'p_b', title: '围巾', specText: '灰', image: '/img/b.jpg', price: 2900, originalPrice: 5900, quota: 20, left: 20 },
    ],
    viewers: 0,
    likes: 0,
    startedAt: 1,
    endedAt: null,
    mine: null,
    wechatRoomId: null,
    ...over,
  };
}

const samples: { type: string; data: Record<string, unknown> }[] = [
  { type: 'live.status', data: { sessionId: 'ls_1', status: 'paused', at: 10 } },
  { type: 'live.pinned', data: { sessionId: 'ls_1', productId: 'p_b', at: 10 } },
  { type: 'live.pinned', data: { sessionId: 'ls_1', productId: null, at: 10 } },
  { type: 'live.lines', data: { sessionId: 'ls_1', lines: [{ skuId: 'sku_a', price: 8900, quota: 60, left: 7 }], at: 10 } },
  { type: 'live.bought', data: { sessionId: 'ls_1', buyer: '张*', title: '外套', quantity: 2, at: 10 } },
  { type: 'live.stats', data: { sessionId: 'ls_1', viewers: 1200, likes: 30, at: 10 } },
  // Malformed or unknown: the schema refuses, and so does the reader.
  { type: 'live.status', data: { sessionId: 'ls_1', status: 'gone', at: 10 } },
  { type: 'live.lines', data: { sessionId: 'ls_1', lines: [{ skuId: 'sku_a', price: -1, quota: 1, left: 1 }], at: 10 } },
  { type: 'live.stats', data: { sessionId: 'ls_1', viewers: 1.5, likes: 0, at: 10 } },
  { type: 'live.bought', data: { sessionId: 'ls_1', buyer: '张*', title: '外套', quantity: 0, at: 10 } },
  { type: 'live.pinned', data: { sessionId: 'bad id!', productId: null, at: 10 } },
  { type: 'live.stats', data: { sessionId: 'ls_1', viewers: 1, likes: 1 } },
  { type: 'live.confetti', data: { sessionId: 'ls_1', at: 10 } },
];

describe('reading live events', () => {
  test.each(samples)('agrees with contract/live.ts: $type $data', ({ type, data }) => {
    const schema = contract.liveTopicEvent.safeParse({ type, data });
    expect(parseLiveTopicEvent(type, data)).toEqual(schema.success ? schema.data : null);
  });

  test('the board event agrees with liveBoardEvent', () => {
    const good = { sessionId: 'ls_1', board: { orders: 3, paidOrders: 2, gmv: 19800, viewers: 40, likes: 5, lines: [{ skuId: 'sku_a', quota: 50, sold: 3, paid: 2, left: 47, gmv: 19800 }] }, at: 9 };
    const bad = { ...good, board: { ...good.board, gmv: -1 } };
    expect(parseLiveBoardEvent(good)).toEqual(contract.liveBoardEvent.parse(good));
    expect(parseLiveBoardEvent(bad)).toBeNull();
    expect(contract.liveBoardEvent.safeParse(bad).success).toBe(false);
  });
});

const ev = (type: string, data: Record<string, unknown>) => parseLiveTopicEvent(type, { sessionId: 'ls_1', ...data }) as LiveTopicEvent;

describe('the session reducer', () => {
  test('status and pinned product are written; the latest at wins', () => {
    const marks: LiveMarks = {};
    let s = liveSession();
    s = reduceLiveSession(s, ev('live.pinned', { productId: 'p_a', at: 5 }), marks).session;
    s = reduceLiveSession(s, ev('live.pinned', { productId: 'p_b', at: 3 }), marks).session;
    expect(s.pinnedProductId).toBe('p_a');
    s = reduceLiveSession(s, ev('live.status', { status: 'paused', at: 6 }), marks).session;
    expect(s.status).toBe('paused');
    s = reduceLiveSession(s, ev('live.pinned', { productId: null, at: 7 }), marks).session;
    expect(s.pinnedProductId).toBeNull();
  });

  test('lines: price, quota and left per SKU, each SKU by its own latest at; an unknown SKU asks for a refetch', () => {
    const marks: LiveMarks = {};
    const s0 = liveSession();
    const r1 = reduceLiveSession(s0, ev('live.lines', { lines: [{ skuId: 'sku_a', price: 8900, quota: 50, left: 10 }], at: 20 }), marks);
    const r2 = reduceLiveSession(r1.session, ev('live.lines', { lines: [{ skuId: 'sku_a', price: 8900, quota: 50, left: 30 }, { skuId: 'sku_b', price: 2900, quota: 20, left: 4 }], at: 15 }), marks);
    expect(r2.session.lines.map((l) => [l.skuId, l.price, l.left])).toEqual([
      ['sku_a', 8900, 10],
      ['sku_b', 2900, 4],
    ]);
    expect(r2.unknownLines).toBe(false);
    expect(s0.lines[0].left).toBe(50); // pure
    const r3 = reduceLiveSession(r2.session, ev('live.lines', { lines: [{ skuId: 'sku_new', price: 100, quota: 1, left: 1 }], at: 30 }), marks);
    expect(r3.unknownLines).toBe(true);
    expect(r3.session).toBe(r2.session);
  });

  test('stats: viewers and likes, latest at wins; bought changes nothing cached', () => {
    const marks: LiveMarks = {};
    let s = reduceLiveSession(liveSession(), ev('live.stats', { viewers: 100, likes: 9, at: 8 }), marks).session;
    s = reduceLiveSession(s, ev('live.stats', { viewers: 90, likes: 8, at: 7 }), marks).session;
    expect([s.viewers, s.likes]).toEqual([100, 9]);
    const same = reduceLiveSession(s, ev('live.bought', { buyer: '李*', title: '外套', quantity: 1, at: 9 }), marks).session;
    expect(same).toBe(s);
  });

  test('the host board: figures and each line\'s counts, latest at wins', () => {
    const host = { ...liveSession(), mine: undefined, hostStaffId: null, timeline: [], wechatPushedAt: null, lines: liveSession().lines.map((l) => ({ ...l, sold: 0, paid: 0, gmv: 0, returned: 0 })), board: { orders: 0, paidOrders: 0, gmv: 0, viewers: 0, likes: 0, lines: [] } } as unknown as HostLiveSession;
    const marks: LiveMarks = {};
    const board = { orders: 3, paidOrders: 2, gmv: 17800, viewers: 50, likes: 4, lines: [{ skuId: 'sku_a', quota: 50, sold: 3, paid: 2, left: 47, gmv: 17800 }] };
    const next = reduceHostSession(host, { sessionId: 'ls_1', board, at: 5 }, marks);
    expect(next.board).toEqual(board);
    expect(next.lines[0]).toMatchObject({ sold: 3, paid: 2, left: 47, gmv: 17800 });
    expect(next.lines[1]).toEqual(host.lines[1]);
    expect(reduceHostSession(next, { sessionId: 'ls_1', board: { ...board, orders: 1 }, at: 4 }, marks)).toBe(next);
  });
});

describe('live cache operations', () => {
  test('durable and volatile events write the cached session and reach the listeners; a reset refetches the session', () => {
    const qc = testQueryClient();
    qc.setQueryData(keys.live.session('ls_1'), liveSession());
    const heard: string[] = [];
    const off = onLiveEvent('ls_1', (e) => heard.push(e.type));
    applyCacheOps(qc, opsForTopicEvent('live:ls_1', 'live.pinned', { sessionId: 'ls_1', productId: 'p_b', at: 1 }));
    applyCacheOps(qc, opsForVolatileEvent('live:ls_1', 'live.lines', { sessionId: 'ls_1', lines: [{ skuId: 'sku_b', price: 2900, quota: 20, left: 0 }], at: 2 }));
    applyCacheOps(qc, opsForVolatileEvent('live:ls_1', 'live.stats', { sessionId: 'ls_1', viewers: 7, likes: 1, at: 2 }));
    // Another session's event, and an unknown type: nothing.
    applyCacheOps(qc, opsForVolatileEvent('live:ls_1', 'live.stats', { sessionId: 'ls_2', viewers: 9, likes: 9, at: 3 }));
    applyCacheOps(qc, opsForVolatileEvent('live:ls_1', 'live.fireworks', { sessionId: 'ls_1', at: 3 }));
    const s = qc.getQueryData<LiveSession>(keys.live.session('ls_1'))!;
    expect(s.pinnedProductId).toBe('p_b');
    expect(s.lines[1].left).toBe(0);
    expect([s.viewers, s.likes]).toEqual([7, 1]);
    expect(heard).toEqual(['live.pinned', 'live.lines', 'live.stats']);
    expect(resetOpsFor('live:ls_1')).toEqual([{ kind: 'invalidate', queryKey: keys.live.session('ls_1') }]);
    off();
  });

  test('live.board and live.stats on the board topic write the host session of the merchant that follows it; nothing when not followed', () => {
    const qc = testQueryClient();
    const host = { id: 'ls_1', lines: [{ skuId: 'sku_a', quota: 50, sold: 0, paid: 0, left: 50, gmv: 0 }], board: { orders: 0, paidOrders: 0, gmv: 0, viewers: 0, likes: 0, lines: [] }, viewers: 0, likes: 0 };
    qc.setQueryData(keys.merchant.liveSession('m_1', 'ls_1'), host);
    const board = { orders: 1, paidOrders: 1, gmv: 9900, viewers: 3, likes: 0, lines: [{ skuId: 'sku_a', quota: 50, sold: 1, paid: 1, left: 49, gmv: 9900 }] };
    // Nobody follows the board yet: the merchant is unknown, nothing is written or refetched.
    expect(opsForVolatileEvent('liveboard:ls_1', 'live.board', { sessionId: 'ls_1', board, at: 1 })).toEqual([]);
    expect(resetOpsFor('liveboard:ls_1')).toEqual([]);

    const forget = followLiveBoard('m_1', 'ls_1');
    const again = followLiveBoard('m_1', 'ls_1');
    expect(liveBoardMerchantOf('ls_1')).toBe('m_1');
    applyCacheOps(qc, opsForVolatileEvent('liveboard:ls_1', 'live.board', { sessionId: 'ls_1', board, at: 2 }));
    // Another session's board on this topic, an older board, an unknown type, malformed data: nothing.
    expect(opsForVolatileEvent('liveboard:ls_1', 'live.board', { sessionId: 'ls_9', board, at: 3 })).toEqual([]);
    applyCacheOps(qc, opsForVolatileEvent('liveboard:ls_1', 'live.board', { sessionId: 'ls_1', board: { ...board, orders: 0 }, at: 1 }));
    expect(opsForVolatileEvent('liveboard:ls_1', 'live.pinned', { sessionId: 'ls_1', productId: null, at: 3 })).toEqual([]);
    expect(opsForVolatileEvent('liveboard:ls_1', 'live.board', { sessionId: 'ls_1', board: { ...board, gmv: -1 }, at: 3 })).toEqual([]);
    const got = qc.getQueryData<HostLiveSession>(keys.merchant.liveSession('m_1', 'ls_1'))!;
    expect(got.board).toEqual(board);
    expect(got.lines[0]).toMatchObject({ sold: 1, left: 49 });
    expect([got.viewers, got.likes]).toEqual([3, 0]);
    // A (re)subscription or reset refetches the host session, and only it.
    expect(resetOpsFor('liveboard:ls_1')).toEqual([{ kind: 'invalidate', queryKey: keys.merchant.liveSession('m_1', 'ls_1') }]);
    // The board's events are never the user's: a versioned frame on it does nothing else.
    expect(opsForTopicEvent('liveboard:ls_1', 'order.shipped', { orderId: 'o_1', status: 'shipped' })).toEqual([]);

    // Viewers and likes between boards: live.stats on the board topic, latest at wins; a board
    // older than them still brings its counts but not its viewers.
    applyCacheOps(qc, opsForVolatileEvent('liveboard:ls_1', 'live.stats', { sessionId: 'ls_1', viewers: 40, likes: 7, at: 6 }));
    let now = qc.getQueryData<HostLiveSession>(keys.merchant.liveSession('m_1', 'ls_1'))!;
    expect([now.viewers, now.likes, now.board.viewers, now.board.likes]).toEqual([40, 7, 40, 7]);
    applyCacheOps(qc, opsForVolatileEvent('liveboard:ls_1', 'live.stats', { sessionId: 'ls_1', viewers: 1, likes: 1, at: 5 }));
    applyCacheOps(qc, opsForVolatileEvent('liveboard:ls_1', 'live.board', { sessionId: 'ls_1', board: { ...board, orders: 2, viewers: 3 }, at: 5 }));
    now = qc.getQueryData<HostLiveSession>(keys.merchant.liveSession('m_1', 'ls_1'))!;
    expect([now.board.orders, now.viewers, now.board.viewers, now.likes]).toEqual([2, 40, 40, 7]);
    expect(opsForVolatileEvent('liveboard:ls_1', 'live.stats', { sessionId: 'ls_9', viewers: 1, likes: 1, at: 9 })).toEqual([]);
    expect(opsForVolatileEvent('liveboard:ls_1', 'live.stats', { sessionId: 'ls_1', viewers: -1, likes: 1, at: 9 })).toEqual([]);

    // Forgotten once the last follower goes.
    forget();
    forget();
    expect(liveBoardMerchantOf('ls_1')).toBe('m_1');
    again();
    expect(liveBoardMerchantOf('ls_1')).toBeNull();
    expect(opsForVolatileEvent('liveboard:ls_1', 'live.board', { sessionId: 'ls_1', board, at: 4 })).toEqual([]);
    // The merchant's topic carries no board any more.
    expect(opsForVolatileEvent('merchant:m_1', 'live.board', { sessionId: 'ls_1', board, at: 5 })).toEqual([]);
  });
});
