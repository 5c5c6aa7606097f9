import { WEAPP_TOKEN_INVALID, type AppCodeFetch, type WeappAccessTokens } from '../appcodes';
import type { WechatGoodsBook, WechatGoodsEntry } from './book';
import { coverTypeOf, fitPng } from './cover';

export { sqlWechatGoodsBook, type WechatGoodsBook, type WechatGoodsEntry } from './book';
export type { WechatLiveTables } from './tables';

/**
 * WeChat 小程序直播's goods, for pushing a live session's lineup to the WeChat live-player-plugin
 * room it is linked to (docs/live.md, "Distribution"). On the mini-program's access token
 * (appcodes' weappAccessTokens, shared with the share codes and the risk check):
 *
 *   POST <apiBase>/cgi-bin/media/upload?access_token&type=image   multipart, part `media`
 *        -> { type: "image", media_id, created_at }                the cover (a media id lives 3 days)
 *   POST <apiBase>/wxaapi/broadcast/goods/add?access_token         { goodsInfo: { coverImgUrl: <media id>, name, priceType, price, price2?, url } }
 *        -> { errcode: 0, goodsId, auditId }                       500 a day; the goods goes to audit
 *   POST <apiBase>/wxaapi/broadcast/goods/update?access_token      { goodsInfo: { goodsId, priceType, price, price2? } }
 *        -> { errcode: 0 }                                         an approved goods may change only its price and price type
 *   POST <apiBase>/wxa/business/getgoodswarehouse?access_token     { goods_ids: [..] } (20 at most)
 *        -> { errcode: 0, goods: [{ goods_id, audit_status, ... }], total }
 *   POST <apiBase>/wxaapi/broadcast/room/addgoods?access_token     { ids: [..], roomId }
 *        -> { errcode: 0 }                                         only approved goods
 *
 * Errors are HTTP 200 with { errcode, errmsg }; an errcode saying the token is no longer valid
 * drops it and the call is made once more (as the risk check does). Everything else that fails
 * is a WechatLiveError naming the call and, when WeChat answered one, its errcode.
 *
 * Names: "最长14个汉字，1个汉字相当于2个字符": cut to 28 units (a CJK or full-width character
 * counts 2). Prices: yuan with two decimals; the session price under the SKU's own is shown as a
 * discount (priceType 3: price the original, price2 the session's), otherwise one price
 * (priceType 1). The goods' url is the product page the live module gives (`path`), with the
 * session in its `live` parameter; it keys the book: one goods per (session, SKU).
 */
export interface WechatLiveGoods {
  pushLineup(
    roomId: number,
    goods: { skuId: string; productId: string; title: string; image: string; price: number; originalPrice: number; path: string }[],
  ): Promise<void>;
}

export type WechatLineupGood = Parameters<WechatLiveGoods['pushLineup']>[1][number];

/** What one push did, SKU ids in each list. */
export interface WechatPushReport {
  /** Added to WeChat's goods library (goods/add): under audit until WeChat approves them. */
  added: string[];
  /** Their price changed (goods/update). */
  updated: string[];
  /** Imported into the room by this push (room/addgoods). */
  imported: string[];
  /** Not in the room yet: WeChat has not approved them (a later push imports them). */
  awaitingAudit: string[];
  /** WeChat refused them at audit (审核驳回): they never reach the room. */
  rejected: string[];
  /** Under audit while their price changed: WeChat refuses updates then; a later push sends the price. */
  priceDeferred: string[];
}

export class WechatLiveError extends Error {
  override name = 'WechatLiveError';
  constructor(
    /** The call that failed: media/upload, goods/add, goods/update, getgoodswarehouse, room/addgoods, cover. */
    readonly call: string,
    message: string,
    readonly errcode?: number,
    /** The SKU the call was for, when it was for one. */
    readonly skuId?: string,
  ) {
    super(`WeChat live ${call}${skuId ? ` (${skuId})` : ''}: ${message}`);
  }
}

/** Known answers, said plainly in the error (the errcode and WeChat's errmsg stay beside them). */
const ERRCODE_MEANING: Record<number, string> = {
  200002: 'a parameter is missing or malformed',
  300002: 'the name is too long or too short (3 to 14 汉字)',
  300003: 'the price is not valid',
  300006: 'the cover media id is not valid (expired or never uploaded)',
  300007: 'the url is not a page of the published mini-program',
  300010: 'the goods is under audit and cannot be changed',
  300018: 'the cover is larger than 300x300 px',
  300022: 'no such room',
  300023: 'the room does not allow this in its current state',
  300024: 'no such goods',
  300025: 'the goods has not passed audit',
  300033: 'the room holds as many goods as it can',
  40004: 'not an image type WeChat takes',
  40005: 'not a file type WeChat takes',
  40009: 'the image is too large',
};

/** WeChat's goods audit states (getgoodswarehouse audit_status). */
export const AUDIT = { none: 0, auditing: 1, approved: 2, rejected: 3 } as const;
export const GOODS_NAME_UNITS = 28;
/** getgoodswarehouse: "最多支持一次获取20个商品状态". */
const STATUS_BATCH = 20;
export const WECHAT_LIVE_TIMEOUT_MS = 8000;

