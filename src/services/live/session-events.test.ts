// A test may load the contract at run time (zod is fine in jest): it checks the client's copy of a limit.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { MAX_LIKES_PER_REQUEST as CONTRACT_MAX } from '@contract/live';
import { liveSession } from './test-data';
import { MAX_LIKES_PER_REQUEST } from './likeLiveSession';
import { applyLiveEvent, buyableOf, productsOf, type SeenAt } from './session-events';
import { countdownParts, formatStartTime } from './time';
import { countText } from '@/i18n/live';

describe('live topic events on the cached session', () => {
  it('keeps the newest volatile update (an older `at` is ignored) and the viewer’s own likes', () => {
    const seen: SeenAt = {};
    let s = liveSession();
    s = applyLiveEvent(s, { type: 'live.stats', data: { sessionId: 'ls_1', viewers: 10, likes: 9000, at: 200 } }, seen);
    s = applyLiveEvent(s, { type: 'live.stats', data: { sessionId: 'ls_1', viewers: 5, likes: 8000, at: 100 } }, seen);
    expect([s.viewers, s.likes]).toEqual([10, 9000]);
    // Fewer likes than shown (own taps not counted yet by the server) never go back.
    s = applyLiveEvent(s, { type: 'live.stats', data: { sessionId: 'ls_1', viewers: 11, likes: 10, at: 300 } }, seen);
    expect([s.viewers, s.likes]).toEqual([11, 9000]);
    s = applyLiveEvent(s, { type: 'live.lines', data: { sessionId: 'ls_1', lines: [{ skuId: 'sku_2', price: 9000, quota: 20, left: 1 }], at: 300 } }, seen);
    expect(s.lines[1]).toMatchObject({ skuId: 'sku_2', price: 9000, left: 1 });
    const same = applyLiveEvent(s, { type: 'live.lines', data: { sessionId: 'ls_1', lines: [{ skuId: 'sku_2', price: 1, quota: 1, left: 0 }], at: 250 } }, seen);
    expect(same).toBe(s);
  });

  it('status: the end unpins; pin follows; other sessions and notices change nothing', () => {
    const s = liveSession();
    const ended = applyLiveEvent(s, { type: 'live.status', data: { sessionId: 'ls_1', status: 'ended', at: 5 } });
    expect([ended.status, ended.pinnedProductId, ended.endedAt]).toEqual(['ended', null, 5]);
    expect(applyLiveEvent(s, { type: 'live.pinned', data: { sessionId: 'ls_1', productId: 'p_2', at: 1 } }).pinnedProductId).toBe('p_2');
    expect(applyLiveEvent(s, { type: 'live.pinned', data: { sessionId: 'ls_9', productId: null, at: 1 } })).toBe(s);
    expect(applyLiveEvent(s, { type: 'live.bought', data: { sessionId: 'ls_1', buyer: '张**', title: 'x', quantity: 1, at: 1 } })).toBe(s);
  });

  it('groups the lineup by product (lowest session price, all left) and caps a purchase by the limit less mine and by what is left', () => {
    const s = liveSession({ mine: { sku_1: 2 } });
    const products = productsOf(s.lines);
    expect(products.map((p) => [p.productId, p.price, p.originalPrice, p.left])).toEqual([['p_1', 9900, 19900, 17], ['p_2', 4900, 6900, 0]]);
    expect(buyableOf(s, s.lines[0])).toBe(1);
    expect(buyableOf(s, s.lines[1])).toBe(3);
    expect(buyableOf(s, s.lines[2])).toBe(0);
    expect(buyableOf({ ...s, mine: null }, { skuId: 'sku_x', left: 2 })).toBe(2);
  });

  it('the client batches likes within the contract’s limit', () => {
    expect(MAX_LIKES_PER_REQUEST).toBe(CONTRACT_MAX);
  });
});

describe('live times and counts', () => {
  it('counts down in 天/时/分/秒 and is done at the start', () => {
    expect(countdownParts(1000 + ((1 * 24 + 2) * 3600 + 3 * 60 + 4) * 1000, 1000)).toEqual({ days: 1, hours: 2, minutes: 3, seconds: 4, done: false });
    expect(countdownParts(1000, 5000)).toEqual({ days: 0, hours: 0, minutes: 0, seconds: 0, done: true });
  });

  it('formats a start in China time: the time today, the date another day', () => {
    const now = Date.UTC(2026, 11, 7, 4, 0); // 12:00 in Beijing
    expect(formatStartTime(Date.UTC(2026, 11, 7, 12, 30), now)).toBe('20:30');
    expect(formatStartTime(Date.UTC(2026, 11, 7, 16, 5), now)).toBe('12/8 00:05');
  });

  it('shows big counts in 万', () => {
    expect(countText(9999)).toBe('9999');
    expect(countText(10000)).toBe('1万');
    expect(countText(23456)).toBe('2.3万');
  });
});
