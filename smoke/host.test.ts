import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyPatch, countNodes, listPages, parseDataPath, type PageReport, type SmokeReport } from './host';
import { runHostProcess } from './run-host';

/**
 * The host must be honest: hand-written tiny builds with pages that work and pages that break
 * in each way the host claims to catch. A broken page must never pass.
 */

const view = (text: string) => `{ nn: 'view', cn: [{ nn: '#text', v: ${JSON.stringify(text)} }] }`;

/** Page sources by route; each is the body of a compiled page file for the given global. */
function pages(g: string): Record<string, string> {
  return {
    'pages/good/index': `Page({ data: { root: { cn: [] } }, onLoad(q) { this.setData({ 'root.cn': [${view('ok')}], 'query': q }); } });`,
    'pages/delayed/index': `Page({ onLoad() { setTimeout(() => this.setData({ 'root.cn[0]': ${view('late')} }), 2000); } });`,
    'pages/throws/index': `Page({ onLoad() { throw new Error('boom in onLoad'); } });`,
    'pages/throws-at-require/index': `throw new Error('boom at module load');`,
    'pages/rejects/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); Promise.reject(new Error('nobody catches me')); } });`,
    'pages/console-error/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); console.error('something broke'); } });`,
    'pages/no-setdata/index': `Page({ onLoad() {} });`,
    'pages/empty-tree/index': `Page({ onLoad() { this.setData({ 'root.cn': [] }); } });`,
    'pages/missing-require/index': `require('./not-there'); Page({ onLoad() {} });`,
    'pages/unimplemented-api/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); ${g}.scanCode({}); } });`,
    'pages/app-onerror/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); getApp().onError('React render failed'); } });`,
    'pages/timer-throws/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); setTimeout(() => { throw new Error('late boom'); }, 100); } });`,
    'pages/request-ok/index': `Page({ onLoad() { ${g}.request({ url: 'http://127.0.0.1:3000/api/home', success: (res) => {
      const ok = ${g === 'my' ? 'res.status' : 'res.statusCode'} === 200 && res.data.banners.length > 0;
      this.setData({ 'root.cn': [${view('loaded')}], ok: ok });
    } }); } });`,
    'pages/request-auth/index': `Page({ onLoad() {
      this.setData({ 'root.cn': [${view('x')}] });
      ${g}.request({ url: 'http://127.0.0.1:3000/api/cart' });
      setTimeout(() => ${g}.request({ url: 'http://127.0.0.1:3000/api/cart', ${g === 'my' ? 'headers' : 'header'}: { Authorization: 'Bearer t' } }), 50);
    } });`,
    'pages/request-unknown/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); ${g}.request({ url: 'http://127.0.0.1:3000/api/nope' }); } });`,
    'pages/uses-fetch/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); fetch('/api/home'); } });`,
    'pages/plugin/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); requirePlugin('live-player-plugin'); } });`,
    'pages/signed-in-only/index': `Page({ onLoad() { const s = ${g}.getStorageSync(${g === 'my' ? "{ key: 'shop.session' }).data" : "'shop.session')"}; if (s) this.setData({ 'root.cn': [${view('signed in')}] }); } });`,
    'pages/product/index': `Page({ onLoad() { ${g}.request({ url: 'http://127.0.0.1:3000/api/products/p_demo', success: () => this.setData({ 'root.cn': [${view('加载失败')}] }) }); } });`,
    'pages/home/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('home without data')}] }); } });`,
    'pages/socket-unreachable/index': `Page({ onLoad() {
      const task = ${g}.connectSocket({ url: 'ws://127.0.0.1:3000/api/realtime', multiple: true });
      task.onError(() => this.setData({ 'root.cn[1]': ${view('error')} }));
      task.onClose((res) => this.setData({ 'root.cn[0]': { nn: 'view', cn: [{ nn: '#text', v: 'closed ' + res.code }] } }));
    } });`,
    'pages/socket-single/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); ${g}.connectSocket({ url: 'ws://127.0.0.1:3000/api/realtime' }); } });`,
    'pages/socket-path/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); ${g}.connectSocket({ url: 'ws://127.0.0.1:3000/api/nope', multiple: true }); } });`,
    'pages/socket-global/index': `Page({ onLoad() { this.setData({ 'root.cn': [${view('x')}] }); ${g}.onSocketMessage(() => undefined); } });`,
    'pkg/sub/index': `const shared = require('../common.js'); Page({ onLoad() { this.setData({ 'root.cn': [{ nn: 'view', cn: [{ nn: '#text', v: 'sub ' + shared.name }] }] }); } });`,
  };
}

