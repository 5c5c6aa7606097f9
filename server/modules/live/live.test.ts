import { liveAction, liveSessionStatus, type HostLiveSession, type LiveSession, type LiveSessionPage } from '../../../contract/live';
import { problemSchema } from '../../../contract/errors';
import { routes } from '../../../contract/routes';
import { testApp, uniquePhone, type ApiResponse, type TestApp } from '../../test/app';
import { canApply, nextState } from '../../infra/state-machine';
import { addStaff, makeMerchant } from '../merchant/testing';
import { makeSku, setOnShelf, stockOf, userToken } from '../order/testing';
import { liveSessionMachine } from './machine';
import { makeLiveSession, recordingWechat } from './testing';
import { linkWechatRoom } from './wechat';
import { LIKE_REQUESTS_PER_MINUTE } from './routes';

/**
 * The live module through the real app (docs/live.md): the lifecycle table, quota carved out of
 * stock and given back once, the lineup's price and quota rules, the pin, the host's and the
 * viewers' reads, likes, the WeChat room link, the durable pushes.
 */
let t: TestApp;
const A = 'm_la';
const B = 'm_lb';
const wechat = recordingWechat();
let owner: { token: string; userId: string; staffId: string };
let ownerB: { token: string };

const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();
const base = (m = A) => `/api/merchants/${m}/live/sessions`;
let keyN = 0;
const key = () => `live-test-${process.pid}-${++keyN}`;

async function staffToken(merchantId: string, role: 'owner' | 'operator' | 'live_host' | 'kitchen') {
  const phone = uniquePhone();
  const token = await t.login(phone);
  const me = await t.get<{ id: string }>('/api/me', { token });
  const staffId = await addStaff(t.db, merchantId, me.body.id, role, phone);
  return { token, userId: me.body.id, staffId };
}

beforeAll(async () => {
  t = await testApp({ seed: false, liveWechat: wechat });
  await makeMerchant(t.db, A, '直播甲店');
  await makeMerchant(t.db, B, '直播乙店');
  owner = await staffToken(A, 'owner');
  ownerB = await staffToken(B, 'owner');
});
afterAll(async () => {
  await t.close();
});

async function create(lines: { skuId: string; price: number; quota: number }[], extra: Record<string, unknown> = {}) {
  return t.post<HostLiveSession>(base(), { title: '春季上新', startsAt: Date.now() + 60_000, playbackUrl: 'https://live.example.com/a.m3u8', perShopperLimit: 2, lines, ...extra }, { token: owner.token, idempotencyKey: key() });
}
const act = (sessionId: string, action: string, token = owner.token) => t.post<HostLiveSession>(`${base()}/${sessionId}/actions`, { action }, { token });
const line = (s: HostLiveSession, skuId: string) => s.lines.find((l) => l.skuId === skuId)!;

describe('the lifecycle table', () => {
  const legal: Record<string, string> = { 'scheduled start': 'live', 'live pause': 'paused', 'paused resume': 'live', 'live end': 'ended', 'paused end': 'ended', 'scheduled cancel': 'cancelled' };
  const pairs = liveSessionStatus.options.flatMap((state) => liveAction.options.map((action) => [state, action] as const));

  it('is exactly the designed table', () => {
    expect(pairs).toHaveLength(25);
    for (const [state, action] of pairs) {
      const to = legal[`${state} ${action}`];
      expect({ state, action, can: canApply(liveSessionMachine, state, action) }).toEqual({ state, action, can: to !== undefined });
      if (to) expect(nextState(liveSessionMachine, state, action)).toBe(to);
      else expect(() => nextState(liveSessionMachine, state, action)).toThrow(/cannot/);
    }
  });

  it.each(pairs)('%s, %s: through the route', async (state, action) => {
    const s = await makeLiveSession(t.db, { merchantId: A, status: state });
    const res = await act(s.sessionId, action);
    const to = legal[`${state} ${action}`];
    if (to) {
      expect(codeOf(res)).toBe('200');
      expect(res.body.status).toBe(to);
      expect(() => routes.actLiveSession.response.parse(res.body)).not.toThrow();
    } else {
      expect(codeOf(res)).toBe('409 ILLEGAL_TRANSITION');
      const row = await t.db.selectFrom('live_sessions').select('status').where('id', '=', s.sessionId).executeTakeFirstOrThrow();
      expect(row.status).toBe(state);
    }
  });
});

