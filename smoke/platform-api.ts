import { routes, type RouteDef } from '../contract/routes';
import { canned, matchRoute } from './fixtures';
import { createSocketHost, type SocketReport } from './sockets';

/**
 * The platform API object of the simulated host (`wx`, `my` or `tt`) with canned answers (or,
 * with an HTTP target, a running API's).
 *
 * Only what the compiled pages call on launch and mount is implemented. A known API that is
 * not implemented throws `smoke host: wx.<name> is not implemented` when called, and Taro
 * never wraps a name the object does not list, so a call to anything else fails with
 * "Taro.<name> is not a function": either way the missing API is named.
 */
export type Platform = 'weapp' | 'alipay' | 'tt';
export const PLATFORM_GLOBAL: Record<Platform, 'wx' | 'my' | 'tt'> = { weapp: 'wx', alipay: 'my', tt: 'tt' };
export const LOGIN_CODE = 'sandbox-smoke';

export interface HostHooks {
  /** Runs a callback as a host macrotask (virtual clock). */
  later(fn: () => void, ms?: number): void;
  /** Records a failure of the current phase (launch or a page). */
  fail(message: string): void;
  /** Records a request the page made, e.g. "GET /api/home -> 200". */
  note(request: string): void;
}

type Callbacks = { success?: (res: unknown) => void; fail?: (err: unknown) => void; complete?: (res: unknown) => void };
type Api = Record<string, unknown>;

/** Names of real platform APIs the host declares but does not implement (calling one fails loudly). */
const DECLARED_UNIMPLEMENTED = [
  // The single global socket (a SocketTask from connectSocket is implemented, see sockets.ts).
  'sendSocketMessage', 'onSocketOpen', 'onSocketMessage', 'onSocketClose', 'onSocketError', 'closeSocket',
  'uploadFile', 'downloadFile', 'chooseImage', 'chooseMedia', 'previewImage', 'saveImageToPhotosAlbum',
  'getLocation', 'chooseLocation', 'openLocation', 'chooseAddress', 'scanCode', 'getUserProfile', 'getUserInfo',
  'getPhoneNumber', 'requestSubscribeMessage', 'openSetting', 'getSetting', 'authorize', 'createAnimation',
  'createCanvasContext', 'createVideoContext', 'createInnerAudioContext', 'startPullDownRefresh', 'setClipboardData',
  'getClipboardData', 'makePhoneCall', 'vibrateShort', 'hideShareMenu', 'navigateToMiniProgram',
  'setTabBarBadge', 'removeTabBarBadge', 'showTabBarRedDot', 'hideTabBarRedDot', 'showActionSheet', 'loadFontFace',
];

function settle(hooks: HostHooks, opts: Callbacks | undefined, res: unknown, ok = true): void {
  hooks.later(() => {
    if (ok) opts?.success?.(res);
    else opts?.fail?.(res);
    opts?.complete?.(res);
  });
}

function systemInfo(platform: Platform): Record<string, unknown> {
  return {
    brand: 'smoke', model: 'smoke-host', pixelRatio: 2, screenWidth: 375, screenHeight: 812, windowWidth: 375,
    windowHeight: 724, statusBarHeight: 44, language: 'zh_CN', version: '8.0.50', system: 'iOS 17.0', platform: 'ios',
    fontSizeSetting: 16, SDKVersion: '3.5.0', safeArea: { left: 0, right: 375, top: 44, bottom: 778, width: 375, height: 734 },
    ...(platform === 'alipay' ? { app: 'alipay' } : {}),
    ...(platform === 'tt' ? { appName: 'Douyin' } : {}),
  };
}

