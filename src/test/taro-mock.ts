/**
 * A small in-memory stand-in for @tarojs/taro in jest (jest.config.js maps the module here).
 * Storage is a Map that survives re-creating stores (a "restart"), requests go to a handler the
 * test installs, navigation and UI calls are jest mocks, and page hooks can be fired by tests.
 */
import { useEffect, useRef } from 'react';

export interface MockRequestOptions {
  url: string;
  method?: string;
  header?: Record<string, string>;
  data?: unknown;
}

export interface MockResponse {
  statusCode: number;
  data: unknown;
  header?: Record<string, string>;
}

export type RequestHandler = (opts: MockRequestOptions) => MockResponse | Promise<MockResponse>;

/** Thrown by a handler (or returned as a rejection) to simulate a network failure. */
export class MockNetworkError extends Error {
  errMsg = 'request:fail net::ERR_CONNECTION_REFUSED';
}

const storage = new Map<string, unknown>();
let handler: RequestHandler = () => ({ statusCode: 404, data: { code: 'ROUTE_NOT_FOUND', status: 404, title: 'Not Found', type: 'about:blank' } });
let routerParams: Record<string, string> = {};
let routerPath = '';
let modalResult = { confirm: true, cancel: false };
let clipboard = '';
const reachBottom = new Set<() => void>();
const pullDown = new Set<() => void>();
const didShow = new Set<() => void>();
const pageNotFound = new Set<() => void>();
const shareHandlers = new Set<() => unknown>();
const timelineHandlers = new Set<() => unknown>();
let launchOptions: { path: string; query: Record<string, string>; scene: number } = { path: '', query: {}, scene: 1001 };

export const taroMock = {
  storage,
  setRequestHandler(h: RequestHandler) {
    handler = h;
  },
  setRouterParams(params: Record<string, string>, path = '') {
    routerParams = params;
    routerPath = path;
  },
  setClipboard(text: string) {
    clipboard = text;
  },
  setModalResult(confirm: boolean) {
    modalResult = { confirm, cancel: !confirm };
  },
  triggerReachBottom() {
    reachBottom.forEach((cb) => cb());
  },
  triggerPullDownRefresh() {
    pullDown.forEach((cb) => cb());
  },
  triggerDidShow() {
    didShow.forEach((cb) => cb());
  },
  triggerPageNotFound() {
    pageNotFound.forEach((cb) => cb());
  },
  /** What the page's onShareAppMessage answers (the host asks when a share button is tapped); undefined without one. */
  share(): unknown {
    let answer: unknown;
    shareHandlers.forEach((cb) => {
      answer = cb();
    });
    return answer;
  },
  /** What the page's onShareTimeline answers (WeChat's 分享到朋友圈); undefined without one. */
  shareTimeline(): unknown {
    let answer: unknown;
    timelineHandlers.forEach((cb) => {
      answer = cb();
    });
    return answer;
  },
  /** How the app was launched and entered (getLaunchOptionsSync, getEnterOptionsSync). */
  setLaunchOptions(options: { path?: string; query?: Record<string, string>; scene?: number }) {
    launchOptions = { path: '', query: {}, scene: 1001, ...options };
  },
  reset() {
    storage.clear();
    launchOptions = { path: '', query: {}, scene: 1001 };
    timelineHandlers.clear();
    routerParams = {};
    routerPath = '';
    modalResult = { confirm: true, cancel: false };
    clipboard = '';
    handler = () => ({ statusCode: 404, data: { code: 'ROUTE_NOT_FOUND' } });
    reachBottom.clear();
    pullDown.clear();
    didShow.clear();
    pageNotFound.clear();
    shareHandlers.clear();
  },
};

const resolved = <T>(value: T) => jest.fn(() => Promise.resolve(value));

function request(opts: MockRequestOptions) {
  let aborted = false;
  const p = Promise.resolve()
    .then(() => handler(opts))
    .then((res) => {
      if (aborted) throw new MockNetworkError('aborted');
      return { ...res, header: res.header ?? {}, errMsg: 'request:ok' };
    });
  return Object.assign(p, {
    abort: () => {
      aborted = true;
    },
  });
}