describe('quota carved out of stock, and given back once', () => {
  it('creates a session: each quota taken from its SKU, cover from the first product, the timeline and audit written', async () => {
    const a = await makeSku(t.db, { merchantId: A, price: 1990, stock: 30 });
    const b = await makeSku(t.db, { merchantId: A, price: 990, stock: 5 });
    const res = await create([{ skuId: a.skuId, price: 1590, quota: 20 }, { skuId: b.skuId, price: 990, quota: 5 }]);
    expect(codeOf(res)).toBe('201');
    expect(() => routes.createLiveSession.response.parse(res.body)).not.toThrow();
    expect(res.body).toMatchObject({ status: 'scheduled', cover: `/images/${a.productId}.svg`, hostStaffId: owner.staffId, pinnedProductId: null, startedAt: null, endedAt: null });
    expect(res.body.lines.map((l) => [l.skuId, l.price, l.originalPrice, l.quota, l.left, l.sold])).toEqual([
      [a.skuId, 1590, 1990, 20, 20, 0],
      [b.skuId, 990, 990, 5, 5, 0],
    ]);
    expect(await stockOf(t.db, a.skuId)).toBe(10);
    expect(await stockOf(t.db, b.skuId)).toBe(0);
    expect(res.body.timeline.map((e) => e.type)).toEqual(['created']);
    const audit = await t.db.selectFrom('audit_log').select(['action', 'target']).where('merchant_id', '=', A).where('target', '=', `live_session:${res.body.id}`).execute();
    expect(audit.map((x) => x.action)).toEqual(['live.session_created']);
  });

  it('refuses a price above the SKU, a quota above free stock, a SKU twice, another merchant\'s or an off-shelf SKU; nothing is taken', async () => {
    const a = await makeSku(t.db, { merchantId: A, price: 1000, stock: 10 });
    const other = await makeSku(t.db, { merchantId: B, price: 1000, stock: 10 });
    const off = await makeSku(t.db, { merchantId: A, price: 1000, stock: 10 });
    await setOnShelf(t.db, off.productId, false);
    const price = await create([{ skuId: a.skuId, price: 1001, quota: 1 }]);
    expect(codeOf(price)).toBe('400 LIVE_PRICE_INVALID');
    expect(price.body).toMatchObject({ skuId: a.skuId, maximum: 1000 });
    const quota = await create([{ skuId: a.skuId, price: 900, quota: 11 }]);
    expect(codeOf(quota)).toBe('400 LIVE_QUOTA_INVALID');
    expect(quota.body).toMatchObject({ skuId: a.skuId, maximum: 10 });
    expect(codeOf(await create([{ skuId: a.skuId, price: 900, quota: 1 }, { skuId: a.skuId, price: 800, quota: 1 }]))).toBe('400 LIVE_LINEUP_INVALID');
    expect(codeOf(await create([{ skuId: other.skuId, price: 900, quota: 1 }]))).toBe('400 LIVE_LINEUP_INVALID');
    expect(codeOf(await create([{ skuId: off.skuId, price: 900, quota: 1 }]))).toBe('409 SKU_UNAVAILABLE');
    // The second line fails after the first was carved: the transaction gives it back.
    const b = await makeSku(t.db, { merchantId: A, price: 1000, stock: 1 });
    expect(codeOf(await create([{ skuId: a.skuId, price: 900, quota: 4 }, { skuId: b.skuId, price: 900, quota: 2 }]))).toBe('400 LIVE_QUOTA_INVALID');
    expect(await stockOf(t.db, a.skuId)).toBe(10);
    expect(await stockOf(t.db, b.skuId)).toBe(1);
    expect(await t.db.selectFrom('live_sessions').select('id').where('merchant_id', '=', B).execute()).toEqual([]);
  });

  it('start stamps started_at; end returns quota - sold of every line, once, stamps ended_at and unpins', async () => {
    const a = await makeSku(t.db, { merchantId: A, price: 1000, stock: 50 });
    const b = await makeSku(t.db, { merchantId: A, price: 1000, stock: 50 });
    const s = (await create([{ skuId: a.skuId, price: 800, quota: 20 }, { skuId: b.skuId, price: 800, quota: 10 }])).body;
    const started = await act(s.id, 'start');
    expect(started.body.startedAt).toEqual(expect.any(Number));
    expect(codeOf(await t.post(`${base()}/${s.id}/pin`, { productId: a.productId }, { token: owner.token }))).toBe('200');
    // What the order path does when it sells: sold grows under the quota.
    await t.db.updateTable('live_lines').set({ sold: 7 }).where('session_id', '=', s.id).where('sku_id', '=', a.skuId).execute();
    await t.db.updateTable('live_lines').set({ sold: 10 }).where('session_id', '=', s.id).where('sku_id', '=', b.skuId).execute();
    const ended = await act(s.id, 'end');
    expect(codeOf(ended)).toBe('200');
    expect(ended.body).toMatchObject({ status: 'ended', pinnedProductId: null, endedAt: expect.any(Number) });
    expect([line(ended.body, a.skuId), line(ended.body, b.skuId)].map((l) => [l.quota, l.sold, l.left, l.returned])).toEqual([
      [7, 7, 0, 13],
      [10, 10, 0, 0],
    ]);
    expect(await stockOf(t.db, a.skuId)).toBe(30 + 13);
    expect(await stockOf(t.db, b.skuId)).toBe(40);
    // Once: another end or a cancel is refused and gives nothing back.
    expect(codeOf(await act(s.id, 'end'))).toBe('409 ILLEGAL_TRANSITION');
    expect(codeOf(await act(s.id, 'cancel'))).toBe('409 ILLEGAL_TRANSITION');
    expect(await stockOf(t.db, a.skuId)).toBe(43);
    expect(ended.body.timeline.map((e) => e.type)).toEqual(['created', 'started', 'pinned', 'ended']);
    // The durable pushes on the session's topic, with the contract's data.
    const messages = await t.db.selectFrom('realtime_messages').select(['type', 'data', 'version']).where('topic', '=', `live:${s.id}`).orderBy('version').execute();
    expect(messages.map((m) => [m.type, JSON.parse(m.data) as unknown])).toEqual([
      ['live.status', { sessionId: s.id, status: 'live', at: expect.any(Number) }],
      ['live.pinned', { sessionId: s.id, productId: a.productId, at: expect.any(Number) }],
      ['live.status', { sessionId: s.id, status: 'ended', at: expect.any(Number) }],
      ['live.pinned', { sessionId: s.id, productId: null, at: expect.any(Number) }],
    ]);
  });

  it('cancel returns every quota of a scheduled session', async () => {
    const a = await makeSku(t.db, { merchantId: A, price: 1000, stock: 8 });
    const s = (await create([{ skuId: a.skuId, price: 800, quota: 8 }])).body;
    expect(await stockOf(t.db, a.skuId)).toBe(0);
    const cancelled = await act(s.id, 'cancel');
    expect(cancelled.body).toMatchObject({ status: 'cancelled', startedAt: null });
    expect(line(cancelled.body, a.skuId)).toMatchObject({ quota: 0, returned: 8, left: 0 });
    expect(await stockOf(t.db, a.skuId)).toBe(8);
  });
});