/** The name cut to WeChat's 14 汉字 (28 units, a character above U+00FF counting 2). */
export function goodsName(title: string): string {
  let units = 0;
  let out = '';
  for (const ch of title.trim()) {
    const w = (ch.codePointAt(0) ?? 0) > 0xff ? 2 : 1;
    if (units + w > GOODS_NAME_UNITS) break;
    units += w;
    out += ch;
  }
  return out;
}

/** Fen as WeChat's yuan (at most two decimals). */
export const yuan = (fen: number): number => Math.round(fen) / 100;

/** The price WeChat's card shows: the session price as a discount under the SKU's own, or alone. */
export function priceOf(good: Pick<WechatLineupGood, 'price' | 'originalPrice'>): { priceType: 1 | 3; price: number; price2: number } {
  return good.originalPrice > good.price ? { priceType: 3, price: good.originalPrice, price2: good.price } : { priceType: 1, price: good.price, price2: 0 };
}

/** The session a goods' path names (`live=<sessionId>`), or the path itself when it names none. */
export function sessionOfPath(path: string): string {
  const q = path.indexOf('?');
  if (q >= 0) {
    const live = new URLSearchParams(path.slice(q + 1)).get('live');
    if (live) return live;
  }
  return path;
}

export interface WechatLiveConfig {
  /** https://api.weixin.qq.com, or its stand-in. */
  apiBase: string;
  /** Where an image path (`/images/...`, `/uploads/...`) is fetched from: the API's own address. */
  imageBase: string;
}

export interface WechatLiveOptions {
  fetchImpl?: AppCodeFetch;
  timeoutMs?: number;
  now?: () => number;
}

export interface WechatLiveClient extends WechatLiveGoods {
  /** The push, saying what it did. pushLineup is this without the report. */
  push(roomId: number, goods: WechatLineupGood[]): Promise<WechatPushReport>;
}