const Taro = {
  ENV_TYPE: { WEAPP: 'WEAPP', ALIPAY: 'ALIPAY', TT: 'TT', WEB: 'WEB' },
  getEnv: jest.fn(() => 'WEB'),
  getStorageSync: jest.fn((key: string) => (storage.has(key) ? storage.get(key) : '')),
  setStorageSync: jest.fn((key: string, value: unknown) => {
    storage.set(key, value);
  }),
  removeStorageSync: jest.fn((key: string) => {
    storage.delete(key);
  }),
  clearStorageSync: jest.fn(() => storage.clear()),
  request: jest.fn(request),
  navigateTo: resolved({ errMsg: 'navigateTo:ok' }),
  redirectTo: resolved({ errMsg: 'redirectTo:ok' }),
  switchTab: resolved({ errMsg: 'switchTab:ok' }),
  reLaunch: resolved({ errMsg: 'reLaunch:ok' }),
  navigateBack: resolved({ errMsg: 'navigateBack:ok' }),
  getCurrentPages: jest.fn(() => [] as unknown[]),
  pxTransform: jest.fn((size: number) => `${size / 2}px`),
  getClipboardData: jest.fn(() => Promise.resolve({ data: clipboard, errMsg: 'getClipboardData:ok' })),
  setClipboardData: jest.fn((opts: { data: string }) => {
    clipboard = opts.data;
    return Promise.resolve({ errMsg: 'setClipboardData:ok' });
  }),
  showToast: resolved({ errMsg: 'showToast:ok' }),
  showLoading: resolved({ errMsg: 'showLoading:ok' }),
  hideLoading: resolved({ errMsg: 'hideLoading:ok' }),
  showModal: jest.fn(() => Promise.resolve({ ...modalResult, errMsg: 'showModal:ok' })),
  stopPullDownRefresh: resolved({ errMsg: 'stopPullDownRefresh:ok' }),
  pageScrollTo: resolved({ errMsg: 'pageScrollTo:ok' }),
  previewImage: resolved({ errMsg: 'previewImage:ok' }),
  setNavigationBarTitle: resolved({ errMsg: 'setNavigationBarTitle:ok' }),
  login: jest.fn(() => Promise.resolve({ code: 'sandbox-jest', errMsg: 'login:ok' })),
  getNetworkType: jest.fn(() => Promise.resolve({ networkType: 'wifi', errMsg: 'getNetworkType:ok' })),
  onNetworkStatusChange: jest.fn(),
  offNetworkStatusChange: jest.fn(),
  onAppShow: jest.fn(),
  getLaunchOptionsSync: jest.fn(() => launchOptions),
  getEnterOptionsSync: jest.fn(() => launchOptions),
  showShareMenu: resolved({ errMsg: 'showShareMenu:ok' }),
  offAppShow: jest.fn(),
  onAppHide: jest.fn(),
  offAppHide: jest.fn(),
};

function useRegistered(set: Set<() => void>, cb: () => void) {
  const ref = useRef(cb);
  ref.current = cb;
  useEffect(() => {
    const fn = () => ref.current();
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }, [set]);
}

export function useRouter() {
  return { params: routerParams, path: routerPath };
}
export function useLoad(cb: (params: Record<string, string>) => void) {
  const ref = useRef(cb);
  ref.current = cb;
  useEffect(() => {
    ref.current(routerParams);
  }, []);
}
export function useLaunch(cb: () => void) {
  useLoad(() => cb());
}
export function useDidShow(cb: () => void) {
  useRegistered(didShow, cb);
  useLoad(() => cb());
}
export function useDidHide(_cb: () => void) {}
export function useUnload(_cb: () => void) {}
export function useReady(_cb: () => void) {}
export function useReachBottom(cb: () => void) {
  useRegistered(reachBottom, cb);
}
export function usePullDownRefresh(cb: () => void) {
  useRegistered(pullDown, cb);
}
export function useShareAppMessage(cb: () => unknown) {
  const ref = useRef(cb);
  ref.current = cb;
  useEffect(() => {
    const fn = () => ref.current();
    shareHandlers.add(fn);
    return () => {
      shareHandlers.delete(fn);
    };
  }, []);
}
export function useShareTimeline(cb: () => unknown) {
  const ref = useRef(cb);
  ref.current = cb;
  useEffect(() => {
    const fn = () => ref.current();
    timelineHandlers.add(fn);
    return () => {
      timelineHandlers.delete(fn);
    };
  }, []);
}
export function usePageNotFound(cb: () => void) {
  useRegistered(pageNotFound, cb);
}

export default Taro;