describe('the lineup', () => {
  it('adds a line (carved from stock); refuses one in it already and a closed session', async () => {
    const a = await makeSku(t.db, { merchantId: A, price: 1000, stock: 10 });
    const b = await makeSku(t.db, { merchantId: A, price: 500, stock: 10 });
    const s = (await create([{ skuId: a.skuId, price: 800, quota: 2 }])).body;
    const added = await t.post<HostLiveSession>(`${base()}/${s.id}/lines`, { skuId: b.skuId, price: 450, quota: 6 }, { token: owner.token });
    expect(codeOf(added)).toBe('201');
    expect(added.body.lines.map((l) => l.skuId)).toEqual([a.skuId, b.skuId]);
    expect(await stockOf(t.db, b.skuId)).toBe(4);
    expect(codeOf(await t.post(`${base()}/${s.id}/lines`, { skuId: b.skuId, price: 450, quota: 1 }, { token: owner.token }))).toBe('400 LIVE_LINEUP_INVALID');
    expect(codeOf(await t.post(`${base()}/${s.id}/lines`, { skuId: (await makeSku(t.db, { merchantId: A })).skuId, price: 450, quota: 1 }, { token: owner.token }))).toBe('201');
    await act(s.id, 'cancel');
    expect(codeOf(await t.post(`${base()}/${s.id}/lines`, { skuId: (await makeSku(t.db, { merchantId: A })).skuId, price: 1, quota: 1 }, { token: owner.token }))).toBe('409 ILLEGAL_TRANSITION');
  });

  it('changes a quota by guarded steps: up from stock, down back to stock, never below sold nor above free stock', async () => {
    const a = await makeSku(t.db, { merchantId: A, price: 1000, stock: 20 });
    const s = (await create([{ skuId: a.skuId, price: 800, quota: 10 }])).body;
    const url = `${base()}/${s.id}/lines/${a.skuId}`;
    await t.db.updateTable('live_lines').set({ sold: 4 }).where('session_id', '=', s.id).execute();
    const up = await t.patch<HostLiveSession>(url, { quota: 15 }, { token: owner.token });
    expect(line(up.body, a.skuId)).toMatchObject({ quota: 15, left: 11, price: 800 });
    expect(await stockOf(t.db, a.skuId)).toBe(5);
    const over = await t.patch(url, { quota: 21 }, { token: owner.token });
    expect(codeOf(over)).toBe('400 LIVE_QUOTA_INVALID');
    expect(over.body).toMatchObject({ skuId: a.skuId, maximum: 20 });
    const below = await t.patch(url, { quota: 3 }, { token: owner.token });
    expect(codeOf(below)).toBe('400 LIVE_QUOTA_INVALID');
    expect(below.body).toMatchObject({ skuId: a.skuId, minimum: 4 });
    const down = await t.patch<HostLiveSession>(url, { quota: 4 }, { token: owner.token });
    expect(line(down.body, a.skuId)).toMatchObject({ quota: 4, left: 0 });
    expect(await stockOf(t.db, a.skuId)).toBe(16);
    const price = await t.patch<HostLiveSession>(url, { price: 600 }, { token: owner.token });
    expect(line(price.body, a.skuId)).toMatchObject({ quota: 4, price: 600 });
    expect(codeOf(await t.patch(url, { price: 1001 }, { token: owner.token }))).toBe('400 LIVE_PRICE_INVALID');
    expect(codeOf(await t.patch(`${base()}/${s.id}/lines/${(await makeSku(t.db, { merchantId: A })).skuId}`, { price: 1 }, { token: owner.token }))).toBe('400 LIVE_LINEUP_INVALID');
    expect(price.body.timeline.map((e) => e.type)).toEqual(['created', 'quota_changed', 'quota_changed', 'price_changed']);
  });

  it('pins one lineup product at a time; null unpins; not once ended', async () => {
    const s = await makeLiveSession(t.db, { merchantId: A, status: 'live', lines: [{}, {}] });
    const pin = (productId: string | null) => t.post<HostLiveSession>(`${base()}/${s.sessionId}/pin`, { productId }, { token: owner.token });
    expect((await pin(s.skus[0].productId)).body.pinnedProductId).toBe(s.skus[0].productId);
    expect((await pin(s.skus[1].productId)).body.pinnedProductId).toBe(s.skus[1].productId);
    const stranger = await pin((await makeSku(t.db, { merchantId: A })).productId);
    expect(codeOf(stranger)).toBe('400 LIVE_LINEUP_INVALID');
    expect((await pin(null)).body.pinnedProductId).toBeNull();
    await act(s.sessionId, 'end');
    expect(codeOf(await pin(s.skus[0].productId))).toBe('409 ILLEGAL_TRANSITION');
  });

  it('updates only the fields sent, not once ended', async () => {
    const s = await makeLiveSession(t.db, { merchantId: A });
    const res = await t.patch<HostLiveSession>(`${base()}/${s.sessionId}`, { title: '周末专场', perShopperLimit: 5 }, { token: owner.token });
    expect(res.body).toMatchObject({ title: '周末专场', perShopperLimit: 5, playbackUrl: 'https://live.example.com/s.m3u8', cover: '/images/live.svg' });
    await act(s.sessionId, 'cancel');
    expect(codeOf(await t.patch(`${base()}/${s.sessionId}`, { title: '晚了' }, { token: owner.token }))).toBe('409 ILLEGAL_TRANSITION');
  });
});

