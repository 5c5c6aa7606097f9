import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenBook } from './appcodes';

/**
 * WeChat 小程序直播's goods and room APIs (sandbox mode only), in their real request and answer
 * shapes (errors are HTTP 200 with { errcode, errmsg }), on the access tokens the cgi-bin/token
 * stand-in issued (appcodes.ts):
 *
 *   POST /sandbox/weapp/cgi-bin/media/upload?access_token&type=image  multipart, part `media` (PNG, JPEG, GIF; 10 MB)
 *        -> { type, media_id, created_at }                             40004 type, 40005 file, 41005 no media
 *   POST /sandbox/weapp/wxaapi/broadcast/goods/add       { goodsInfo: { coverImgUrl, name, priceType, price, price2?, url } }
 *        -> { errcode: 0, goodsId, auditId }    200002 missing, 300002 name (3..14 汉字, 1 汉字 = 2), 300003 price,
 *                                               300006 media id, 300007 url not a page of the app, 300018 cover > 300 px
 *   POST /sandbox/weapp/wxaapi/broadcast/goods/update    { goodsInfo: { goodsId, ...fields } }: approved goods change only
 *                                                         priceType/price/price2; 300010 under audit; 300024 unknown
 *   POST /sandbox/weapp/wxaapi/broadcast/goods/audit     { goodsId } re-submits a goods not under audit -> { errcode: 0, auditId }
 *   POST /sandbox/weapp/wxa/business/getgoodswarehouse   { goods_ids: [..] (20 at most) } -> { errcode: 0, goods: [...], total }
 *   POST /sandbox/weapp/wxaapi/broadcast/room/addgoods   { ids, roomId }  300022 no room, 300023 room ended, 300024, 300025 not approved
 *   POST /sandbox/weapp/wxaapi/broadcast/goods/push      { roomId, goodsId }  300022, 300023 not live, 300053 not in the room
 *   POST /sandbox/weapp/wxaapi/broadcast/goods/onsale    { roomId, goodsId, onSale: 0|1 }  300053 not in the room
 *
 * The audit: every goods is approved at once unless the stand-in is told otherwise. The
 * stand-in's own controls (not WeChat's API), for tests and for trying a room by hand:
 *
 *   PUT  /sandbox/weapp/live/rooms/:roomId   { status?: 101..107 }  creates or changes a room (102 未开始 by default)
 *   GET  /sandbox/weapp/live/rooms/:roomId   -> { roomId, status, goods: [{ goodsId, onSale }], pushed } | 404
 *   PUT  /sandbox/weapp/live/audit           { mode: "approve" | "hold" | "reject" }  how new and re-submitted goods come out of audit
 *   POST /sandbox/weapp/live/goods/:goodsId/audit  { result: "approve" | "reject" }  decides a goods under audit
 *   GET  /sandbox/weapp/live/goods/:goodsId  -> the goods as stored (name, url, priceType, price, price2, audit_status, cover size) | 404
 */
export const LIVE_APP_PAGES = ['pages/home/index', 'pages/category/index', 'pages/product/index', 'pages/live/room', 'pages/live/mount'];
const MEDIA_MAX_BYTES = 10 * 1024 * 1024;
const MEDIA_TTL_MS = 3 * 24 * 3600 * 1000;
const STATUS_BATCH = 20;
const ROOM_GOODS_MAX = 500;

type AuditMode = 'approve' | 'hold' | 'reject';
interface Media {
  createdAt: number;
  width: number;
  height: number;
}
interface Goods {
  goodsId: number;
  auditId: number;
  name: string;
  coverImgUrl: string;
  cover: { width: number; height: number };
  url: string;
  priceType: number;
  price: number;
  price2: number;
  auditStatus: number;
}
interface Room {
  roomId: number;
  status: number;
  goods: { goodsId: number; onSale: number }[];
  pushed: number | null;
}

function json(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

const objectOf = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** 14 汉字, one counting as two characters; WeChat also refuses names under 3 汉字 (6 units). */
function nameUnits(name: string): number {
  let units = 0;
  for (const ch of name) units += (ch.codePointAt(0) ?? 0) > 0xff ? 2 : 1;
  return units;
}

/** A price in yuan: positive, at most two decimals, under ten million. */
const validPrice = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1e7 && Math.abs(Math.round(v * 100) - v * 100) < 1e-6;

/** The goods' url: a page of the published mini-program (no leading slash), with its query. */
function validUrl(v: unknown): boolean {
  if (typeof v !== 'string' || v === '' || v.length > 1024) return false;
  const page = v.split('?')[0];
  return !page.startsWith('/') && LIVE_APP_PAGES.includes(page);
}

/** The first file part of a multipart/form-data body, with its part name. */
function filePart(body: Buffer, contentType: string): { name: string; bytes: Buffer } | null {
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const boundary = m ? (m[1] ?? m[2]) : null;
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    if (body.subarray(at + delimiter.length, at + delimiter.length + 2).toString('latin1') === '--') return null;
    const headerStart = at + delimiter.length + 2;
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd === -1) return null;
    const headers = body.toString('utf8', headerStart, headerEnd);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next === -1) return null;
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1] ?? '';
    if (/content-disposition:[^\r\n]*filename=/i.test(headers)) return { name, bytes: body.subarray(headerEnd + 4, next) };
    at = next + 2;
  }
  return null;
}

