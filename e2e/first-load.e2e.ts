/**
 * The H5 first load: index.html preloads the opened page's chunks and first API requests
 * (config/first-load.ts), and the page takes the preloaded answers: each of them goes over the
 * network exactly once, and the browser reports no unused preload. The page's largest image
 * is requested at once with high priority; the assets arrive brotli-compressed.
 */
import type { Page, Request } from 'playwright-core';
import { useShop, scenario } from './support/fixture';
import { waitForRoute } from './support/shop';

const shop = useShop('first-load');

/** Opens a route in a fresh page and records every request and console message until it has settled. */
async function openRecorded(page: Page, url: string, ready: (page: Page) => Promise<unknown>) {
  const requests: Request[] = [];
  const console: string[] = [];
  page.on('request', (r) => requests.push(r));
  page.on('console', (m) => console.push(m.text()));
  await page.goto(url);
  await ready(page);
  // Chromium warns about an unused preload a few seconds after the load event.
  await page.waitForTimeout(3500);
  return { requests, console };
}

const countOf = (requests: Request[], suffix: string) => requests.filter((r) => new URL(r.url()).pathname + new URL(r.url()).search === suffix).length;

test('home: chunks and API answers preloaded and used once, the banner fetched first, brotli on the wire', () =>
  scenario(shop, async ({ server }) => {
    const page = await shop().freshPage();
    const { requests, console } = await openRecorded(page, `${server.baseUrl}/`, (p) => p.locator('[data-testid="product-card"]').first().waitFor());

    const preloads = await page.evaluate(() => [...document.querySelectorAll('link[rel=preload]')].map((l) => `${l.getAttribute('as')} ${new URL((l as HTMLLinkElement).href).pathname}${new URL((l as HTMLLinkElement).href).search}`));
    // Every API request home makes as it opens was preloaded (a page that changed its requests
    // without config/first-load.ts fails here), and nothing went out twice.
    const apiCalls = [...new Set(requests.map((r) => new URL(r.url())).filter((u) => u.pathname.startsWith('/api/')).map((u) => u.pathname + u.search))];
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const call of apiCalls) expect(preloads).toContain(`fetch ${call}`);
    expect(preloads.filter((p) => p.startsWith('script /js/')).length).toBeGreaterThan(0);
    for (const p of preloads) expect({ preload: p, requests: countOf(requests, p.split(' ')[1]) }).toEqual({ preload: p, requests: 1 });
    expect(console.filter((m) => /preload/i.test(m))).toEqual([]);

    const banner = page.locator('.home__banner').first();
    expect(await banner.getAttribute('fetchpriority')).toBe('high');
    expect(await banner.getAttribute('alt')).toBeTruthy();

    const app = requests.find((r) => /\/js\/app\.[0-9a-f]+\.js$/.test(r.url()));
    expect((await (await app!.response())!.allHeaders())['content-encoding']).toBe('br');
  }));

test('product page opened from a link: its data preloaded and used once, no Taro component library', () =>
  scenario(shop, async ({ server, api }) => {
    const list = await api.call('listProducts', { query: { limit: 1 } });
    const id = list.items[0].id;
    const page = await shop().freshPage();
    const { requests, console } = await openRecorded(page, `${server.baseUrl}/#/pages/product/index?id=${id}`, async (p) => {
      const product = await waitForRoute(p, '/pages/product/index');
      await product.locator('.product__image').first().waitFor();
    });
    const apiCalls = requests.map((r) => new URL(r.url())).filter((u) => u.pathname.startsWith('/api/')).map((u) => u.pathname + u.search);
    expect(apiCalls).toEqual([`/api/products/${id}`]);
    expect(console.filter((m) => /preload/i.test(m))).toEqual([]);
    expect(await page.locator('.product__image').first().getAttribute('fetchpriority')).toBe('high');
    // The page renders plain elements (decision 0015): none of Taro's H5 components it used to
    // render was even defined (one import of them would bring the whole library).
    const defined = await page.evaluate(() => ['taro-view-core', 'taro-text-core', 'taro-button-core', 'taro-image-core', 'taro-scroll-view-core'].filter((n) => customElements.get(n)));
    expect(defined).toEqual([]);
  }));