describe('who may', () => {
  it("answers 404 for another merchant's session on every host route, even to its own owner through the wrong merchant", async () => {
    const theirs = await makeLiveSession(t.db, { merchantId: B });
    const id = theirs.sessionId;
    const calls: [string, string, unknown][] = [
      ['GET', `${base()}/${id}`, undefined],
      ['PATCH', `${base()}/${id}`, { title: 'x' }],
      ['POST', `${base()}/${id}/actions`, { action: 'start' }],
      ['POST', `${base()}/${id}/pin`, { productId: theirs.skus[0].productId }],
      ['POST', `${base()}/${id}/lines`, { skuId: (await makeSku(t.db, { merchantId: A })).skuId, price: 1, quota: 1 }],
      ['PATCH', `${base()}/${id}/lines/${theirs.skus[0].skuId}`, { price: 1 }],
      ['POST', `${base()}/${id}/wechat-room`, { roomId: 7 }],
    ];
    for (const [method, url, body] of calls) {
      const res = await t.request(method, url, { body, token: owner.token });
      expect({ method, url, code: codeOf(res) }).toEqual({ method, url, code: '404 NOT_FOUND' });
      expect(() => problemSchema.parse(res.body)).not.toThrow();
    }
    const row = await t.db.selectFrom('live_sessions').select(['status', 'title']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'scheduled', title: '测试直播' });
    // B's owner through A's path: not staff there.
    expect(codeOf(await t.get(`${base()}/${id}`, { token: ownerB.token }))).toBe('404 NOT_FOUND');
    // The list shows only the merchant's own.
    const list = await t.get<{ items: { id: string }[] }>(`${base()}?limit=50`, { token: owner.token });
    expect(list.body.items.map((i) => i.id)).not.toContain(id);
  });

  it('a live host runs sessions; kitchen staff and shoppers may not', async () => {
    const host = await staffToken(A, 'live_host');
    const kitchen = await staffToken(A, 'kitchen');
    const shopper = await userToken(t.db, t.config.tokenSecret);
    const s = await makeLiveSession(t.db, { merchantId: A });
    expect(codeOf(await act(s.sessionId, 'start', host.token))).toBe('200');
    expect(codeOf(await act(s.sessionId, 'pause', kitchen.token))).toBe('403 FORBIDDEN_ROLE');
    expect(codeOf(await act(s.sessionId, 'pause', shopper.token))).toBe('404 NOT_FOUND');
  });
});