function selectorQuery(hooks: HostHooks): Record<string, unknown> {
  const pending: unknown[] = [];
  const rect = { id: '', dataset: {}, left: 0, right: 375, top: 0, bottom: 100, width: 375, height: 100 };
  const query: Record<string, unknown> = {};
  const nodesRef = (many: boolean) => {
    const ref: Record<string, unknown> = {};
    const push = (value: unknown, cb?: (v: unknown) => void) => {
      const v = many ? [value] : value;
      pending.push(v);
      if (cb) hooks.later(() => cb(v));
      return query;
    };
    ref.boundingClientRect = (cb?: (v: unknown) => void) => push(rect, cb);
    ref.scrollOffset = (cb?: (v: unknown) => void) => push({ scrollLeft: 0, scrollTop: 0, scrollWidth: 375, scrollHeight: 812 }, cb);
    ref.fields = (_f: unknown, cb?: (v: unknown) => void) => push(rect, cb);
    ref.node = (cb?: (v: unknown) => void) => push({ node: null }, cb);
    ref.context = (cb?: (v: unknown) => void) => push({ context: null }, cb);
    return ref;
  };
  query.in = () => query;
  query.select = () => nodesRef(false);
  query.selectAll = () => nodesRef(true);
  query.selectViewport = () => nodesRef(false);
  query.exec = (cb?: (res: unknown[]) => void) => { const res = pending.splice(0); if (cb) hooks.later(() => cb(res)); };
  return query;
}

function parseUrl(url: string): { pathname: string; query: Record<string, string> } {
  const u = new URL(url, 'http://127.0.0.1:3000');
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => { query[k] = v; });
  return { pathname: u.pathname, query };
}

/**
 * The HTTP exchange behind request(): canned JSON by route; 401 problem+json for a signed-in
 * route without a bearer token; 404 problem+json (and a failure) for a path the API lacks.
 */
function answer(hooks: HostHooks, method: string, url: string, data: unknown, headers: Record<string, unknown>): { status: number; body: unknown } {
  const { pathname, query } = parseUrl(url);
  const match = matchRoute(method, pathname);
  let body: unknown = typeof data === 'string' && data.length > 0 ? safeJson(data) : data;
  if (method.toUpperCase() === 'GET' && body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) if (v !== undefined) query[k] = String(v);
    body = undefined;
  }
  if (!match) {
    hooks.fail(`request to a path the API does not have: ${method} ${pathname}`);
    hooks.note(`${method} ${pathname} -> 404`);
    return { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404, code: 'ROUTE_NOT_FOUND', detail: pathname } };
  }
  // Like the server: a signed-in route without a bearer token answers 401.
  const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  if (routes[match.name].auth === 'user' && !(typeof auth === 'string' && auth.startsWith('Bearer '))) {
    hooks.note(`${method} ${pathname} -> 401`);
    return { status: 401, body: { type: 'about:blank', title: 'Unauthorized', status: 401, code: 'UNAUTHORIZED', detail: '请先登录' } };
  }
  const handler = canned[match.name] as (call: { params: Record<string, string>; query: Record<string, string>; body: unknown }) => unknown;
  const out = handler({ params: match.params, query, body });
  // Like the server: a route answering 204 has no body.
  if ((routes[match.name] as RouteDef).status === 204) {
    hooks.note(`${method} ${pathname} -> 204`);
    return { status: 204, body: null };
  }
  if (out === null) {
    hooks.note(`${method} ${pathname} -> 404`);
    return { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404, code: 'NOT_FOUND', detail: pathname } };
  }
  hooks.note(`${method} ${pathname} -> 200`);
  return { status: 200, body: out };
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}

export interface PlatformApi {
  api: Api;
  storage: Map<string, unknown>;
  navigations: string[];
  /** The options of every showShareMenu call, in order. */
  shareMenus: Record<string, unknown>[];
  /** Every socket the app opened, and a way to end those still open. */
  sockets: { reports: SocketReport[]; closeAll(): void };
  /** Fires the listeners registered with onAppShow, as the host does after App.onShow. */
  emitAppShow(options: unknown): void;
}

export interface PlatformOptions {
  /** Origin of a running API that sockets connect to (see sockets.ts); absent: sockets cannot connect. */
  realtimeTarget?: string;
  /** Origin of a running API that request() goes to (see realExchange); absent: canned answers. */
  httpTarget?: string;
}

/**
 * request() against a running API: the app's URL with the target's origin, the app's headers,
 * GET data as the query (as the hosts do), other data as the JSON body. Answers as `done` with
 * the status and parsed body; a network failure as `failed`.
 */
