import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createPlatformApi, PLATFORM_GLOBAL, type HostHooks, type Platform } from './platform-api';
import { DEFAULT_PAGE_QUERIES } from './fixtures';
import { frames, type SocketReport } from './sockets';

/**
 * A minimal simulated mini-program host (no outside runtime): it loads a compiled build
 * (dist/weapp, dist/alipay or dist/tt) the way the real host does and mounts every page listed
 * in app.json.
 *
 * - Every compiled file runs in one `vm` context with a CommonJS `require` resolving relative
 *   to the file, as the IDEs do (`require("./runtime")`, `require("../sub-common/x.js")`).
 * - The context gets what the host gives a mini-program and nothing more: App, Page,
 *   Component, getApp, getCurrentPages, requirePlugin, the platform API object (wx / my / tt),
 *   console and timers. Web and Node globals (URL, TextEncoder, queueMicrotask, process...) are
 *   absent, as they are on a device.
 * - Timers run on a virtual clock: after each lifecycle step the host drains microtasks and
 *   fires timers due within a horizon, so retries and debounces run without real waiting.
 * - A page passes only when: no lifecycle threw, no timer or callback threw, no unhandled
 *   rejection, no console.error, App.onError was not called (React errors land there), no
 *   request hit an unknown path, setData delivered a non-empty rendered tree, and, for the
 *   pages listed in EXPECTED_REQUESTS / EXPECTED_TEXT, the page asked for its data and shows it.
 */

export interface PageReport {
  route: string;
  query: Record<string, string>;
  ok: boolean;
  errors: string[];
  warnings: string[];
  setDataCalls: number;
  /** Number of element nodes in the page's data.root after mounting. */
  renderedNodes: number;
  /** The rendered text (first 2000 characters). */
  text: string;
  requests: string[];
  /**
   * What the page's share handlers answer when the host's menu asks (after mounting): a card to a
   * chat (onShareAppMessage, every platform) and WeChat's timeline (onShareTimeline); absent
   * when the page has no handler.
   */
  share: { appMessage?: unknown; timeline?: unknown };
  /** The share menus the page asked for while shown (showShareMenu options). */
  shareMenus: Record<string, unknown>[];
}

export interface SmokeReport {
  platform: Platform;
  buildDir: string;
  launch: { ok: boolean; errors: string[]; warnings: string[]; requests: string[] };
  pages: PageReport[];
  /** Device-absent globals (ABSENT_WEB_GLOBALS) some code read. */
  absentGlobalsRead: string[];
  navigations: string[];
  /** Every socket the app opened (connectSocket), with the frames each way. */
  sockets: SocketReport[];
}

export interface SmokeOptions {
  buildDir: string;
  platform: Platform;
  /** Query per route; default: DEFAULT_PAGE_QUERIES by short route name (product, orders/detail, ...). */
  queries?: Record<string, Record<string, string>>;
  /** Virtual milliseconds of timers run after each step; default 3000. */
  horizonMs?: number;
  /** Only these routes (default: every page in app.json). */
  only?: string[];
  /** Storage contents before launch (e.g. a persisted session). */
  storage?: Record<string, unknown>;
  /** Requests each page must make on mount, by short route name; default EXPECTED_REQUESTS. */
  expectedRequests?: Record<string, string[]>;
  /** Text each page must show after mounting, by short route name; default EXPECTED_TEXT. */
  expectedText?: Record<string, string[]>;
  /**
   * A running API for the app's realtime socket (HTTP stays canned): sockets connect to `target`
   * (an origin), and after launch the host waits in real time, up to `waitMs` (default 15 s),
   * until the app's socket has been subscribed (a `subscribed` frame), running the app's timers
   * as real time passes (`waitMs` 0: no wait, e.g. a guest's app opens no socket until a live
   * room follows its topic). Without it every socket fails to connect.
   */
  realtime?: { target: string; waitMs?: number };
  /**
   * A running API for the app's HTTP requests too (origin): request() goes to that server for
   * real (the build's API base replaced by `target`) instead of the canned answers.
   */
  http?: { target: string };
}

