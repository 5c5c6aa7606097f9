import { PNG } from 'pngjs';
import { weappAccessTokens, type WeappAccessTokens } from '../appcodes';
import { testApp, type TestApp } from '../test/app';
import { createWechatLiveGoods, goodsName, sqlWechatGoodsBook, WechatLiveError, type WechatLineupGood, type WechatLiveClient } from './index';

/**
 * The WeChat live goods client against its stand-in (server/standins/wechat-live.ts) through the
 * real app over HTTP, with the book on the real database: the lineup added with covers uploaded,
 * imported into the room, a second push updating prices instead of adding, goods waiting for
 * audit imported by a later push, and each refusal as a WechatLiveError naming the call and the
 * errcode.
 */
let t: TestApp;
let tokens: WeappAccessTokens;
const calls: string[] = [];

/** Covers come from IMAGES (a product photo as the API would serve it); everything else goes to the app. */
const IMAGES = 'http://images.test';
function png(width: number, height: number): Buffer {
  const img = new PNG({ width, height });
  img.data.fill(200);
  return PNG.sync.write(img);
}
const served: Record<string, { type: string; body: Buffer }> = {
  '/p/big.png': { type: 'image/png', body: png(600, 400) },
  '/p/small.png': { type: 'image/png', body: png(120, 120) },
  '/p/card.svg': { type: 'image/svg+xml', body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"/>') },
};
const fetchImpl = async (url: string, init?: RequestInit): Promise<Response> => {
  if (url.startsWith(IMAGES)) {
    const file = served[url.slice(IMAGES.length)];
    return file ? new Response(new Uint8Array(file.body), { headers: { 'content-type': file.type } }) : new Response('not found', { status: 404 });
  }
  calls.push(new URL(url).pathname.replace('/sandbox/weapp', ''));
  return fetch(url, init);
};

beforeAll(async () => {
  t = await testApp({ seed: false });
  tokens = weappAccessTokens({ appId: t.config.weapp.appId, secret: t.config.weapp.secret, apiBase: `${t.baseUrl}/sandbox/weapp` });
});
afterAll(async () => {
  await t.close();
});

const client = (over: Partial<WeappAccessTokens> = {}): WechatLiveClient =>
  createWechatLiveGoods({ apiBase: `${t.baseUrl}/sandbox/weapp`, imageBase: IMAGES }, { ...tokens, ...over }, sqlWechatGoodsBook(t.db), { fetchImpl });
const room = (roomId: number, status = 101) => t.request('PUT', `/sandbox/weapp/live/rooms/${roomId}`, { body: { status } });
const roomOf = (roomId: number) => t.get<{ goods: { goodsId: number }[] }>(`/sandbox/weapp/live/rooms/${roomId}`);
const goodsOf = (goodsId: number) => t.get<{ name: string; url: string; priceType: number; price: number; price2: number; cover: { width: number; height: number }; audit_status: number }>(`/sandbox/weapp/live/goods/${goodsId}`);
const setAudit = (mode: string) => t.request('PUT', '/sandbox/weapp/live/audit', { body: { mode } });
const entry = (sessionId: string, skuId: string) => sqlWechatGoodsBook(t.db).get(sessionId, skuId);

const good = (session: string, sku: string, over: Partial<WechatLineupGood> = {}): WechatLineupGood => ({
  skuId: sku,
  productId: `p_${sku}`,
  title: '手工陶瓷马克杯 大号 350ml 釉下彩 礼盒装',
  image: '/p/big.png',
  price: 3990,
  originalPrice: 5900,
  path: `pages/product/index?id=p_${sku}&live=${session}`,
  ...over,
});

it('adds each good with its cover uploaded, name cut to 14 汉字, the session price as a discount, then imports them into the room', async () => {
  await room(7001);
  const lineup = [good('ls_a', 'sku_a1'), good('ls_a', 'sku_a2', { title: 'Tea', image: '/p/small.png', price: 1200, originalPrice: 1200 })];
  // "Tea" is 3 units: too short for WeChat (3 汉字 at least); a longer Latin name is fine.
  lineup[1].title = 'Green tea 100g';
  calls.length = 0;
  const report = await client().push(7001, lineup);
  expect(report).toEqual({ added: ['sku_a1', 'sku_a2'], updated: [], imported: ['sku_a1', 'sku_a2'], awaitingAudit: [], rejected: [], priceDeferred: [] });
  expect(calls).toEqual(['/cgi-bin/media/upload', '/wxaapi/broadcast/goods/add', '/cgi-bin/media/upload', '/wxaapi/broadcast/goods/add', '/wxa/business/getgoodswarehouse', '/wxaapi/broadcast/room/addgoods']);

  const a1 = await entry('ls_a', 'sku_a1');
  const a2 = await entry('ls_a', 'sku_a2');
  expect(a1).toMatchObject({ priceType: 3, price: 5900, price2: 3990, roomId: 7001, auditStatus: 2, url: 'pages/product/index?id=p_sku_a1&live=ls_a' });
  const g1 = (await goodsOf(a1!.goodsId)).body;
  expect(g1).toMatchObject({ name: '手工陶瓷马克杯 大号 350ml 釉', priceType: 3, price: 59, price2: 39.9, url: 'pages/product/index?id=p_sku_a1&live=ls_a' });
  // The 600x400 photo was scaled to fit 300x300.
  expect(g1.cover).toEqual({ width: 300, height: 200 });
  expect((await goodsOf(a2!.goodsId)).body).toMatchObject({ name: 'Green tea 100g', priceType: 1, price: 12, price2: 0 });
  expect((await roomOf(7001)).body.goods.map((g) => g.goodsId)).toEqual([a1!.goodsId, a2!.goodsId]);
});

it('a second push updates a changed price (goods/update) and adds nothing; an unchanged lineup calls nothing but the status', async () => {
  const before = await entry('ls_a', 'sku_a1');
  calls.length = 0;
  const lineup = [good('ls_a', 'sku_a1', { price: 2990 }), good('ls_a', 'sku_a2', { title: 'Green tea 100g', image: '/p/small.png', price: 1200, originalPrice: 1200 })];
  const report = await client().push(7001, lineup);
  expect(report).toMatchObject({ added: [], updated: ['sku_a1'], imported: [] });
  expect(calls).toEqual(['/wxaapi/broadcast/goods/update']);
  const after = await entry('ls_a', 'sku_a1');
  expect(after).toMatchObject({ goodsId: before!.goodsId, price2: 2990 });
  expect((await goodsOf(before!.goodsId)).body).toMatchObject({ priceType: 3, price: 59, price2: 29.9 });
  // The session price back at the SKU's own: one price.
  await client().pushLineup(7001, [good('ls_a', 'sku_a1', { price: 5900 })]);
  expect((await goodsOf(before!.goodsId)).body).toMatchObject({ priceType: 1, price: 59, price2: 0 });
  calls.length = 0;
  await client().pushLineup(7001, [good('ls_a', 'sku_a1', { price: 5900 })]);
  expect(calls).toEqual([]);
  expect((await roomOf(7001)).body.goods).toHaveLength(2);
});

it('goods still under audit wait; a push after WeChat approves them imports them; a rejected one is said so', async () => {
  await room(7002);
  await setAudit('hold');
  try {
    const lineup = [good('ls_b', 'sku_b1'), good('ls_b', 'sku_b2')];
    const first = await client().push(7002, lineup);
    expect(first).toMatchObject({ added: ['sku_b1', 'sku_b2'], imported: [], awaitingAudit: ['sku_b1', 'sku_b2'] });
    expect((await roomOf(7002)).body.goods).toEqual([]);
    // Under audit, WeChat refuses a price change: deferred, sent by a later push.
    const deferred = await client().push(7002, [good('ls_b', 'sku_b1', { price: 3500 })]);
    expect(deferred.priceDeferred).toEqual(['sku_b1']);
    const b1 = await entry('ls_b', 'sku_b1');
    const b2 = await entry('ls_b', 'sku_b2');
    expect((await t.post(`/sandbox/weapp/live/goods/${b1!.goodsId}/audit`, { result: 'approve' })).status).toBe(200);
    expect((await t.post(`/sandbox/weapp/live/goods/${b2!.goodsId}/audit`, { result: 'reject' })).status).toBe(200);
    const second = await client().push(7002, [good('ls_b', 'sku_b1', { price: 3500 }), good('ls_b', 'sku_b2')]);
    expect(second).toMatchObject({ added: [], updated: ['sku_b1'], imported: ['sku_b1'], rejected: ['sku_b2'], awaitingAudit: [] });
    expect((await roomOf(7002)).body.goods.map((g) => g.goodsId)).toEqual([b1!.goodsId]);
  } finally {
    await setAudit('approve');
  }
});

it("each refusal is a WechatLiveError naming the call, the SKU and WeChat's errcode", async () => {
  await room(7003);
  const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a refusal'); }, (err: unknown) => err as WechatLiveError);

  const shortName = await fail(client().pushLineup(7003, [good('ls_c', 'sku_c1', { title: '茶杯' })]));
  expect(shortName).toBeInstanceOf(WechatLiveError);
  expect(shortName).toMatchObject({ call: 'goods/add', errcode: 300002, skuId: 'sku_c1' });
  expect(shortName.message).toMatch(/goods\/add \(sku_c1\): errcode 300002 \(the name is too long or too short/);

  const notAPage = await fail(client().pushLineup(7003, [good('ls_c', 'sku_c2', { path: 'pages/nowhere/index?live=ls_c' })]));
  expect(notAPage).toMatchObject({ call: 'goods/add', errcode: 300007 });

  const svg = await fail(client().pushLineup(7003, [good('ls_c', 'sku_c3', { image: '/p/card.svg' })]));
  expect(svg).toMatchObject({ call: 'cover', errcode: undefined });
  expect(svg.message).toMatch(/not a PNG, JPEG or GIF/);
  const missing = await fail(client().pushLineup(7003, [good('ls_c', 'sku_c4', { image: '/p/gone.png' })]));
  expect(missing.message).toMatch(/HTTP 404/);

  // No such room: the goods are added (and kept), the import is refused.
  const noRoom = await fail(client().pushLineup(7999, [good('ls_c', 'sku_c5')]));
  expect(noRoom).toMatchObject({ call: 'room/addgoods', errcode: 300022 });
  expect(await entry('ls_c', 'sku_c5')).toMatchObject({ roomId: null });
  await room(7999, 103);
  expect(await fail(client().pushLineup(7999, [good('ls_c', 'sku_c5')]))).toMatchObject({ errcode: 300023 });

  // A token WeChat no longer takes is dropped and fetched again, once.
  const dropped: string[] = [];
  let stale = true;
  const staleFirst = client({
    get: async () => (stale ? ((stale = false), 'wx.stale') : tokens.get()),
    invalidate: (token: string) => dropped.push(token),
  });
  await staleFirst.pushLineup(7003, [good('ls_c', 'sku_c6')]);
  expect(dropped).toEqual(['wx.stale']);
  const always = client({ get: async () => 'wx.stale', invalidate: () => undefined });
  expect(await fail(always.pushLineup(7003, [good('ls_c', 'sku_c7')]))).toMatchObject({ call: 'media/upload', errcode: 40001 });

  const down = createWechatLiveGoods({ apiBase: 'http://127.0.0.1:9', imageBase: IMAGES }, tokens, sqlWechatGoodsBook(t.db), { fetchImpl, timeoutMs: 1000 });
  const noAnswer = await fail(down.pushLineup(7003, [good('ls_c', 'sku_c8')]));
  expect(noAnswer.message).toMatch(/no answer/);
});

it('the stand-in refuses what WeChat refuses', async () => {
  const token = await tokens.get();
  const ask = (path: string, body: unknown) => t.post<{ errcode: number }>(`/sandbox/weapp${path}?access_token=${token}`, body);
  expect((await ask('/wxaapi/broadcast/goods/add', {})).body.errcode).toBe(200002);
  expect((await ask('/wxaapi/broadcast/goods/add', { goodsInfo: { coverImgUrl: 'nope', name: '陶瓷马克杯', priceType: 1, price: 9.9, url: 'pages/product/index?id=p1' } })).body.errcode).toBe(300006);
  expect((await ask('/wxaapi/broadcast/goods/add', { goodsInfo: { coverImgUrl: 'nope', name: '陶瓷马克杯', priceType: 1, price: 9.999, url: 'pages/product/index' } })).body.errcode).toBe(300003);
  expect((await ask('/wxaapi/broadcast/goods/add', { goodsInfo: { coverImgUrl: 'nope', name: '陶瓷马克杯', priceType: 3, price: 9.9, price2: 19.9, url: 'pages/product/index' } })).body.errcode).toBe(300003);
  expect((await ask('/wxaapi/broadcast/goods/update', { goodsInfo: { goodsId: 1 } })).body.errcode).toBe(300024);
  expect((await ask('/wxaapi/broadcast/goods/push', { roomId: 424242, goodsId: 1 })).body.errcode).toBe(300022);
  expect((await ask('/wxaapi/broadcast/room/addgoods', { ids: [999999], roomId: 7001 })).body.errcode).toBe(300024);
  expect((await ask('/wxa/business/getgoodswarehouse', { goods_ids: Array.from({ length: 21 }, (_, i) => i) })).body.errcode).toBe(200002);
  expect((await t.post<{ errcode: number }>('/sandbox/weapp/wxaapi/broadcast/goods/add?access_token=nope', {})).body.errcode).toBe(40001);
  // An approved goods changes only its price: its name is WeChat's once approved.
  const a1 = await entry('ls_a', 'sku_a1');
  expect((await ask('/wxaapi/broadcast/goods/update', { goodsInfo: { goodsId: a1!.goodsId, name: '另一个名字很长' } })).body.errcode).toBe(300011);
  // goods/push: the pinned goods of a live room (room 7001 is live and holds a1).
  expect((await ask('/wxaapi/broadcast/goods/push', { roomId: 7001, goodsId: a1!.goodsId })).body.errcode).toBe(0);
  expect((await ask('/wxaapi/broadcast/goods/onsale', { roomId: 7001, goodsId: a1!.goodsId, onSale: 0 })).body.errcode).toBe(0);
  expect((await ask('/wxaapi/broadcast/goods/push', { roomId: 7001, goodsId: a1!.goodsId })).body.errcode).toBe(300052);
  // The media upload: an image in the `media` part.
  const form = new FormData();
  form.append('media', new Blob(['not an image']), 'x.txt');
  const up = await fetch(`${t.baseUrl}/sandbox/weapp/cgi-bin/media/upload?access_token=${token}&type=image`, { method: 'POST', body: form });
  expect(((await up.json()) as { errcode: number }).errcode).toBe(40005);
});

it('cuts names to 28 units, a CJK character counting two', () => {
  expect(goodsName('一二三四五六七八九十一二三四五六')).toBe('一二三四五六七八九十一二三四');
  expect(goodsName('abc一二三四五六七八九十一二三四')).toBe('abc一二三四五六七八九十一二');
  expect(goodsName('  Green tea  ')).toBe('Green tea');
});
