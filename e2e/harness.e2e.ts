/**
 * The harness itself: the browser is really a phone-sized headless Chromium, screenshots land
 * where the report says, and the server really starts on loopback with a fresh data folder,
 * serves the H5 build and is gone after stop().
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { launchBrowser, newMobileContext, recorder } from './support/browser';
import { H5_DIR } from './support/paths';
import { startServer, type RunningServer } from './support/server';

describe('e2e harness', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('Chromium runs headless with a zh-CN phone viewport and screenshots are written', async () => {
    const page: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta name="viewport" content="width=device-width"><h1 id="t">小店</h1>');
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const address = page.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const context = await newMobileContext(browser);
    try {
      const tab = await context.newPage();
      const rec = recorder('harness');
      rec.watch(tab);
      await tab.goto(`http://127.0.0.1:${address.port}/`);
      await expect(tab.locator('#t').textContent()).resolves.toBe('小店');
      const env = await tab.evaluate(() => ({
        width: window.innerWidth,
        dpr: window.devicePixelRatio,
        lang: navigator.language,
        touch: 'ontouchstart' in window,
      }));
      expect(env).toEqual({ width: 390, dpr: 2, lang: 'zh-CN', touch: true });
      const file = await rec.shot(tab, 'static-page');
      expect(file).toMatch(/artifacts[\\/]e2e[\\/]harness[\\/]01-static-page\.png$/);
      // A PNG of a 390x844 viewport at 2x is a real image, not an empty file.
      const png = readFileSync(file);
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(780);
      expect(png.readUInt32BE(20)).toBe(1688);
    } finally {
      await context.close();
      await new Promise((resolve) => page.close(resolve));
    }
  });

  test('the server starts on loopback with a fresh data folder, serves the H5 build, and stops', async () => {
    let server: RunningServer | undefined;
    try {
      server = await startServer('harness');
      expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(statSync(server.dataDir).isDirectory()).toBe(true);

      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      await expect(health.json()).resolves.toMatchObject({ status: 'ok' });

      const index = await fetch(`${server.baseUrl}/`);
      expect(index.status).toBe(200);
      const served = await index.text();
      expect(served).toBe(readFileSync(`${H5_DIR}/index.html`, 'utf8'));
    } finally {
      await server?.stop();
    }
    if (!server) return;
    expect(existsSync(server.dataDir)).toBe(false);
    await expect(fetch(`${server.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });
});
