/** Live sessions for the client tests (the room, the list, the home entry, the event reducer). */
import type { LiveLine, LiveSession, LiveSessionSummary } from '@contract/live';

/** A lineup SKU of the room tests. */
export function line(over: Partial<LiveLine> = {}): LiveLine {
  return { skuId: 'sku_1', productId: 'p_1', title: '羊绒围巾', specText: '驼色', image: '/images/p_1.svg', price: 9900, originalPrice: 19900, quota: 50, left: 12, ...over };
}

/** A session on air with two products (the first of two SKUs), the first pinned. */
export function liveSession(over: Partial<LiveSession> = {}): LiveSession {
  return {
    id: 'ls_1',
    merchantId: 'm_1',
    merchantName: '山野小铺',
    title: '冬季好物直播',
    cover: '/images/ls_1.svg',
    startsAt: Date.now() - 600_000,
    status: 'live',
    playbackUrl: '/media/demo-live/index.m3u8',
    perShopperLimit: 3,
    pinnedProductId: 'p_1',
    lines: [line(), line({ skuId: 'sku_2', specText: '灰色', price: 10900, originalPrice: 19900, left: 5 }), line({ skuId: 'sku_3', productId: 'p_2', title: '保温杯', specText: '', price: 4900, originalPrice: 6900, left: 0 })],
    viewers: 1280,
    likes: 5600,
    startedAt: Date.now() - 600_000,
    endedAt: null,
    mine: null,
    wechatRoomId: null,
    ...over,
  };
}

export function summary(over: Partial<LiveSessionSummary> = {}): LiveSessionSummary {
  const s = liveSession();
  return { id: s.id, merchantId: s.merchantId, merchantName: s.merchantName, title: s.title, cover: s.cover, startsAt: s.startsAt, status: s.status, pinnedProductId: s.pinnedProductId, viewers: s.viewers, ...over };
}