/** Globals of browsers and Node that mini-program hosts lack. */
export const ABSENT_WEB_GLOBALS = [
  'AbortController', 'AbortSignal', 'TextEncoder', 'TextDecoder', 'fetch', 'XMLHttpRequest', 'structuredClone',
  'localStorage', 'sessionStorage', 'Blob', 'FormData', 'Headers', 'Request', 'Response', 'EventTarget', 'Event',
];

/**
 * Requests a page must make on mount (by short route name): a page that shows server data and
 * never asks for it has a broken data layer even when nothing throws.
 */
/**
 * Text a page must show once its canned data arrived (by short route name): a page that
 * fetched and then rendered an error or an endless skeleton fails here.
 */
export const EXPECTED_TEXT: Record<string, string[]> = {
  home: ['服饰'],
  category: ['服饰'],
  product: ['示例商品'],
};

export const EXPECTED_TEXT_SIGNED_IN: Record<string, string[]> = {
  ...EXPECTED_TEXT,
  'orders/detail': ['示例商品'],
  checkout: ['示例商品'],
  'checkout/address-list': ['张三'],
  'checkout/cashier': ['应付金额', '支付明细'],
  'checkout/result': ['支付明细'],
  merchant: ['示例商家', '今日数据'],
  'merchant/orders': ['暂无订单'],
  'merchant/order': ['示例商品', '发货'],
  'merchant/after-sales': ['示例商品'],
  'merchant/after-sale': ['示例商品', '同意退款'],
  'merchant/products': ['示例商品'],
  'merchant/stock-alerts': ['暂无需要补货的商品'],
  'merchant/staff': ['邀请店员'],
  'merchant/audit': ['暂无操作记录'],
  'merchant/join': ['示例商家', '加入店铺'],
  'merchant/live-sessions': ['秋冬上新直播专场', '直播中', '成交金额'],
  'merchant/live-edit': ['直播信息', '开播日期', '添加商品'],
  'merchant/live-console': ['实时数据', '讲解中', '结束直播'],
  aftersale: ['示例商品', '待商家处理'],
  'aftersale/apply': ['示例商品', '申请原因', '退货退款'],
  'aftersale/detail': ['待商家处理', '不想要了'],
  promoter: ['可提现佣金（元）', '128.50', '我的团队'],
  'promoter/team': ['张**丰'],
  'promoter/commissions': ['示例商品', '待结算'],
  'promoter/leaderboard': ['第 1 名', '体**户'],
  'promoter/posters': ['店铺海报', '生成海报'],
  'promoter/withdraw': ['可提现佣金', '¥128.50', '全部提现', '提现记录'],
  'promoter/withdrawals': ['提现到余额', '审核中'],
};

export const EXPECTED_REQUESTS: Record<string, string[]> = {
  home: ['GET /api/home '],
  category: ['GET /api/categories '],
  // Opened with a share's token (DEFAULT_PAGE_QUERIES): a guest's open is a visit.
  product: ['GET /api/products/', 'POST /api/referral/visits '],
};

