import Taro from '@tarojs/taro';
import { isLoggedIn } from '@/stores/session';
import { deviceId } from '../identity/device';
import { currentPlatform } from '../platform/current';
import { enterInfo, launchInfo, type LaunchInfo } from '../platform/launch';
import { launchInfoOf } from '../platform/launch-info';
import { bindReferral } from './bindReferral';
import { recordReferralVisit } from './recordReferralVisit';

/**
 * A shared link's landing (docs/share.md, "Opening a shared link"): the attribution token and
 * the product a page was opened with, however the platform handed them over, and the one report
 * of the visit per token and run of the app.
 *
 * Where they arrive:
 * - a shared card or an H5 link: the page query, `rt` (and `id` on the product page);
 * - a code (poster): `scene` in the page query, WeChat's URL-encoded, the others' decoded; its
 *   value is `rt=<token>` (a promoter's code: the page asks the server what the token opens,
 *   since a product id does not fit beside the token in 32 characters) or `id=<productId>`;
 *   Alipay hands the code's query to the app's launch only (launch.ts);
 * - a plain QR code of an H5 URL opening the mini-program: WeChat's `q`, Alipay's `qrCode`, the
 *   URL-encoded URL scanned (its query, or its hash route's, carries the same keys);
 * - a product page opened from a WeChat live room's goods: `custom_params`, the JSON the room was
 *   opened with (`{"live":"<session>","rt":"<token>"}`, URL-encoded; services/live/wechat-room.ts).
 */
export type Params = Record<string, string | undefined>;

export interface Landing {
  /** The attribution token (20 base62 characters from the server; up to 64 accepted and checked there). */
  token: string | null;
  /** The product to show (the product page), when the query names one. */
  productId: string | null;
}

const TOKEN = /^[0-9A-Za-z]{1,64}$/;
const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A value a host passed URL-encoded (WeChat's scene and q), decoded at most twice; never throws. */
export function decodeParam(value: string): string {
  let out = value;
  for (let i = 0; i < 2 && /%[0-9A-Fa-f]{2}/.test(out); i++) {
    try {
      out = decodeURIComponent(out);
    } catch {
      break;
    }
  }
  return out;
}

/** `a=1&b=2` as an object (values decoded once; a key without `=` is skipped). */
export function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of query.replace(/^[?#]/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    const raw = part.slice(eq + 1).replace(/\+/g, ' ');
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // A stray % stays as it is.
    }
    if (!(key in out)) out[key] = value;
  }
  return out;
}

/** The `rt` of a WeChat live room's custom_params (JSON, encoded once or twice), or null. */
function customParamsToken(value: string): string | null {
  try {
    const parsed: unknown = JSON.parse(decodeParam(value));
    const rt = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).rt : undefined;
    return typeof rt === 'string' ? rt : null;
  } catch {
    return null;
  }
}

/** The query of a URL and of its hash route (`https://shop/#/pages/product/index?id=1`), the URL's own first. */
function urlParams(url: string): Record<string, string> {
  const hashAt = url.indexOf('#');
  const main = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const hash = hashAt >= 0 ? url.slice(hashAt + 1) : '';
  const q = (s: string) => (s.includes('?') ? parseQuery(s.slice(s.indexOf('?') + 1)) : {});
  return { ...q(hash), ...q(main) };
}

/** What a page's query carries: the token and the product id, from `rt`/`id`, a code's `scene`, or a scanned URL (`q`, `qrCode`). */
export function landingOf(params: Params, depth = 0): Landing {
  let token = params.rt ?? null;
  let productId = params.id ?? null;
  const take = (inner: Landing) => {
    token ??= inner.token;
    productId ??= inner.productId;
  };
  if (params.scene) {
    const scene = decodeParam(params.scene);
    // A bare token is a scene too (a code made elsewhere with only the token).
    if (!scene.includes('=') && TOKEN.test(scene)) token ??= scene;
    else if (depth < 2) take(landingOf(parseQuery(scene), depth + 1));
  }
  if (params.custom_params) token ??= customParamsToken(params.custom_params);
  for (const url of [params.q, params.qrCode]) {
    if (url && depth < 2) take(landingOf(urlParams(decodeParam(url)), depth + 1));
  }
  return {
    token: token !== null && TOKEN.test(token) ? token : null,
    productId: productId !== null && PRODUCT_ID.test(productId) ? productId : null,
  };
}

