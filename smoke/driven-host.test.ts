import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDrivenHost } from './run-host';

/**
 * The driven host must be honest too (a hand-written build): the app lives in real time (a
 * timer of 300 ms fires after about 300 real ms, not at once), request() reaches the running
 * server given as the HTTP target (the build's own API base replaced), a node that never comes
 * is reported as not found, and a page fault is reported.
 */
const view = (cls: string, text: string) => `{ nn: 'view', cl: ${JSON.stringify(cls)}, cn: [{ nn: '#text', v: ${JSON.stringify(text)} }] }`;

function writeBuild(g: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `smoke-driven-${g}-`));
  fs.writeFileSync(path.join(dir, 'app.json'), JSON.stringify({ pages: ['pages/a/index'] }));
  fs.writeFileSync(path.join(dir, 'app.js'), 'App({});');
  fs.mkdirSync(path.join(dir, 'pages', 'a'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'pages', 'a', 'index.js'),
    `Page({ onLoad(q) {
      this.setData({ 'root.cn': [${view('box', 'wait')}] });
      setTimeout(() => this.setData({ 'root.cn[1]': ${view('late', 'here')} }), 300);
      ${g}.request({ url: 'http://127.0.0.1:3000/api/home?from=' + q.from, success: (res) => {
        this.setData({ 'root.cn[2]': { nn: 'view', cl: 'loaded', cn: [{ nn: '#text', v: res.data.banners[0].title }] } });
        if (q.from === 'fault') console.error('a fault');
      } });
    } });`,
  );
  return dir;
}

describe('the driven host on a hand-written build', () => {
  const dirs: string[] = [];
  let server: http.Server;
  let target = '';
  const seen: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ banners: [{ id: 'b1', title: 'from the server', image: '', productId: null }], categories: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  });

  for (const [platform, g] of [['weapp', 'wx'], ['alipay', 'my']] as const) {
    test(`${platform}: real time, a real server's answer, a node that never comes`, async () => {
      const dir = writeBuild(g);
      dirs.push(dir);
      const host = openDrivenHost(dir, platform, { http: { target } });
      try {
        expect((await host.launch()).launchErrors).toEqual([]);
        const mounted = await host.mount('pages/a/index', { from: platform });
        expect(mounted.page?.text).toContain('wait');
        expect(mounted.page?.text).not.toContain('here');

        const late = await host.waitForNode({ className: 'late', present: true, timeoutMs: 5_000 });
        expect(late.met).toBe(true);
        expect(late.elapsedMs).toBeGreaterThanOrEqual(150);
        expect(late.nodes).toEqual(['here']);

        const loaded = await host.waitForNode({ className: 'loaded', text: 'from the server', present: true, timeoutMs: 5_000 });
        expect(loaded.met).toBe(true);
        expect(loaded.page?.requests).toEqual(['GET /api/home -> 200']);
        expect(seen).toContain(`GET /api/home?from=${platform}`);

        const never = await host.waitForNode({ className: 'never', present: true, timeoutMs: 200 });
        expect(never.met).toBe(false);
        expect((await host.waitForNode({ className: 'box', present: false, timeoutMs: 100 })).met).toBe(false);
        expect((await host.close()).page?.errors).toEqual([]);
      } finally {
        host.kill();
      }
    });
  }

  test('a page fault is in the page errors', async () => {
    const dir = writeBuild('tt');
    dirs.push(dir);
    const host = openDrivenHost(dir, 'tt', { http: { target } });
    try {
      await host.launch();
      await host.mount('pages/a/index', { from: 'fault' });
      await host.waitForNode({ className: 'loaded', present: true, timeoutMs: 5_000 });
      expect((await host.close()).page?.errors).toEqual(['console.error: a fault']);
    } finally {
      host.kill();
    }
  });
});