/** With a signed-in session, the account pages load the account's data too. */
export const EXPECTED_REQUESTS_SIGNED_IN: Record<string, string[]> = {
  ...EXPECTED_REQUESTS,
  // Signed in, the open binds at once; the shopper promotes (canned), so the page asks for the
  // estimate, and home for the promoter's share link (kept: the product page shares it too).
  product: ['GET /api/products/', 'POST /api/referral/bind ', 'GET /api/referral/estimate '],
  home: ['GET /api/home ', 'POST /api/referral/links '],
  me: ['GET /api/orders/counts '],
  cart: ['GET /api/cart '],
  orders: ['GET /api/orders '],
  'orders/detail': ['GET /api/orders/o_smoke '],
  'checkout/address-list': ['GET /api/addresses '],
  checkout: ['POST /api/checkout/preview '],
  'checkout/cashier': ['GET /api/parent-orders/po_smoke ', 'GET /api/wallet '],
  'checkout/result': ['GET /api/payments/pay_smoke '],
  merchant: ['GET /api/merchants/m_demo ', 'GET /api/merchants/m_demo/dashboard '],
  'merchant/orders': ['GET /api/merchants/m_demo/orders '],
  'merchant/order': ['GET /api/merchants/m_demo/orders/o_smoke '],
  'merchant/after-sales': ['GET /api/merchants/m_demo/after-sales '],
  'merchant/after-sale': ['GET /api/merchants/m_demo/after-sales/as_smoke '],
  'merchant/products': ['GET /api/merchants/m_demo/products '],
  'merchant/stock-alerts': ['GET /api/merchants/m_demo/stock-alerts '],
  'merchant/staff': ['GET /api/merchants/m_demo/staff '],
  'merchant/audit': ['GET /api/merchants/m_demo/audit '],
  'merchant/join': ['GET /api/staff-invites/SMK2345Q '],
  'merchant/live-sessions': ['GET /api/merchants/m_demo/live/sessions '],
  'merchant/live-console': ['GET /api/merchants/m_demo/live/sessions/ls_demo '],
  aftersale: ['GET /api/after-sales '],
  'aftersale/apply': ['GET /api/orders/o_smoke_shipped ', 'GET /api/after-sales '],
  'aftersale/detail': ['GET /api/after-sales/as_smoke '],
  promoter: ['GET /api/referral/me ', 'GET /api/referral/earnings '],
  'promoter/team': ['GET /api/referral/me ', 'GET /api/referral/team '],
  'promoter/commissions': ['GET /api/referral/commissions '],
  'promoter/leaderboard': ['GET /api/referral/leaderboard '],
  'promoter/posters': ['GET /api/referral/me ', 'GET /api/products '],
  'promoter/withdraw': ['GET /api/referral/earnings '],
  'promoter/withdrawals': ['GET /api/referral/withdrawals '],
};

interface Phase {
  errors: string[];
  warnings: string[];
  requests: string[];
}

type Fn = (...args: unknown[]) => unknown;
type Dict = Record<string, unknown>;

interface Timer {
  id: number;
  due: number;
  fn: Fn;
  args: unknown[];
  interval: number | null;
}

/** Timers on a virtual clock: nothing fires until the host advances it. */
class VirtualClock {
  now = 0;
  private seq = 0;
  private timers = new Map<number, Timer>();

  add(fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
    if (typeof fn !== 'function') throw new TypeError('smoke host: timer callback is not a function');
    const delay = Math.max(0, Number(ms) || 0);
    const id = ++this.seq;
    this.timers.set(id, { id, due: this.now + delay, fn: fn as Fn, args, interval: repeat ? Math.max(1, delay) : null });
    return id;
  }

  clear(id: unknown): void {
    this.timers.delete(Number(id));
  }

  /** The earliest timer due at or before `limit`, removed (or rescheduled when repeating). */
  takeDue(limit: number): Timer | null {
    let next: Timer | null = null;
    for (const t of this.timers.values()) {
      if (t.due <= limit && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
    }
    if (!next) return null;
    this.now = Math.max(this.now, next.due);
    if (next.interval !== null) next.due = this.now + next.interval;
    else this.timers.delete(next.id);
    return next;
  }

  get pending(): number {
    return this.timers.size;
  }

  clearAll(): void {
    this.timers.clear();
  }
}

const drainMicrotasks = async () => {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

export function formatError(err: unknown): string {
  if (err && typeof err === 'object' && 'stack' in err && typeof (err as { stack: unknown }).stack === 'string') {
    const stack = (err as { stack: string }).stack.split('\n').slice(0, 4).join('\n');
    return stack;
  }
  if (err && typeof err === 'object') {
    try { return JSON.stringify(err); } catch { return String(err); }
  }
  return String(err);
}

function formatArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : formatError(a))).join(' ');
}

/** Splits "root.cn.[0].v", "root.cn[0].v" and "list[2]" into path segments. */
export function parseDataPath(key: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of key.split('.')) {
    const re = /([^[\]]+)|\[(\d+)\]/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(part)) !== null) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  }
  return out;
}

