import type { MerchantProduct, MerchantSku } from '@contract';
import type { CreateLiveSessionBody, HostLiveSession, UpdateLiveSessionBody } from '@contract/live';
import { formatPrice } from '@contract/money';
import { errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/workbench';
import { isApiError } from '../http';

/**
 * The live session form's draft (pages/merchant/live-edit) and its checks: what the person typed,
 * the body it sends, and every problem, the client's own and the server's refusals, placed by
 * field (`title`, `startsAt`, `playbackUrl`, `perShopperLimit`, `lines`, `price:<skuId>`,
 * `quota:<skuId>`, or `general` for a toast).
 */

/** contract/live.ts's MAX_LIVE_QUOTA and MAX_LIVE_LINES, without pulling zod into the client (live-draft.test.ts compares them). */
export const MAX_LIVE_QUOTA = 100_000;
export const MAX_LIVE_LINES = 50;

export interface LineDraft {
  skuId: string;
  productId: string;
  title: string;
  specText: string;
  image: string;
  /** The SKU's own price (fen): the session price may not be above it. */
  skuPrice: number;
  /** The SKU's stock when picked: the quota may not be above it. */
  stock: number;
  priceText: string;
  quotaText: string;
}

export interface LiveDraft {
  title: string;
  /** '' = the first line's product image. */
  cover: string;
  /** YYYY-MM-DD and HH:mm, local time. */
  date: string;
  time: string;
  playbackUrl: string;
  limitText: string;
  lines: LineDraft[];
}

export type FieldKey = 'title' | 'startsAt' | 'playbackUrl' | 'perShopperLimit' | 'lines' | 'general' | `price:${string}` | `quota:${string}`;
export type Problems = Partial<Record<FieldKey, string>>;

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
export const dateOf = (ts: number) => {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
export const timeOf = (ts: number) => {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** The local date and time as epoch ms; null when either is not one. */
export function startsAtOf(date: string, time: string): number | null {
  const dm = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const tm = /^(\d{2}):(\d{2})$/.exec(time);
  if (!dm || !tm) return null;
  const d = new Date(Number(dm[1]), Number(dm[2]) - 1, Number(dm[3]), Number(tm[1]), Number(tm[2]));
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}

/** fen -> "12.50" */
export const yuanText = (fen: number) => (fen / 100).toFixed(2);

/** "12.5" -> 1250 fen; null when it is not an amount with at most two decimals. */
export function parseYuanText(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(s)) return null;
  const [int, dec = ''] = s.split('.');
  return Number(int) * 100 + Number((dec + '00').slice(0, 2));
}

const parseCount = (text: string): number | null => (/^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : null);

/** A new session: starting at the next full hour, one unit per shopper by default (5). */
export function emptyDraft(now: number): LiveDraft {
  const next = new Date(now);
  next.setMinutes(0, 0, 0);
  next.setHours(next.getHours() + 1);
  return { title: '', cover: '', date: dateOf(next.getTime()), time: timeOf(next.getTime()), playbackUrl: '', limitText: '5', lines: [] };
}

/** A session being edited (the lineup is run from the console once the session exists). */
export function draftOfSession(s: HostLiveSession): LiveDraft {
  return {
    title: s.title, cover: s.cover, date: dateOf(s.startsAt), time: timeOf(s.startsAt), playbackUrl: s.playbackUrl, limitText: String(s.perShopperLimit),
    lines: s.lines.map((l) => ({ skuId: l.skuId, productId: l.productId, title: l.title, specText: l.specText, image: l.image, skuPrice: l.originalPrice, stock: l.quota, priceText: yuanText(l.price), quotaText: String(l.quota) })),
  };
}

/** A SKU picked into the lineup: the session price defaults to its price, the quota to its stock (at most the largest quota). */
export function lineOf(product: MerchantProduct, sku: MerchantSku): LineDraft {
  return {
    skuId: sku.id, productId: product.id, title: product.title, specText: sku.specText, image: product.cover, skuPrice: sku.price, stock: sku.stock,
    priceText: yuanText(sku.price), quotaText: String(Math.max(1, Math.min(sku.stock, MAX_LIVE_QUOTA))),
  };
}

/** The cover shown and sent: the chosen one, else the first line's product image. */
export const coverOf = (d: LiveDraft): string => d.cover || d.lines[0]?.image || '';

/** A line's session price and quota as the server takes them, its problems written into `out`. */
export function checkLine(line: LineDraft, out: Problems): { skuId: string; price: number; quota: number } | null {
  const price = parseYuanText(line.priceText);
  const quota = parseCount(line.quotaText);
  let ok = true;
  if (price === null) {
    out[`price:${line.skuId}`] = t('wb.live.edit.bad.price');
    ok = false;
  } else if (price > line.skuPrice) {
    out[`price:${line.skuId}`] = t('wb.live.edit.bad.priceAbove', { price: formatPrice(line.skuPrice) });
    ok = false;
  }
  if (quota === null || quota < 1 || quota > MAX_LIVE_QUOTA) {
    out[`quota:${line.skuId}`] = t('wb.live.edit.bad.quota', { max: MAX_LIVE_QUOTA });
    ok = false;
  } else if (quota > line.stock) {
    out[`quota:${line.skuId}`] = t('wb.live.edit.bad.quotaAbove', { stock: line.stock });
    ok = false;
  }
  return ok && price !== null && quota !== null ? { skuId: line.skuId, price, quota } : null;
}

function checkBasics(d: LiveDraft, out: Problems) {
  const title = d.title.trim();
  if (title.length < 1 || title.length > 40) out.title = t('wb.live.edit.bad.name');
  const startsAt = startsAtOf(d.date, d.time);
  if (startsAt === null) out.startsAt = t('wb.live.edit.bad.startsAt');
  const playbackUrl = d.playbackUrl.trim();
  if (!/^(https?:\/\/[^\s]+|\/[^\s]*)$/.test(playbackUrl) || playbackUrl.length > 500) out.playbackUrl = t('wb.live.edit.bad.playback');
  const limit = parseCount(d.limitText);
  if (limit === null || limit < 1 || limit > 99) out.perShopperLimit = t('wb.live.edit.bad.limit');
  return { title, startsAt, playbackUrl, limit };
}

/** The create body, or the problems that keep it from being sent. */
export function checkCreate(d: LiveDraft): { body: CreateLiveSessionBody | null; problems: Problems } {
  const problems: Problems = {};
  const { title, startsAt, playbackUrl, limit } = checkBasics(d, problems);
  if (d.lines.length === 0) problems.lines = t('wb.live.edit.bad.lineup');
  else if (d.lines.length > MAX_LIVE_LINES) problems.lines = t('wb.live.edit.bad.lineupMax', { n: MAX_LIVE_LINES });
  const lines = d.lines.map((l) => checkLine(l, problems));
  if (Object.keys(problems).length > 0 || startsAt === null || limit === null) return { body: null, problems };
  const cover = coverOf(d);
  return {
    body: { title, ...(d.cover ? { cover } : {}), startsAt, playbackUrl, perShopperLimit: limit, lines: lines.filter((l) => l !== null) },
    problems,
  };
}

/** The update body (only what changed), or the problems. */
export function checkUpdate(d: LiveDraft, s: HostLiveSession): { body: UpdateLiveSessionBody | null; problems: Problems } {
  const problems: Problems = {};
  const { title, startsAt, playbackUrl, limit } = checkBasics(d, problems);
  if (Object.keys(problems).length > 0 || startsAt === null || limit === null) return { body: null, problems };
  const body: UpdateLiveSessionBody = {};
  if (title !== s.title) body.title = title;
  if (d.cover && d.cover !== s.cover) body.cover = d.cover;
  if (startsAt !== s.startsAt) body.startsAt = startsAt;
  if (playbackUrl !== s.playbackUrl) body.playbackUrl = playbackUrl;
  if (limit !== s.perShopperLimit) body.perShopperLimit = limit;
  return { body, problems };
}

const FIELD_OF_PATH: Record<string, FieldKey> = { 'body.title': 'title', 'body.startsAt': 'startsAt', 'body.playbackUrl': 'playbackUrl', 'body.perShopperLimit': 'perShopperLimit', 'body.lines': 'lines' };

/**
 * Where a refusal of the server goes: LIVE_PRICE_INVALID and LIVE_QUOTA_INVALID beside the
 * SKU's field they name (extra skuId; the quota's with the range the server allows),
 * LIVE_LINEUP_INVALID beside the lineup, VALIDATION_FAILED beside each field its errors name;
 * anything else (or a field not on the form) is `general`, shown as a toast.
 */
export function problemsOfError(e: unknown, lines: readonly { skuId: string }[]): Problems {
  if (!isApiError(e)) return { general: e instanceof Error && e.message ? e.message : errorMessage('UNKNOWN') };
  const skuId = typeof e.extra?.skuId === 'string' ? e.extra.skuId : null;
  const known = skuId !== null && lines.some((l) => l.skuId === skuId);
  switch (e.code) {
    case 'LIVE_PRICE_INVALID': {
      const max = e.extraNumber('maximum');
      const text = max !== undefined ? t('wb.live.edit.bad.priceAbove', { price: formatPrice(max) }) : e.message;
      return known ? { [`price:${skuId}`]: text } : { general: text };
    }
    case 'LIVE_QUOTA_INVALID': {
      const min = e.extraNumber('minimum');
      const max = e.extraNumber('maximum');
      const text = min !== undefined && max !== undefined ? t('wb.live.edit.bad.quotaRange', { min, max }) : e.message;
      return known ? { [`quota:${skuId}`]: text } : { general: text };
    }
    case 'LIVE_LINEUP_INVALID':
      return { lines: e.message };
    case 'VALIDATION_FAILED': {
      const out: Problems = {};
      for (const err of e.errors ?? []) {
        const line = /^body\.lines\.(\d+)\.(price|quota)/.exec(err.path);
        const l = line ? lines[Number(line[1])] : undefined;
        if (line && l) {
          const key = `${line[2] as 'price' | 'quota'}:${l.skuId}` as const;
          out[key] ??= line[2] === 'price' ? t('wb.live.edit.bad.price') : t('wb.live.edit.bad.quota', { max: MAX_LIVE_QUOTA });
          continue;
        }
        const field = Object.entries(FIELD_OF_PATH).find(([p]) => err.path === p || err.path.startsWith(`${p}.`))?.[1];
        if (field) out[field] ??= e.message;
        else out.general ??= e.message;
      }
      return Object.keys(out).length > 0 ? out : { general: e.message };
    }
    default:
      return { general: e.message };
  }
}