describe('WeChat live room', () => {
  it('links a room and pushes the lineup at session prices; a failed push keeps the link and answers 502', async () => {
    const s = await makeLiveSession(t.db, { merchantId: A, lines: [{ price: 800 }] });
    const res = await t.post<HostLiveSession>(`${base()}/${s.sessionId}/wechat-room`, { roomId: 4242 }, { token: owner.token });
    expect(codeOf(res)).toBe('200');
    expect(res.body).toMatchObject({ wechatRoomId: 4242, wechatPushedAt: expect.any(Number) });
    expect(wechat.pushes.at(-1)).toEqual({
      roomId: 4242,
      goods: [{ skuId: s.skus[0].skuId, productId: s.skus[0].productId, title: expect.any(String), image: `/images/${s.skus[0].productId}.svg`, price: 800, originalPrice: 1000, path: `pages/product/index?id=${s.skus[0].productId}&liveSessionId=${s.sessionId}` }],
    });
    wechat.failing = true;
    try {
      const failed = await t.post(`${base()}/${s.sessionId}/wechat-room`, { roomId: 5151 }, { token: owner.token });
      expect(codeOf(failed)).toBe('502 LIVE_WECHAT_FAILED');
    } finally {
      wechat.failing = false;
    }
    const row = await t.db.selectFrom('live_sessions').select(['wechat_room_id', 'wechat_pushed_at']).where('id', '=', s.sessionId).executeTakeFirstOrThrow();
    expect(Number(row.wechat_room_id)).toBe(5151);
    expect(Number(row.wechat_pushed_at)).toBe(res.body.wechatPushedAt);
  });

  it('answers 503 LIVE_WECHAT_UNAVAILABLE without WeChat', async () => {
    const s = await makeLiveSession(t.db, { merchantId: A });
    const staff = { merchantId: A, userId: owner.userId, staffId: owner.staffId, role: 'owner' as const };
    await expect(linkWechatRoom(t.db, null, { warn: () => undefined }, staff, s.sessionId, 1)).rejects.toMatchObject({ code: 'LIVE_WECHAT_UNAVAILABLE', status: 503 });
  });
});