/** Width and height of a PNG, JPEG or GIF, or null for anything else. */
function imageSizeOf(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (bytes.length >= 10 && bytes.toString('latin1', 0, 3) === 'GIF') return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length && bytes[at] === 0xff) {
      const marker = bytes[at + 1];
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
      }
      at += 2 + bytes.readUInt16BE(at + 2);
    }
  }
  return null;
}

export function registerWechatLiveStandIn(app: FastifyInstance, tokens: TokenBook): void {
  const media = new Map<string, Media>();
  const goods = new Map<number, Goods>();
  const rooms = new Map<number, Room>();
  let auditMode: AuditMode = 'approve';
  let nextGoodsId = 1000;
  let nextAuditId = 520_000_000;

  const afterAudit = (): number => (auditMode === 'approve' ? 2 : auditMode === 'reject' ? 3 : 1);

  /** WeChat's routes: the token first, then the JSON body. */
  function api(path: string, handler: (b: Record<string, unknown>, fail: (errcode: number, errmsg: string) => FastifyReply, reply: FastifyReply) => FastifyReply) {
    app.post<{ Querystring: Record<string, string | undefined>; Body: unknown }>(`/sandbox/weapp${path}`, async (req, reply) => {
      const fail = (errcode: number, errmsg: string) => json(reply, { errcode, errmsg: `${errmsg} rid: ${req.id}` });
      if (!tokens.valid(req.query.access_token)) return fail(40001, 'invalid credential, access_token is invalid or not latest');
      const b = objectOf(req.body);
      if (!b) return fail(47001, 'data format error');
      return handler(b, fail, reply);
    });
  }

  // The media upload: multipart, in a scope of its own (the app's parsers are JSON and forms).
  app.register(async (scope) => {
    scope.addContentTypeParser(/^multipart\/form-data/, { parseAs: 'buffer', bodyLimit: MEDIA_MAX_BYTES + 64 * 1024 }, (_req, body, done) => done(null, body));
    scope.post<{ Querystring: Record<string, string | undefined> }>('/sandbox/weapp/cgi-bin/media/upload', async (req: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
      const fail = (errcode: number, errmsg: string) => json(reply, { errcode, errmsg: `${errmsg} rid: ${req.id}` });
      if (!tokens.valid(req.query.access_token)) return fail(40001, 'invalid credential, access_token is invalid or not latest');
      if (!['image', 'voice', 'video', 'thumb'].includes(req.query.type ?? '')) return fail(40004, 'invalid media type');
      const raw = Buffer.isBuffer(req.body) ? req.body : null;
      const part = raw ? filePart(raw, req.headers['content-type'] ?? '') : null;
      if (!part || part.name !== 'media' || part.bytes.length === 0) return fail(41005, 'media data missing');
      if (req.query.type !== 'image') return fail(40004, 'invalid media type');
      const size = imageSizeOf(part.bytes);
      if (!size) return fail(40005, 'invalid file type');
      const mediaId = randomBytes(48).toString('base64url').slice(0, 64);
      const createdAt = Date.now();
      media.set(mediaId, { createdAt, ...size });
      return json(reply, { type: 'image', media_id: mediaId, created_at: Math.floor(createdAt / 1000) });
    });
  });

  api('/wxaapi/broadcast/goods/add', (b, fail, reply) => {
    const info = objectOf(b.goodsInfo);
    if (!info) return fail(200002, 'goodsInfo must not be empty');
    for (const key of ['coverImgUrl', 'name', 'priceType', 'price', 'url']) if (info[key] === undefined || info[key] === '') return fail(200002, `${key} must not be empty`);
    if (typeof info.name !== 'string' || nameUnits(info.name) < 6 || nameUnits(info.name) > 28) return fail(300002, 'name length invalid');
    const priceType = Number(info.priceType);
    if (![1, 2, 3].includes(priceType) || !validPrice(info.price)) return fail(300003, 'price invalid');
    if (priceType !== 1 && !validPrice(info.price2)) return fail(300003, 'price2 invalid');
    if (priceType === 2 && (info.price2 as number) <= (info.price as number)) return fail(300003, 'price2 must be above price');
    if (priceType === 3 && (info.price2 as number) >= (info.price as number)) return fail(300003, 'price2 must be under price');
    const m = typeof info.coverImgUrl === 'string' ? media.get(info.coverImgUrl) : undefined;
    if (!m || Date.now() - m.createdAt > MEDIA_TTL_MS) return fail(300006, 'media id invalid');
    if (m.width > 300 || m.height > 300) return fail(300018, 'product image width or height more than 300px');
    if (!validUrl(info.url)) return fail(300007, 'goods url invalid');
    const g: Goods = {
      goodsId: ++nextGoodsId,
      auditId: ++nextAuditId,
      name: info.name,
      coverImgUrl: info.coverImgUrl as string,
      cover: { width: m.width, height: m.height },
      url: info.url as string,
      priceType,
      price: info.price as number,
      price2: priceType === 1 ? 0 : (info.price2 as number),
      auditStatus: afterAudit(),
    };
    goods.set(g.goodsId, g);
    return json(reply, { errcode: 0, goodsId: g.goodsId, auditId: g.auditId });
  });

  api('/wxaapi/broadcast/goods/update', (b, fail, reply) => {
    const info = objectOf(b.goodsInfo);
    if (!info) return fail(200002, 'goodsInfo must not be empty');
    const g = goods.get(Number(info.goodsId));
    if (!g) return fail(300024, 'goods is not exist');
    if (g.auditStatus === 1) return fail(300010, 'goods audit status invalid');
    const next = { ...g };
    for (const [key, value] of Object.entries(info)) {
      if (key === 'goodsId') continue;
      if (g.auditStatus === 2 && !['priceType', 'price', 'price2'].includes(key)) return fail(300011, `approved goods may change only priceType, price and price2: ${key}`);
      if (key === 'priceType') next.priceType = Number(value);
      else if (key === 'price') next.price = value as number;
      else if (key === 'price2') next.price2 = value as number;
      else if (key === 'name') next.name = String(value);
      else if (key === 'url') next.url = String(value);
      else if (key === 'coverImgUrl') next.coverImgUrl = String(value);
    }
    if (![1, 2, 3].includes(next.priceType) || !validPrice(next.price) || (next.priceType !== 1 && !validPrice(next.price2))) return fail(300003, 'price invalid');
    if (next.priceType === 3 && next.price2 >= next.price) return fail(300003, 'price2 must be under price');
    if (next.priceType === 1) next.price2 = 0;
    if (nameUnits(next.name) < 6 || nameUnits(next.name) > 28) return fail(300002, 'name length invalid');
    if (!validUrl(next.url)) return fail(300007, 'goods url invalid');
    goods.set(g.goodsId, next);
    return json(reply, { errcode: 0, errmsg: 'ok' });
  });

  api('/wxaapi/broadcast/goods/audit', (b, fail, reply) => {
    const g = goods.get(Number(b.goodsId));
    if (!g) return fail(300024, 'goods is not exist');
    if (g.auditStatus === 1 || g.auditStatus === 2) return fail(300010, 'goods audit status invalid');
    g.auditId = ++nextAuditId;
    g.auditStatus = afterAudit();
    return json(reply, { errcode: 0, auditId: g.auditId });
  });

  api('/wxa/business/getgoodswarehouse', (b, fail, reply) => {
    if (!Array.isArray(b.goods_ids) || b.goods_ids.length === 0 || b.goods_ids.length > STATUS_BATCH) return fail(200002, 'goods_ids invalid');
    const list = b.goods_ids.map(Number).flatMap((id) => {
      const g = goods.get(id);
      return g
        ? [{ goods_id: g.goodsId, cover_img_url: `https://mmbiz.qpic.cn/sandbox/${g.coverImgUrl}`, name: g.name, price: g.price, price2: g.price2, url: g.url, price_type: g.priceType, audit_status: g.auditStatus, third_party_tag: 2 }]
        : [];
    });
    return json(reply, { errcode: 0, errmsg: 'ok', goods: list, total: list.length });
  });

  api('/wxaapi/broadcast/room/addgoods', (b, fail, reply) => {
    if (!Array.isArray(b.ids) || b.ids.length === 0 || typeof b.roomId !== 'number') return fail(200002, 'ids and roomId must not be empty');
    const room = rooms.get(b.roomId);
    if (!room) return fail(300022, 'room is not exist');
    if ([103, 104, 107].includes(room.status)) return fail(300023, 'room status invalid');
    const ids = b.ids.map(Number);
    for (const id of ids) {
      const g = goods.get(id);
      if (!g) return fail(300024, `goods ${id} is not exist`);
      if (g.auditStatus !== 2) return fail(300025, `goods ${id} audit not passed`);
    }
    const fresh = ids.filter((id, i) => ids.indexOf(id) === i && !room.goods.some((x) => x.goodsId === id));
    if (room.goods.length + fresh.length > ROOM_GOODS_MAX) return fail(300033, 'room goods count exceeds the limit');
    for (const id of fresh) room.goods.push({ goodsId: id, onSale: 1 });
    return json(reply, { errcode: 0, errmsg: 'ok' });
  });

  api('/wxaapi/broadcast/goods/push', (b, fail, reply) => {
    const room = rooms.get(Number(b.roomId));
    if (!room) return fail(300022, 'room is not exist');
    if (room.status !== 101) return fail(300023, 'room status invalid');
    if (!goods.has(Number(b.goodsId))) return fail(300024, 'goods is not exist');
    const inRoom = room.goods.find((x) => x.goodsId === Number(b.goodsId));
    if (!inRoom) return fail(300053, 'goods is not in the room');
    if (inRoom.onSale === 0) return fail(300052, 'goods is off sale');
    room.pushed = inRoom.goodsId;
    return json(reply, { errcode: 0, errmsg: 'ok' });
  });

  api('/wxaapi/broadcast/goods/onsale', (b, fail, reply) => {
    const room = rooms.get(Number(b.roomId));
    if (!room) return fail(300022, 'room is not exist');
    const inRoom = room.goods.find((x) => x.goodsId === Number(b.goodsId));
    if (!inRoom) return fail(300053, 'goods is not in the room');
    if (b.onSale !== 0 && b.onSale !== 1) return fail(200002, 'onSale must be 0 or 1');
    inRoom.onSale = b.onSale;
    if (b.onSale === 0 && room.pushed === inRoom.goodsId) room.pushed = null;
    return json(reply, { errcode: 0, errmsg: 'ok' });
  });

  // The stand-in's own controls.
  app.put<{ Params: { roomId: string }; Body: unknown }>('/sandbox/weapp/live/rooms/:roomId', async (req, reply) => {
    const roomId = Number(req.params.roomId);
    if (!Number.isSafeInteger(roomId) || roomId <= 0) return json(reply, { error: 'roomId is a positive integer' }, 400);
    const b = objectOf(req.body) ?? {};
    const status = b.status === undefined ? (rooms.get(roomId)?.status ?? 102) : Number(b.status);
    if (!Number.isInteger(status) || status < 101 || status > 107) return json(reply, { error: 'status is 101 to 107' }, 400);
    const room = rooms.get(roomId) ?? { roomId, status, goods: [], pushed: null };
    room.status = status;
    rooms.set(roomId, room);
    return json(reply, room);
  });
  app.get<{ Params: { roomId: string } }>('/sandbox/weapp/live/rooms/:roomId', async (req, reply) => {
    const room = rooms.get(Number(req.params.roomId));
    return room ? json(reply, room) : json(reply, { error: 'no such room' }, 404);
  });
  app.put<{ Body: unknown }>('/sandbox/weapp/live/audit', async (req, reply) => {
    const mode = objectOf(req.body)?.mode;
    if (mode !== 'approve' && mode !== 'hold' && mode !== 'reject') return json(reply, { error: 'mode is "approve", "hold" or "reject"' }, 400);
    auditMode = mode;
    return json(reply, { mode });
  });
  app.post<{ Params: { goodsId: string }; Body: unknown }>('/sandbox/weapp/live/goods/:goodsId/audit', async (req, reply) => {
    const g = goods.get(Number(req.params.goodsId));
    if (!g) return json(reply, { error: 'no such goods' }, 404);
    const result = objectOf(req.body)?.result;
    if (result !== 'approve' && result !== 'reject') return json(reply, { error: 'result is "approve" or "reject"' }, 400);
    if (g.auditStatus !== 1) return json(reply, { error: 'the goods is not under audit' }, 409);
    g.auditStatus = result === 'approve' ? 2 : 3;
    return json(reply, g);
  });
  app.get<{ Params: { goodsId: string } }>('/sandbox/weapp/live/goods/:goodsId', async (req, reply) => {
    const g = goods.get(Number(req.params.goodsId));
    return g ? json(reply, { ...g, audit_status: g.auditStatus }) : json(reply, { error: 'no such goods' }, 404);
  });
}