export function createWechatLiveGoods(config: WechatLiveConfig, tokens: WeappAccessTokens, book: WechatGoodsBook, opts: WechatLiveOptions = {}): WechatLiveClient {
  const doFetch = opts.fetchImpl ?? fetch;
  const timeoutMs = opts.timeoutMs ?? WECHAT_LIVE_TIMEOUT_MS;
  const now = opts.now ?? Date.now;

  async function send(call: string, url: string, init: RequestInit, skuId?: string): Promise<Response> {
    try {
      return await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new WechatLiveError(call, `no answer (${err instanceof Error ? err.message : String(err)})`, undefined, skuId);
    }
  }

  /** One call with the access token: a token WeChat no longer takes is dropped and the call made once more. */
  async function call(name: string, path: string, body: () => RequestInit, skuId?: string, query = ''): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      let token: string;
      try {
        token = await tokens.get();
      } catch (err) {
        throw new WechatLiveError(name, `no access token (${err instanceof Error ? err.message : String(err)})`, undefined, skuId);
      }
      const res = await send(name, `${config.apiBase}${path}?access_token=${encodeURIComponent(token)}${query}`, { method: 'POST', ...body() }, skuId);
      const text = await res.text();
      if (!res.ok) throw new WechatLiveError(name, `HTTP ${res.status}`, undefined, skuId);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new WechatLiveError(name, 'the answer is not JSON', undefined, skuId);
      }
      const b = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
      const errcode = b.errcode === undefined ? 0 : Number(b.errcode);
      if (errcode === 0) return b;
      if (WEAPP_TOKEN_INVALID.has(errcode) && attempt === 0) {
        tokens.invalidate(token);
        continue;
      }
      const meaning = ERRCODE_MEANING[errcode];
      throw new WechatLiveError(name, `errcode ${errcode}${meaning ? ` (${meaning})` : ''} ${String(b.errmsg ?? '')}`.trim(), errcode, skuId);
    }
  }

  const json = (body: unknown) => (): RequestInit => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function cover(good: WechatLineupGood): Promise<string> {
    const url = /^https?:\/\//.test(good.image) ? good.image : `${config.imageBase}${good.image.startsWith('/') ? '' : '/'}${good.image}`;
    const res = await send('cover', url, {}, good.skuId);
    if (!res.ok) throw new WechatLiveError('cover', `${good.image} answered HTTP ${res.status}`, undefined, good.skuId);
    let bytes: Buffer = Buffer.from(await res.arrayBuffer());
    const type = coverTypeOf(bytes);
    if (!type) throw new WechatLiveError('cover', `${good.image} is not a PNG, JPEG or GIF, which WeChat's goods covers must be`, undefined, good.skuId);
    if (type === 'image/png') {
      try {
        bytes = fitPng(bytes);
      } catch (err) {
        throw new WechatLiveError('cover', `${good.image} is not a readable PNG (${err instanceof Error ? err.message : String(err)})`, undefined, good.skuId);
      }
    }
    const ext = type === 'image/png' ? 'png' : type === 'image/gif' ? 'gif' : 'jpg';
    const answer = await call('media/upload', '/cgi-bin/media/upload', () => {
      const form = new FormData();
      form.append('media', new Blob([new Uint8Array(bytes)], { type }), `${good.skuId}.${ext}`);
      return { body: form };
    }, good.skuId, '&type=image');
    const mediaId = typeof answer.media_id === 'string' ? answer.media_id : '';
    if (!mediaId) throw new WechatLiveError('media/upload', 'the answer has no media_id', undefined, good.skuId);
    return mediaId;
  }

  async function add(good: WechatLineupGood, sessionId: string): Promise<WechatGoodsEntry> {
    const mediaId = await cover(good);
    const p = priceOf(good);
    const goodsInfo: Record<string, unknown> = { coverImgUrl: mediaId, name: goodsName(good.title), priceType: p.priceType, price: yuan(p.price), url: good.path };
    if (p.priceType === 3) goodsInfo.price2 = yuan(p.price2);
    const answer = await call('goods/add', '/wxaapi/broadcast/goods/add', json({ goodsInfo }), good.skuId);
    const goodsId = Number(answer.goodsId);
    const auditId = Number(answer.auditId);
    if (!Number.isSafeInteger(goodsId) || goodsId <= 0) throw new WechatLiveError('goods/add', 'the answer has no goodsId', undefined, good.skuId);
    const entry: WechatGoodsEntry = {
      sessionId,
      skuId: good.skuId,
      goodsId,
      auditId: Number.isSafeInteger(auditId) ? auditId : 0,
      url: good.path,
      ...p,
      auditStatus: AUDIT.auditing,
      roomId: null,
    };
    // Kept at once: WeChat's goods id is lost otherwise, and a push again would add it twice.
    await book.put(entry, now());
    return entry;
  }

  async function statuses(entries: WechatGoodsEntry[]): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (let i = 0; i < entries.length; i += STATUS_BATCH) {
      const ids = entries.slice(i, i + STATUS_BATCH).map((e) => e.goodsId);
      const answer = await call('getgoodswarehouse', '/wxa/business/getgoodswarehouse', json({ goods_ids: ids }));
      const goods = Array.isArray(answer.goods) ? (answer.goods as Record<string, unknown>[]) : [];
      for (const g of goods) out.set(Number(g.goods_id), Number(g.audit_status));
    }
    return out;
  }

  async function push(roomId: number, lineup: WechatLineupGood[]): Promise<WechatPushReport> {
    if (!Number.isSafeInteger(roomId) || roomId <= 0) throw new WechatLiveError('room/addgoods', `room id ${roomId} is not a positive integer`);
    const report: WechatPushReport = { added: [], updated: [], imported: [], awaitingAudit: [], rejected: [], priceDeferred: [] };
    const entries: WechatGoodsEntry[] = [];
    for (const good of lineup) {
      const sessionId = sessionOfPath(good.path);
      let entry = await book.get(sessionId, good.skuId);
      if (!entry || entry.url !== good.path) {
        entry = await add(good, sessionId);
        report.added.push(good.skuId);
      } else {
        const p = priceOf(good);
        if (p.priceType !== entry.priceType || p.price !== entry.price || p.price2 !== entry.price2) {
          const goodsInfo: Record<string, unknown> = { goodsId: entry.goodsId, priceType: p.priceType, price: yuan(p.price) };
          if (p.priceType === 3) goodsInfo.price2 = yuan(p.price2);
          try {
            await call('goods/update', '/wxaapi/broadcast/goods/update', json({ goodsInfo }), good.skuId);
            entry = { ...entry, ...p };
            await book.put(entry, now());
            report.updated.push(good.skuId);
          } catch (err) {
            if (!(err instanceof WechatLiveError) || err.errcode !== 300010) throw err;
            report.priceDeferred.push(good.skuId);
          }
        }
      }
      entries.push(entry);
    }

    // Into the room: the goods not yet there that WeChat has approved.
    const outside = entries.filter((e) => e.roomId !== roomId);
    const status = await statuses(outside);
    const approved: WechatGoodsEntry[] = [];
    for (const e of outside) {
      const s = status.get(e.goodsId) ?? e.auditStatus;
      if (s !== e.auditStatus) await book.put({ ...e, auditStatus: s }, now());
      if (s === AUDIT.approved) approved.push({ ...e, auditStatus: s });
      else if (s === AUDIT.rejected) report.rejected.push(e.skuId);
      else report.awaitingAudit.push(e.skuId);
    }
    if (approved.length > 0) {
      await call('room/addgoods', '/wxaapi/broadcast/room/addgoods', json({ ids: approved.map((e) => e.goodsId), roomId }));
      for (const e of approved) {
        await book.put({ ...e, roomId }, now());
        report.imported.push(e.skuId);
      }
    }
    return report;
  }

  return {
    push,
    async pushLineup(roomId, goods) {
      await push(roomId, goods);
    },
  };
}