function realExchange(
  hooks: HostHooks,
  target: string,
  o: { url: string; method: string; data: unknown; headers: Record<string, unknown> },
  done: (status: number, body: unknown) => void,
  failed: (message: string) => void,
): void {
  const dest = new URL(o.url, 'http://127.0.0.1:3000');
  const t = new URL(target);
  dest.protocol = t.protocol;
  dest.host = t.host;
  if (!matchRoute(o.method, dest.pathname)) hooks.fail(`request to a path the API does not have: ${o.method} ${dest.pathname}`);
  let body: string | undefined;
  if (o.method === 'GET') {
    if (o.data && typeof o.data === 'object') for (const [k, v] of Object.entries(o.data)) if (v !== undefined) dest.searchParams.set(k, String(v));
  } else if (o.data !== undefined && o.data !== null) {
    body = typeof o.data === 'string' ? o.data : JSON.stringify(o.data);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.headers)) if (v !== undefined && v !== null) headers[k] = String(v);
  if (body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  fetch(dest, { method: o.method, headers, body, signal: AbortSignal.timeout(20_000) })
    .then(async (res) => {
      const text = await res.text();
      hooks.later(() => {
        hooks.note(`${o.method} ${dest.pathname} -> ${res.status}`);
        done(res.status, text ? safeJson(text) : null);
      });
    })
    .catch((err: unknown) => {
      hooks.later(() => {
        hooks.note(`${o.method} ${dest.pathname} -> failed`);
        failed(err instanceof Error ? err.message : String(err));
      });
    });
}

