import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { scenarioDir } from './paths';

/** Flags from toolchain.md: without the networking ones Chromium floods the closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Debian's Chromium: $CHROMIUM_PATH, else `chromium` on the PATH, else /usr/bin/chromium. */
export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
    if (found) return found;
  } catch {
    // not on the PATH; try the Debian location below
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

/**
 * Launches headless Chromium through playwright-core (never `playwright install`). Playwright
 * gives every launch a fresh temporary --user-data-dir and removes it on close.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error("Chromium was not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH");
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A phone-sized context: 390x844 at 2x, touch, zh-CN. */
export async function newMobileContext(browser: Browser, baseURL?: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

export interface Recorder {
  dir: string;
  /** Saves artifacts/e2e/<scenario>/<nn>-<step>.png. */
  shot(page: Page, step: string): Promise<string>;
  /** Records console errors, page errors and failed API answers of a page into console.log. */
  watch(page: Page): void;
  /** Uncaught errors seen in watched pages. */
  pageErrors: string[];
}

/** Screenshots and browser logs of one scenario, numbered in step order. */
export function recorder(scenario: string): Recorder {
  const dir = scenarioDir(scenario);
  const logFile = path.join(dir, 'console.log');
  let n = 0;
  const pageErrors: string[] = [];
  const log = (line: string) => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  return {
    dir,
    pageErrors,
    async shot(page, step) {
      n += 1;
      const file = path.join(dir, `${String(n).padStart(2, '0')}-${step}.png`);
      // Let page transitions (Taro's H5 router slides pages in) finish so the picture shows
      // the page, not a frame of the slide; endless animations (spinners) do not count.
      await page
        .waitForFunction(
          () => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
          null,
          { timeout: 3_000, polling: 50 },
        )
        .catch(() => log(`animations still running before ${path.basename(file)}`));
      await page.screenshot({ path: file, fullPage: false, timeout: 15_000 });
      log(`screenshot ${path.basename(file)} at ${page.url()}`);
      return file;
    },
    watch(page) {
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') log(`console.${msg.type()}: ${msg.text()}`);
      });
      page.on('pageerror', (err) => {
        pageErrors.push(err.message);
        log(`pageerror: ${err.stack ?? err.message}`);
      });
      page.on('response', (res) => {
        if (res.status() >= 400) log(`HTTP ${res.status()} ${res.request().method()} ${res.url()}`);
      });
      page.on('requestfailed', (req) => log(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`));
    },
  };
}
