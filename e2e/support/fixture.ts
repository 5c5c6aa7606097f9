import type { Browser, BrowserContext, Page } from 'playwright-core';
import { apiClient, type ApiClient } from './api';
import { launchBrowser, newMobileContext, recorder, type Recorder } from './browser';
import { startServer, type RunningServer } from './server';

export interface ShopFixture {
  server: RunningServer;
  api: ApiClient;
  browser: Browser;
  /** A phone-sized context and page; `freshPage()` replaces both (new local storage). */
  context: BrowserContext;
  page: Page;
  rec: Recorder;
  /** Screenshot of the current page into artifacts/e2e/<scenario>/<nn>-<step>.png. */
  shot(step: string): Promise<string>;
  freshPage(): Promise<Page>;
}

/**
 * Registers beforeAll/afterAll for one scenario file: its own server (fresh SQLite data
 * folder, seeded demo shop; `options.env` adds to its environment), one Chromium, one mobile context. Teardown always runs, and
 * each part is torn down even when another part fails.
 */
export function useShop(scenario: string, options: { env?: Record<string, string> } = {}): () => ShopFixture {
  let fixture: ShopFixture | null = null;
  let server: RunningServer | null = null;
  let browser: Browser | null = null;

  beforeAll(async () => {
    server = await startServer(scenario, options.env);
    browser = await launchBrowser();
    const rec = recorder(scenario);
    const b = browser;
    const s = server;
    const open = async () => {
      const context = await newMobileContext(b, s.baseUrl);
      const page = await context.newPage();
      rec.watch(page);
      return { context, page };
    };
    const first = await open();
    const f: ShopFixture = {
      server: s,
      api: apiClient(s.baseUrl),
      browser: b,
      context: first.context,
      page: first.page,
      rec,
      shot: (step) => rec.shot(f.page, step),
      async freshPage() {
        await f.context.close();
        const next = await open();
        f.context = next.context;
        f.page = next.page;
        return next.page;
      },
    };
    fixture = f;
  });

  afterAll(async () => {
    const errors: unknown[] = [];
    await fixture?.context.close().catch((e: unknown) => errors.push(e));
    await browser?.close().catch((e: unknown) => errors.push(e));
    await server?.stop().catch((e: unknown) => errors.push(e));
    if (errors.length) throw errors[0];
  });

  return () => {
    if (!fixture) throw new Error(`the ${scenario} fixture did not start (see the beforeAll error above)`);
    return fixture;
  };
}

/**
 * Runs a scenario body; on failure saves a screenshot of the moment and adds the page URL
 * and the server's last lines to the error, so a red run explains itself.
 */
export async function scenario(shop: () => ShopFixture, body: (f: ShopFixture) => Promise<void>): Promise<void> {
  const f = shop();
  try {
    await body(f);
  } catch (err) {
    let extra = '';
    try {
      const file = await f.shot('failure');
      extra += `\n  page: ${f.page.url()}\n  screenshot: ${file}`;
    } catch {
      extra += `\n  page: ${f.page.url()} (no screenshot)`;
    }
    if (f.rec.pageErrors.length) extra += `\n  page errors: ${f.rec.pageErrors.slice(-3).join(' | ')}`;
    extra += `\n  server log tail:\n${f.server.logTail(15)}`;
    if (err instanceof Error) {
      err.message += extra;
      throw err;
    }
    throw new Error(String(err) + extra);
  }
}