/** Applies a setData patch the way the host does: each key is a path into `data`. */
export function applyPatch(data: Dict, patch: Dict): void {
  for (const [key, value] of Object.entries(patch)) {
    const segs = parseDataPath(key);
    if (segs.length === 0) throw new Error(`setData: empty key "${key}"`);
    let target: Dict | unknown[] = data;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i];
      const holder = target as Record<string | number, unknown>;
      let child = holder[seg];
      if (child === null || typeof child !== 'object') {
        child = typeof segs[i + 1] === 'number' ? [] : {};
        holder[seg] = child;
      }
      target = child as Dict;
    }
    (target as Record<string | number, unknown>)[segs[segs.length - 1]] = cloneData(value);
  }
}

/** setData crosses a thread boundary as JSON: functions and undefined do not survive. */
function cloneData(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value));
}

/** The text of a rendered Taro tree (text nodes carry `v`), joined by spaces. */
export function treeText(tree: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) { n.forEach(walk); return; }
    if (!n || typeof n !== 'object') return;
    const node = n as Dict;
    if (typeof node.v === 'string' && node.v.trim()) out.push(node.v.trim());
    walk(node.cn);
  };
  walk(tree);
  return out.join(' ');
}

/** Counts element nodes (objects with a node name `nn`) in a rendered Taro tree. */
export function countNodes(tree: unknown): number {
  if (Array.isArray(tree)) return tree.reduce<number>((n, c) => n + countNodes(c), 0);
  if (!tree || typeof tree !== 'object') return 0;
  const node = tree as Dict;
  return ('nn' in node ? 1 : 0) + countNodes(node.cn);
}