/** The page's query, with the launch's under it when this page is the one the app was launched (or entered) on. */
export function landingParams(pageParams: Params, pagePath: string, launch: LaunchInfo = enterInfo()): Params {
  const path = pagePath.replace(/^\//, '').split('?')[0];
  if (!launch.path || launch.path !== path) return pageParams;
  const merged: Params = { ...launch.query };
  for (const [k, v] of Object.entries(pageParams)) if (v !== undefined && v !== '') merged[k] = v;
  return merged;
}

/** Storage key of a token whose report failed: bound after the next sign-in (bindPendingLanding). */
export const PENDING_KEY = 'shop.referral.pending';
const reported = new Set<string>();

function keepPending(token: string): void {
  try {
    Taro.setStorageSync(PENDING_KEY, token);
  } catch {
    // No storage: the visit is simply not recorded.
  }
}

function pendingToken(): string | null {
  try {
    const v: unknown = Taro.getStorageSync(PENDING_KEY);
    return typeof v === 'string' && TOKEN.test(v) ? v : null;
  } catch {
    return null;
  }
}

function clearPending(token: string): void {
  try {
    if (pendingToken() === token) Taro.removeStorageSync(PENDING_KEY);
  } catch {
    // Nothing kept.
  }
}

/**
 * Reports an open of a shared link once per token and run of the app: a guest's as a visit
 * (POST /api/referral/visits: the device's first and last touch; the server binds the account
 * from them at sign-in, by the device id the login sends), a signed-in shopper's by binding at
 * once (POST /api/referral/bind, which records the visit too). A report that fails (offline, a
 * rate limit) keeps the token, bound after the next sign-in: the server's binding at sign-in
 * reads only the device's recorded touches, and this one never reached it.
 */
export async function reportLanding(token: string, scene?: number): Promise<void> {
  if (reported.has(token)) return;
  reported.add(token);
  const device = deviceId();
  try {
    if (isLoggedIn()) await bindReferral({ token, device });
    else await recordReferralVisit({ token, platform: currentPlatform(), device, ...(scene === undefined ? {} : { scene }) });
    clearPending(token);
  } catch {
    keepPending(token);
  }
}

/** After a sign-in: a landing whose report failed is bound now (then forgotten, whatever the answer). */
export async function bindPendingLanding(): Promise<void> {
  const token = pendingToken();
  if (!token) return;
  try {
    await bindReferral({ token, device: deviceId() });
    clearPending(token);
  } catch {
    // Tried again after the next sign-in.
  }
}

/** The app's launch (or a hot start from a new card or code): its landing reported, on whatever page it opens. */
export function reportLaunch(info: LaunchInfo = launchInfo()): void {
  const { token } = landingOf(info.query);
  if (token) void reportLanding(token, info.scene);
}

/** Tests only: forget the tokens reported in this run. */
export function forgetReportedLandings(): void {
  reported.clear();
}

let wired = false;

/**
 * Reports the landing of every start: the cold launch, and each hot start from another card or
 * code (onAppShow carries its query; a page already open may not be shown again). Called once
 * by app.tsx.
 */
export function wireLandingReports(): void {
  if (wired) return;
  wired = true;
  reportLaunch();
  try {
    Taro.onAppShow((options) => reportLaunch(launchInfoOf(options as Parameters<typeof launchInfoOf>[0])));
  } catch {
    // A host without app-show events: the launch and the pages' own reports remain.
  }
}