function writeBuild(g: string, appSource = `App({ onLaunch() { this.launched = true; } });`): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `smoke-host-${g}-`));
  const all = pages(g);
  const main = Object.keys(all).filter((r) => !r.startsWith('pkg/'));
  fs.writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ pages: main, subPackages: [{ root: 'pkg', pages: ['sub/index'] }] }));
  fs.writeFileSync(path.join(dir, 'app.js'), appSource);
  for (const [route, source] of Object.entries(all)) {
    fs.mkdirSync(path.join(dir, path.dirname(route)), { recursive: true });
    fs.writeFileSync(path.join(dir, `${route}.js`), source);
  }
  fs.writeFileSync(path.join(dir, 'pkg', 'common.js'), `module.exports = { name: 'shared' };`);
  return dir;
}

describe('the simulated host on hand-written builds', () => {
  const dirs: string[] = [];
  let weapp: SmokeReport;
  let alipay: SmokeReport;
  const page = (r: SmokeReport, route: string): PageReport => {
    const p = r.pages.find((x) => x.route === route);
    if (!p) throw new Error(`no report for ${route}`);
    return p;
  };

  beforeAll(() => {
    const w = writeBuild('wx');
    const a = writeBuild('my');
    dirs.push(w, a);
    weapp = runHostProcess(w, 'weapp');
    alipay = runHostProcess(a, 'alipay');
  });
  afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

  test('launches the app and visits every page, subpackages included', () => {
    expect(weapp.launch).toMatchObject({ ok: true, errors: [] });
    expect(weapp.pages.map((p) => p.route)).toContain('pkg/sub/index');
    expect(weapp.pages).toHaveLength(Object.keys(pages('wx')).length);
  });

  test('a page that calls setData with a tree is mounted', () => {
    const good = page(weapp, 'pages/good/index');
    expect(good).toMatchObject({ ok: true, errors: [], setDataCalls: 1, renderedNodes: 2 });
  });

  test('timers run on the virtual clock (a render 2 s later counts)', () => {
    expect(page(weapp, 'pages/delayed/index')).toMatchObject({ ok: true, renderedNodes: 2 });
  });

  test('relative requires resolve inside the build (subpackage -> its common file)', () => {
    expect(page(weapp, 'pkg/sub/index')).toMatchObject({ ok: true, errors: [] });
  });

  test.each([
    ['pages/throws/index', /onLoad threw: Error: boom in onLoad/],
    ['pages/throws-at-require/index', /boom at module load/],
    ['pages/rejects/index', /unhandled rejection: .*nobody catches me/],
    ['pages/console-error/index', /console.error: something broke/],
    ['pages/no-setdata/index', /setData was never called/],
    ['pages/empty-tree/index', /empty tree/],
    ['pages/missing-require/index', /require\('\.\/not-there'\).*no such file/],
    ['pages/unimplemented-api/index', /wx\.scanCode is not implemented/],
    ['pages/app-onerror/index', /App\.onError: React render failed/],
    ['pages/timer-throws/index', /timer callback threw: Error: late boom/],
    ['pages/request-unknown/index', /request to a path the API does not have: GET \/api\/nope/],
    ['pages/uses-fetch/index', /fetch is not a function|threw/],
    ['pages/plugin/index', /requirePlugin\('live-player-plugin'\)/],
    ['pages/home/index', /expected a request "GET \/api\/home" on mount/],
    ['pages/signed-in-only/index', /setData was never called/],
    ['pages/product/index', /expected the page to show "示例商品" from the canned data; it shows: 加载失败/],
  ])('%s fails with the cause', (route, cause) => {
    const p = page(weapp, route);
    expect(p.ok).toBe(false);
    expect(p.errors.join('\n')).toMatch(cause);
  });

  test('request answers canned JSON shaped like the API, by platform', () => {
    const w = page(weapp, 'pages/request-ok/index');
    expect(w).toMatchObject({ ok: true, requests: ['GET /api/home -> 200'] });
    const a = page(alipay, 'pages/request-ok/index');
    expect(a).toMatchObject({ ok: true, requests: ['GET /api/home -> 200'] });
  });

  test('--signed-in seeds the persisted session into storage (both storage APIs)', () => {
    const w = runHostProcess(dirs[0], 'weapp', { signedIn: true });
    const a = runHostProcess(dirs[1], 'alipay', { signedIn: true });
    expect(page(w, 'pages/signed-in-only/index')).toMatchObject({ ok: true, renderedNodes: 2 });
    expect(page(a, 'pages/signed-in-only/index')).toMatchObject({ ok: true, renderedNodes: 2 });
  });

  test('a signed-in route answers 401 without a bearer token, 200 with one', () => {
    expect(page(weapp, 'pages/request-auth/index').requests).toEqual(['GET /api/cart -> 401', 'GET /api/cart -> 200']);
    expect(page(alipay, 'pages/request-auth/index').requests).toEqual(['GET /api/cart -> 401', 'GET /api/cart -> 200']);
  });

  test('sockets: without a realtime server a SocketTask fails like an unreachable server (error, then close 1006)', () => {
    expect(page(weapp, 'pages/socket-unreachable/index')).toMatchObject({ ok: true, errors: [] });
    expect(page(weapp, 'pages/socket-unreachable/index').text).toBe('closed 1006 error');
    expect(page(alipay, 'pages/socket-unreachable/index').text).toBe('closed 1006 error');
    expect(weapp.sockets.find((r) => r.url.endsWith('/api/realtime'))).toMatchObject({ connectedTo: null, opened: false, closed: { code: 1006 } });
  });

  test("sockets: Alipay's single global socket (no multiple: true) is refused, a path the API lacks fails, the global socket API fails", () => {
    expect(page(weapp, 'pages/socket-single/index')).toMatchObject({ ok: true });
    expect(page(alipay, 'pages/socket-single/index').errors.join('\n')).toMatch(/without multiple: true/);
    expect(page(weapp, 'pages/socket-path/index').errors.join('\n')).toMatch(/path the API does not serve: \/api\/nope/);
    expect(page(weapp, 'pages/socket-global/index').errors.join('\n')).toMatch(/wx\.onSocketMessage is not implemented/);
  });

  test('the alipay run names my.* in its failures', () => {
    expect(page(alipay, 'pages/unimplemented-api/index').errors.join('\n')).toMatch(/my\.scanCode is not implemented/);
  });

  test('reading a device-absent global is noted', () => {
    expect(weapp.absentGlobalsRead).toContain('fetch');
  });

  test('an app that fails to launch fails every page', () => {
    const dir = writeBuild('wx', `throw new Error('app boom');`);
    dirs.push(dir);
    const r = runHostProcess(dir, 'weapp');
    expect(r.launch.ok).toBe(false);
    expect(r.launch.errors.join('\n')).toMatch(/app boom/);
    expect(r.pages.every((p) => !p.ok)).toBe(true);
  });

  test('a missing build is an error, not an empty pass', () => {
    expect(() => runHostProcess(path.join(os.tmpdir(), 'no-such-build'), 'tt')).toThrow(/app\.json not found/);
  });
});

describe('host helpers', () => {
  test('parseDataPath reads Taro and weapp path forms', () => {
    expect(parseDataPath('root.cn.[0].cn.[12].v')).toEqual(['root', 'cn', 0, 'cn', 12, 'v']);
    expect(parseDataPath('list[2].name')).toEqual(['list', 2, 'name']);
  });

  test('applyPatch sets nested paths and creates arrays for indexes', () => {
    const data: Record<string, unknown> = {};
    applyPatch(data, { 'root.cn.[0]': { nn: 'view', cn: [] }, 'root.uid': 'p1' });
    applyPatch(data, { 'root.cn.[0].cn.[1]': { nn: 'text' } });
    expect(data).toEqual({ root: { cn: [{ nn: 'view', cn: [undefined, { nn: 'text' }] }], uid: 'p1' } });
    expect(countNodes(data.root)).toBe(2);
  });

  test('listPages joins subpackage roots (subPackages or subpackages)', () => {
    expect(listPages({ pages: ['a/index'], subpackages: [{ root: 'pkg/', pages: ['x', 'y/index'] }] }))
      .toEqual(['a/index', 'pkg/x', 'pkg/y/index']);
  });
});