describe('viewers', () => {
  it('lists sessions on air first, then scheduled ones soonest first, page by page; not ended or cancelled ones', async () => {
    const now = Date.now();
    const ids = {
      later: (await makeLiveSession(t.db, { merchantId: B, startsAt: now + 9_000_000 })).sessionId,
      live: (await makeLiveSession(t.db, { merchantId: B, status: 'live', startsAt: now - 60_000 })).sessionId,
      soon: (await makeLiveSession(t.db, { merchantId: B, startsAt: now + 8_000_000 })).sessionId,
      paused: (await makeLiveSession(t.db, { merchantId: B, status: 'paused', startsAt: now - 30_000 })).sessionId,
      ended: (await makeLiveSession(t.db, { merchantId: B, status: 'ended' })).sessionId,
      cancelled: (await makeLiveSession(t.db, { merchantId: B, status: 'cancelled' })).sessionId,
    };
    const seen: string[] = [];
    let cursor: string | null = null;
    const statuses: string[] = [];
    do {
      const page: ApiResponse<LiveSessionPage> = await t.get<LiveSessionPage>(`/api/live/sessions?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(codeOf(page)).toBe('200');
      expect(() => routes.listLiveSessions.response.parse(page.body)).not.toThrow();
      seen.push(...page.body.items.map((i) => i.id));
      statuses.push(...page.body.items.map((i) => i.status));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => Object.values(ids).includes(id))).toEqual([ids.live, ids.paused, ids.soon, ids.later]);
    // Every on-air session before every scheduled one.
    expect(statuses.lastIndexOf('live') < statuses.indexOf('scheduled') || !statuses.includes('scheduled')).toBe(true);
    expect(statuses).not.toContain('ended');
    expect(codeOf(await t.get('/api/live/sessions?cursor=WzIsMSwieCJd'))).toBe('400 VALIDATION_FAILED');
  });

  it('shows a session at session prices with what is left; `mine` for a signed-in shopper, null for a guest', async () => {
    const s = await makeLiveSession(t.db, { merchantId: B, status: 'live', lines: [{ price: 700, quota: 10 }], pinned: true });
    await t.db.updateTable('live_lines').set({ sold: 3 }).where('session_id', '=', s.sessionId).execute();
    const shopper = await userToken(t.db, t.config.tokenSecret);
    await t.db.insertInto('live_purchases').values({ session_id: s.sessionId, sku_id: s.skus[0].skuId, user_id: shopper.userId, units: 2 }).execute();
    const guest = await t.get<LiveSession>(`/api/live/sessions/${s.sessionId}`);
    expect(() => routes.getLiveSession.response.parse(guest.body)).not.toThrow();
    expect(guest.body).toMatchObject({ status: 'live', merchantName: '直播乙店', pinnedProductId: s.skus[0].productId, viewers: 0, likes: 0, mine: null });
    expect(guest.body.lines).toEqual([expect.objectContaining({ skuId: s.skus[0].skuId, price: 700, originalPrice: 1000, quota: 10, left: 7 })]);
    const mine = await t.get<LiveSession>(`/api/live/sessions/${s.sessionId}`, { token: shopper.token });
    expect(mine.body.mine).toEqual({ [s.skus[0].skuId]: 2 });
    expect(codeOf(await t.get('/api/live/sessions/ls_nowhere'))).toBe('404 NOT_FOUND');
  });

  it('adds likes, rate-limited per viewer with Retry-After', async () => {
    const s = await makeLiveSession(t.db, { merchantId: B, status: 'live' });
    const shopper = await userToken(t.db, t.config.tokenSecret);
    const like = (count: number, token?: string) => t.post<{ likes: number }>(`/api/live/sessions/${s.sessionId}/likes`, { count }, { token });
    expect((await like(5, shopper.token)).body).toEqual({ likes: 5 });
    expect((await like(50)).body).toEqual({ likes: 55 });
    for (let i = 1; i < LIKE_REQUESTS_PER_MINUTE; i++) expect((await like(1, shopper.token)).status).toBe(200);
    const limited = await like(1, shopper.token);
    expect(codeOf(limited)).toBe('429 RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another viewer is not held back.
    expect((await like(1, (await userToken(t.db, t.config.tokenSecret)).token)).status).toBe(200);
    expect(codeOf(await like(51))).toBe('400 VALIDATION_FAILED');
  });
});