export function createPlatformApi(platform: Platform, hooks: HostHooks, options: PlatformOptions = {}): PlatformApi {
  const storage = new Map<string, unknown>();
  const navigations: string[] = [];
  const shareMenus: Record<string, unknown>[] = [];
  const api: Api = {};
  const appShow = new Set<(o: unknown) => void>();
  // Registered but never fired: the smoke run never hides the app or loses the network.
  const appHide = new Set<() => void>();
  const netChange = new Set<(o: unknown) => void>();
  const name = PLATFORM_GLOBAL[platform];
  const ok = (extra: Record<string, unknown> = {}) => ({ errMsg: 'ok', ...extra });

  for (const key of DECLARED_UNIMPLEMENTED) {
    api[key] = () => { throw new Error(`smoke host: ${name}.${key} is not implemented; add it to smoke/platform-api.ts`); };
  }

  // ---- system and environment
  api.getSystemInfoSync = () => systemInfo(platform);
  api.getSystemInfo = (o?: Callbacks) => settle(hooks, o, systemInfo(platform));
  api.getWindowInfo = () => systemInfo(platform);
  api.getDeviceInfo = () => systemInfo(platform);
  api.getAppBaseInfo = () => systemInfo(platform);
  api.getSystemSetting = () => ({ bluetoothEnabled: false, locationEnabled: false, wifiEnabled: true, deviceOrientation: 'portrait' });
  api.getAccountInfoSync = () => ({ miniProgram: { appId: 'touristappid', envVersion: 'develop', version: '' } });
  api.getLaunchOptionsSync = () => ({ path: '', query: {}, scene: 1001, referrerInfo: {} });
  api.getEnterOptionsSync = () => ({ path: '', query: {}, scene: 1001, referrerInfo: {} });
  api.getMenuButtonBoundingClientRect = () => ({ width: 87, height: 32, top: 48, right: 368, bottom: 80, left: 281 });
  api.canIUse = (what: string) => typeof api[String(what).split('.')[0]] === 'function'
    && !DECLARED_UNIMPLEMENTED.includes(String(what).split('.')[0]);
  api.nextTick = (fn: () => void) => hooks.later(fn);
  api.getUpdateManager = () => ({
    onCheckForUpdate: (cb: (r: unknown) => void) => hooks.later(() => cb({ hasUpdate: false })),
    onUpdateReady: () => undefined,
    onUpdateFailed: () => undefined,
    applyUpdate: () => undefined,
  });
  api.reportAnalytics = () => undefined;
  api.onError = () => undefined;
  api.offError = () => undefined;
  api.onUnhandledRejection = () => undefined;
  api.onPageNotFound = () => undefined;
  api.onMemoryWarning = () => undefined;

  // ---- app lifecycle and network
  api.onAppShow = (cb: (o: unknown) => void) => { appShow.add(cb); };
  api.offAppShow = (cb: (o: unknown) => void) => { appShow.delete(cb); };
  api.onAppHide = (cb: () => void) => { appHide.add(cb); };
  api.offAppHide = (cb: () => void) => { appHide.delete(cb); };
  api.onNetworkStatusChange = (cb: (o: unknown) => void) => { netChange.add(cb); };
  api.offNetworkStatusChange = (cb: (o: unknown) => void) => { netChange.delete(cb); };
  api.getNetworkType = (o?: Callbacks) => settle(hooks, o, platform === 'alipay'
    ? ok({ networkType: 'WIFI', networkAvailable: true })
    : ok({ networkType: 'wifi' }));

  // ---- storage (in memory); alipay's sync storage takes and returns objects
  if (platform === 'alipay') {
    api.getStorageSync = ({ key }: { key: string }) => ({ data: storage.has(key) ? storage.get(key) : null });
    api.setStorageSync = ({ key, data }: { key: string; data: unknown }) => { storage.set(key, data); };
    api.removeStorageSync = ({ key }: { key: string }) => { storage.delete(key); };
  } else {
    api.getStorageSync = (key: string) => (storage.has(key) ? storage.get(key) : '');
    api.setStorageSync = (key: string, data: unknown) => { storage.set(key, data); };
    api.removeStorageSync = (key: string) => { storage.delete(key); };
  }
  api.clearStorageSync = () => storage.clear();
  api.getStorageInfoSync = () => ({ keys: [...storage.keys()], currentSize: 0, limitSize: 10240 });
  api.getStorage = (o: Callbacks & { key: string }) => (storage.has(o.key)
    ? settle(hooks, o, ok({ data: storage.get(o.key) }))
    : settle(hooks, o, { errMsg: 'getStorage:fail data not found' }, false));
  api.setStorage = (o: Callbacks & { key: string; data: unknown }) => { storage.set(o.key, o.data); settle(hooks, o, ok()); };
  api.removeStorage = (o: Callbacks & { key: string }) => { storage.delete(o.key); settle(hooks, o, ok()); };
  api.clearStorage = (o?: Callbacks) => { storage.clear(); settle(hooks, o, ok()); };

  // ---- network
  const request = (o: Callbacks & { url: string; method?: string; data?: unknown; header?: Record<string, unknown>; headers?: Record<string, unknown> }) => {
    const method = (o.method ?? 'GET').toUpperCase();
    let aborted = false;
    const answerWith = (status: number, body: unknown) => {
      const res = platform === 'alipay'
        ? { data: body, status, headers: { 'content-type': 'application/json' } }
        : { data: body, statusCode: status, header: { 'Content-Type': 'application/json' }, cookies: [], errMsg: 'request:ok' };
      o.success?.(res);
      o.complete?.(res);
    };
    if (options.httpTarget) {
      realExchange(hooks, options.httpTarget, { url: o.url, method, data: o.data, headers: { ...(o.header ?? {}), ...(o.headers ?? {}) } }, (status, body) => {
        if (!aborted) answerWith(status, body);
      }, (message) => {
        if (aborted) return;
        const err = platform === 'alipay' ? { error: 19, errorMessage: message } : { errMsg: `request:fail ${message}` };
        o.fail?.(err);
        o.complete?.(err);
      });
    } else hooks.later(() => {
      if (aborted) return;
      const { status, body } = answer(hooks, method, o.url, o.data, { ...(o.header ?? {}), ...(o.headers ?? {}) });
      answerWith(status, body);
    }, 5);
    return {
      abort: () => {
        aborted = true;
        hooks.later(() => { const err = { errMsg: 'request:fail abort' }; o.fail?.(err); o.complete?.(err); });
      },
      onHeadersReceived: () => undefined,
      offHeadersReceived: () => undefined,
      onChunkReceived: () => undefined,
      offChunkReceived: () => undefined,
    };
  };
  api.request = request;
  if (platform === 'alipay') api.httpRequest = request;
  const sockets = createSocketHost(platform, hooks, options.realtimeTarget ?? null);
  api.connectSocket = sockets.connectSocket;

  // ---- login and payment
  if (platform === 'alipay') {
    api.getAuthCode = (o?: Callbacks) => settle(hooks, o, { authCode: LOGIN_CODE });
    api.tradePay = (o?: Callbacks) => settle(hooks, o, { resultCode: '9000' });
  } else {
    api.login = (o?: Callbacks) => settle(hooks, o, ok(platform === 'tt'
      ? { code: LOGIN_CODE, anonymousCode: `${LOGIN_CODE}-anon`, isLogin: true }
      : { code: LOGIN_CODE }));
    api.checkSession = (o?: Callbacks) => settle(hooks, o, ok());
  }
  if (platform === 'weapp') api.requestPayment = (o?: Callbacks) => settle(hooks, o, ok());
  if (platform === 'tt') {
    api.pay = (o?: Callbacks) => settle(hooks, o, ok({ code: 0 }));
    api.requestOrder = (o?: Callbacks) => settle(hooks, o, ok({ orderId: 'smoke', itemOrderList: [] }));
    api.getOrderPayment = (o?: Callbacks) => settle(hooks, o, ok());
  }

  // ---- UI feedback
  api.showToast = (o?: Callbacks) => settle(hooks, o, ok());
  api.hideToast = (o?: Callbacks) => settle(hooks, o, ok());
  api.showLoading = (o?: Callbacks) => settle(hooks, o, ok());
  api.hideLoading = (o?: Callbacks) => settle(hooks, o, ok());
  if (platform === 'alipay') {
    api.confirm = (o?: Callbacks) => settle(hooks, o, { confirm: true });
    api.alert = (o?: Callbacks) => settle(hooks, o, { success: true });
  } else {
    api.showModal = (o?: Callbacks) => settle(hooks, o, ok({ confirm: true, cancel: false }));
  }
  // The share menu a page asks for (WeChat: withShareTicket and menus), recorded for the report.
  api.showShareMenu = (o?: Callbacks & Record<string, unknown>) => {
    const { success: _s, fail: _f, complete: _c, ...options } = o ?? {};
    shareMenus.push(options);
    settle(hooks, o, ok());
  };
  api.setNavigationBarTitle = (o?: Callbacks) => settle(hooks, o, ok());
  api.setNavigationBarColor = (o?: Callbacks) => settle(hooks, o, ok());
  if (platform === 'alipay') api.setNavigationBar = (o?: Callbacks) => settle(hooks, o, ok());
  api.showNavigationBarLoading = () => undefined;
  api.hideNavigationBarLoading = () => undefined;
  api.stopPullDownRefresh = (o?: Callbacks) => settle(hooks, o, ok());
  api.pageScrollTo = (o?: Callbacks) => settle(hooks, o, ok());
  api.hideHomeButton = (o?: Callbacks) => settle(hooks, o, ok());
  api.setBackgroundColor = (o?: Callbacks) => settle(hooks, o, ok());
  api.setBackgroundTextStyle = (o?: Callbacks) => settle(hooks, o, ok());
  api.showTabBar = (o?: Callbacks) => settle(hooks, o, ok());
  api.hideTabBar = (o?: Callbacks) => settle(hooks, o, ok());
  api.createSelectorQuery = () => selectorQuery(hooks);
  api.createIntersectionObserver = () => {
    const observer: Record<string, unknown> = {};
    observer.relativeTo = () => observer;
    observer.relativeToViewport = () => observer;
    observer.observe = () => undefined;
    observer.disconnect = () => undefined;
    return observer;
  };

  // ---- navigation (recorded; the host mounts every page itself)
  for (const nav of ['navigateTo', 'redirectTo', 'switchTab', 'reLaunch', 'navigateBack']) {
    api[nav] = (o?: Callbacks & { url?: string; delta?: number }) => {
      navigations.push(`${nav} ${o?.url ?? o?.delta ?? ''}`.trim());
      settle(hooks, o, ok());
    };
  }

  const emitAppShow = (options: unknown) => { for (const cb of [...appShow]) cb(options); };
  return { api, storage, navigations, shareMenus, emitAppShow, sockets: { reports: sockets.reports, closeAll: sockets.closeAll } };
}