function pageKey(route: string): string {
  return route.replace(/^\/?pages\//, '').replace(/\/index$/, '');
}

interface AppJson {
  pages?: string[];
  subPackages?: { root: string; pages: string[] }[];
  subpackages?: { root: string; pages: string[] }[];
}

export function listPages(appJson: AppJson): string[] {
  const main = appJson.pages ?? [];
  const subs = appJson.subPackages ?? appJson.subpackages ?? [];
  const subPages = subs.flatMap((s) => s.pages.map((p) => `${s.root.replace(/\/+$/, '')}/${p}`));
  return [...main, ...subPages];
}

/** Loads one build and mounts its pages; returns a per-page report. Never throws for page faults. */
/** A page the host has mounted: its report and its instance (data.root is the rendered tree). */
export interface MountedPage {
  page: PageReport;
  inst: Dict;
  /** What the page file registered (Page or Component). */
  config: Dict;
  isComponent: boolean;
}

/**
 * A loaded build in the simulated host, driven step by step: launch the app, mount a page, let
 * virtual or real time pass, read the page's tree, unmount it. runSmoke drives it over every
 * page; smoke/driven-host.ts drives one page from a test (another process) while real servers
 * answer.
 */
export interface Host {
  report: SmokeReport;
  /** App.onLaunch, onShow, the onAppShow listeners; with `realtime`, waits until subscribed. */
  launch(): Promise<boolean>;
  /** Loads the page's file and runs onLoad, onShow, onReady (each followed by the horizon's timers). */
  mount(route: string, query?: Record<string, string>): Promise<MountedPage | null>;
  /** What the host's share menu gets from the page's handlers (after mounting). */
  askShare(m: MountedPage): Promise<void>;
  /** Whether the page made the requests and shows the text it must (EXPECTED_REQUESTS / EXPECTED_TEXT). */
  check(m: MountedPage): void;
  unmount(m: MountedPage): Promise<void>;
  /** Fires the timers due within `span` virtual milliseconds (default: the horizon). */
  runTimers(span?: number): Promise<void>;
  /**
   * Real time passes, up to `ms` or until `until()` holds; the virtual clock keeps pace, so
   * sockets, real HTTP answers and the app's timers interleave as on a device.
   */
  passRealTime(ms: number, until?: () => boolean): Promise<void>;
  /** Ends the run: closes the sockets, drops the timers, stops listening for rejections. */
  dispose(): void;
}

/** Loads one build into a fresh simulated host (nothing runs until launch). */
export function createHost(options: SmokeOptions): Host {
  const buildDir = path.resolve(options.buildDir);
  const { platform } = options;
  const horizon = options.horizonMs ?? 3000;
  const appJsonPath = path.join(buildDir, 'app.json');
  if (!fs.existsSync(appJsonPath)) throw new Error(`smoke host: ${appJsonPath} not found: build it first (npm run build:${platform})`);

  const clock = new VirtualClock();
  const launchPhase: Phase = { errors: [], warnings: [], requests: [] };
  let phase: Phase = launchPhase;
  const fail = (message: string) => { phase.errors.push(message); };

  const hooks: HostHooks = {
    later: (fn, ms = 0) => { clock.add(fn, ms, [], false); },
    fail,
    note: (r) => { phase.requests.push(r); },
  };
  const platformApi = createPlatformApi(platform, hooks, { realtimeTarget: options.realtime?.target, httpTarget: options.http?.target });
  for (const [key, value] of Object.entries(options.storage ?? {})) platformApi.storage.set(key, value);
  const expectedRequests = options.expectedRequests ?? EXPECTED_REQUESTS;
  const expectedText = options.expectedText ?? EXPECTED_TEXT;
  const globalName = PLATFORM_GLOBAL[platform];

  // What the compiled files register.
  let appConfig: Dict | null = null;
  const pageConfigs = new Map<string, Dict>();
  const componentConfigs = new Map<string, Dict>();
  let loadingFile = '';
  const pageStack: Dict[] = [];
  let appInstance: Dict | null = null;

  const guard = (label: string, fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (err) {
      fail(`${label} threw: ${formatError(err)}`);
      return undefined;
    }
  };

  // SMOKE_DEBUG=1 prints what the pages log.
  const debug = process.env.SMOKE_DEBUG ? (...args: unknown[]) => process.stderr.write(`[${platform}] ${formatArgs(args)}\n`) : () => undefined;
  const sandbox: Dict = {
    console: {
      log: debug,
      info: debug,
      debug,
      trace: debug,
      warn: (...args: unknown[]) => {
        const text = formatArgs(args);
        // Taro's stub for an API the platform object lacks: "小程序暂不支持 <name>".
        if (text.includes('暂不支持')) fail(`unsupported API called: ${text}`);
        else phase.warnings.push(text);
      },
      error: (...args: unknown[]) => { fail(`console.error: ${formatArgs(args)}`); },
    },
    setTimeout: (fn: unknown, ms?: unknown, ...args: unknown[]) => clock.add(fn, ms, args, false),
    setInterval: (fn: unknown, ms?: unknown, ...args: unknown[]) => clock.add(fn, ms, args, true),
    clearTimeout: (id: unknown) => clock.clear(id),
    clearInterval: (id: unknown) => clock.clear(id),
    [globalName]: platformApi.api,
    App: (config: Dict) => {
      if (appConfig) fail('App() called twice');
      appConfig = config;
    },
    Page: (config: Dict) => {
      if (!loadingFile) { fail('Page() called outside a page file'); return; }
      pageConfigs.set(loadingFile, config);
    },
    Component: (config: Dict) => { componentConfigs.set(loadingFile, config); },
    Behavior: (config: Dict) => config,
    getApp: () => appInstance,
    getCurrentPages: () => [...pageStack],
    requirePlugin: (name: string) => {
      throw new Error(`smoke host: requirePlugin('${name}'): plugins are not available in the smoke host`);
    },
  };
  // Alipay's JS engine has a navigator global (Taro's alipay runtime reads its userAgent).
  if (platform === 'alipay') sandbox.navigator = { userAgent: 'Mozilla/5.0 AlipayClient/10.6.0 smoke-host', swuserAgent: '' };
  if (platform === 'weapp') sandbox.__wxConfig = { envVersion: 'develop', platform: 'devtools' };
  const context = vm.createContext(sandbox, { name: `smoke-${platform}` });
  // Web globals a device does not have. Reading one yields undefined, as on a device, but the
  // read is noted: libraries that use one swallow the error (react-query's fetch rejects with
  // "AbortController is not defined" into a catch(noop)), so the note names the cause when a
  // page then never asks for its data. A polyfill may assign the global; it then works.
  const absentRead = new Set<string>();
  for (const name of ABSENT_WEB_GLOBALS) {
    let polyfilled: unknown;
    let assigned = false;
    Object.defineProperty(context, name, {
      configurable: true,
      get() {
        if (assigned) return polyfilled;
        absentRead.add(name);
        return undefined;
      },
      set(value: unknown) { assigned = true; polyfilled = value; },
    });
  }

  // CommonJS loader over the build folder.
  const modules = new Map<string, { exports: unknown }>();
  const resolveFile = (from: string, spec: string): string => {
    if (!spec.startsWith('.') && !spec.startsWith('/')) {
      throw new Error(`smoke host: require('${spec}') in ${path.relative(buildDir, from)}: a mini-program can only require files of its own package`);
    }
    const base = spec.startsWith('/') ? path.join(buildDir, spec) : path.resolve(path.dirname(from), spec);
    for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
      if (candidate.startsWith(buildDir + path.sep) && fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    throw new Error(`smoke host: require('${spec}') in ${path.relative(buildDir, from)}: no such file in ${buildDir}`);
  };
  const load = (file: string): unknown => {
    const cached = modules.get(file);
    if (cached) return cached.exports;
    const mod = { exports: {} as unknown };
    modules.set(file, mod);
    const source = fs.readFileSync(file, 'utf8');
    const wrapper = vm.runInContext(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, context, {
      filename: file,
    }) as Fn;
    const localRequire = (spec: string) => load(resolveFile(file, spec));
    const previous = loadingFile;
    loadingFile = path.relative(buildDir, file).replace(/\\/g, '/').replace(/\.js$/, '');
    try {
      wrapper.call(mod.exports, mod.exports, localRequire, mod, file, path.dirname(file));
    } finally {
      loadingFile = previous;
    }
    return mod.exports;
  };

  const onUnhandled = (reason: unknown) => { fail(`unhandled rejection: ${formatError(reason)}`); };
  process.on('unhandledRejection', onUnhandled);

  const runTimers = async (span = horizon) => {
    const limit = clock.now + span;
    for (let steps = 0; ; steps++) {
      await drainMicrotasks();
      if (steps > 20000) { fail('timers never settle (a timer keeps rescheduling itself at once)'); return; }
      const timer = clock.takeDue(limit);
      if (!timer) break;
      guard('timer callback', () => timer.fn(...timer.args));
    }
    clock.now = limit;
    await drainMicrotasks();
  };

  const passRealTime = async (ms: number, until?: () => boolean) => {
    const started = Date.now();
    let last = started;
    while (!until?.() && Date.now() - started < ms) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const now = Date.now();
      await runTimers(now - last);
      last = now;
    }
    await runTimers(0);
  };

  const report: SmokeReport = {
    platform,
    buildDir,
    launch: { ok: false, errors: launchPhase.errors, warnings: launchPhase.warnings, requests: launchPhase.requests },
    pages: [],
    navigations: platformApi.navigations,
    absentGlobalsRead: [],
    sockets: platformApi.sockets.reports,
  };

  /** Real time passes (the virtual clock keeps pace) until the app's socket is subscribed. */
  const waitForRealtime = async (waitMs: number) => {
    const subscribed = () => platformApi.sockets.reports.some((r) => frames(r.received).some((f) => f.op === 'subscribed'));
    await passRealTime(waitMs, subscribed);
    if (!subscribed()) {
      const seen = platformApi.sockets.reports.map((r) => ({ url: r.url, opened: r.opened, sent: frames(r.sent).map((f) => f.op), received: frames(r.received), closed: r.closed }));
      fail(`the realtime socket was not subscribed within ${waitMs} ms: ${JSON.stringify(seen).slice(0, 600)}`);
    }
  };

  const launch = async (): Promise<boolean> => {
    phase = launchPhase;
    const firstPage = listPages(JSON.parse(fs.readFileSync(appJsonPath, 'utf8')) as AppJson)[0] ?? '';
    const launchOptions = { path: firstPage, query: {}, scene: 1001, referrerInfo: {} };
    guard('app.js', () => load(path.join(buildDir, 'app.js')));
    const app = appConfig as Dict | null;
    if (!app) {
      if (launchPhase.errors.length === 0) fail('app.js did not call App()');
    } else {
      // React render errors reach App.onError through Taro's page error boundary: count them.
      const originalOnError = app.onError;
      // Taro defines onError writable but not configurable: assign, do not redefine.
      app.onError = function onError(this: unknown, err: unknown) {
        fail(`App.onError: ${formatError(err)}`);
        if (typeof originalOnError === 'function') return (originalOnError as Fn).call(this, err);
        return undefined;
      };
      appInstance = app;
      const call = (name: string, ...args: unknown[]) => {
        const fn = app[name];
        if (typeof fn === 'function') guard(`App.${name}`, () => (fn as Fn).apply(app, args));
      };
      call('onLaunch', launchOptions);
      call('onShow', launchOptions);
      guard('onAppShow listener', () => platformApi.emitAppShow(launchOptions));
      await runTimers();
      if (options.realtime && options.realtime.waitMs !== 0) await waitForRealtime(options.realtime.waitMs ?? 15_000);
    }
    report.launch.ok = launchPhase.errors.length === 0;
    return report.launch.ok;
  };

  const lifecycle = (m: MountedPage, name: string, ...args: unknown[]) => {
    const fn = m.inst[name] ?? (m.config.lifetimes as Dict | undefined)?.[name];
    if (typeof fn === 'function') guard(`${name}`, () => (fn as Fn).apply(m.inst, args));
  };

  let viewId = 0;
  const mount = async (route: string, given?: Record<string, string>): Promise<MountedPage | null> => {
    const pagePhase: Phase = { errors: [], warnings: [], requests: [] };
    phase = pagePhase;
    const query = given ?? options.queries?.[route] ?? DEFAULT_PAGE_QUERIES[pageKey(route)] ?? {};
    const page: PageReport = { route, query, ok: false, errors: pagePhase.errors, warnings: pagePhase.warnings, setDataCalls: 0, renderedNodes: 0, text: '', requests: pagePhase.requests, share: {}, shareMenus: [] };
    report.pages.push(page);
    if (!report.launch.ok) { fail('not mounted: the app failed to launch'); return null; }

    const file = path.join(buildDir, `${route}.js`);
    if (!fs.existsSync(file)) { fail(`${route}.js is missing from the build`); return null; }
    guard(`${route}.js`, () => load(file));
    const config = pageConfigs.get(route) ?? componentConfigs.get(route);
    if (!config) { if (pagePhase.errors.length === 0) fail(`${route}.js did not call Page() or Component()`); return null; }
    const isComponent = !pageConfigs.has(route);

    // The page instance: the config's fields and methods, plus what the host adds.
    const inst: Dict = {};
    for (const [k, v] of Object.entries(config)) if (k !== 'data' && k !== 'methods') inst[k] = v;
    if (config.methods && typeof config.methods === 'object') Object.assign(inst, config.methods);
    inst.data = cloneData(config.data ?? {}) as Dict;
    inst.route = route;
    inst.__route__ = route;
    inst.is = route;
    inst.options = { ...query };
    const pageViewId = ++viewId;
    inst.$viewId = String(pageViewId);
    inst.getPageId = () => `pageId:${pageViewId}`;
    inst.selectComponent = () => null;
    inst.selectAllComponents = () => [];
    inst.createSelectorQuery = () => (platformApi.api.createSelectorQuery as Fn)();
    inst.setData = (patch: unknown, cb?: unknown) => {
      if (!patch || typeof patch !== 'object') throw new TypeError('setData: the first argument must be an object');
      page.setDataCalls++;
      applyPatch(inst.data as Dict, patch as Dict);
      if (typeof cb === 'function') hooks.later(() => guard('setData callback', () => (cb as Fn).call(inst)));
    };
    if (platform === 'alipay') inst.$spliceData = inst.setData;
    pageStack.push(inst);

    const mounted: MountedPage = { page, inst, config, isComponent };
    if (isComponent) {
      lifecycle(mounted, platform === 'alipay' ? 'didMount' : 'attached');
      lifecycle(mounted, 'onLoad', { ...query });
    } else {
      lifecycle(mounted, 'onLoad', { ...query });
    }
    lifecycle(mounted, 'onShow');
    await runTimers();
    lifecycle(mounted, 'onReady');
    await runTimers();
    return mounted;
  };

  const askShare = async (m: MountedPage) => {
    // The host's share menu, once the page has its data: what each share handler answers.
    const { inst, page } = m;
    const ask = (name: 'onShareAppMessage' | 'onShareTimeline', arg: unknown) => {
      const fn = inst[name];
      return typeof fn === 'function' ? cloneData(guard(name, () => (fn as Fn).call(inst, arg))) : undefined;
    };
    if (typeof inst.onShareAppMessage === 'function') page.share.appMessage = ask('onShareAppMessage', { from: 'menu' });
    if (platform === 'weapp' && typeof inst.onShareTimeline === 'function') page.share.timeline = ask('onShareTimeline', {});
    page.shareMenus = platformApi.shareMenus.splice(0);
    await runTimers();
  };

  const check = ({ page, inst }: MountedPage) => {
    for (const expected of expectedRequests[pageKey(page.route)] ?? []) {
      if (!page.requests.some((r) => r.startsWith(expected))) {
        const hint = absentRead.size ? ` (globals read that devices lack: ${[...absentRead].join(', ')})` : '';
        fail(`expected a request "${expected.trim()}" on mount; none was made${hint}`);
      }
    }
    const root = (inst.data as Dict).root;
    page.renderedNodes = countNodes(root);
    page.text = treeText(root).slice(0, 2000);
    if (page.setDataCalls === 0) fail('setData was never called: nothing rendered');
    else if (page.renderedNodes === 0) fail(`setData left an empty tree (data.root = ${JSON.stringify(root)?.slice(0, 200)})`);
    else {
      for (const want of expectedText[pageKey(page.route)] ?? []) {
        if (!page.text.includes(want)) fail(`expected the page to show "${want}" from the canned data; it shows: ${page.text.slice(0, 200) || '(no text)'}`);
      }
    }
  };

  const unmount = async (m: MountedPage) => {
    lifecycle(m, 'onHide');
    lifecycle(m, m.isComponent ? (platform === 'alipay' ? 'didUnmount' : 'detached') : 'onUnload');
    await runTimers();
    const at = pageStack.indexOf(m.inst);
    if (at >= 0) pageStack.splice(at, 1);
    m.page.ok = m.page.errors.length === 0;
  };

  const dispose = () => {
    report.absentGlobalsRead = [...absentRead];
    platformApi.sockets.closeAll();
    clock.clearAll();
    process.off('unhandledRejection', onUnhandled);
  };

  return { report, launch, mount, askShare, check, unmount, runTimers, passRealTime, dispose };
}

/** Loads one build and mounts its pages; returns a per-page report. Never throws for page faults. */
export async function runSmoke(options: SmokeOptions): Promise<SmokeReport> {
  const host = createHost(options);
  try {
    const appJson = JSON.parse(fs.readFileSync(path.join(host.report.buildDir, 'app.json'), 'utf8')) as AppJson;
    const pages = listPages(appJson).filter((r) => !options.only || options.only.includes(r));
    await host.launch();
    // ---- pages, one at a time: load, show, ready, check, hide, unload
    for (const route of pages) {
      const mounted = await host.mount(route);
      if (!mounted) continue;
      await host.askShare(mounted);
      host.check(mounted);
      await host.unmount(mounted);
    }
  } finally {
    host.dispose();
  }
  return host.report;
}
