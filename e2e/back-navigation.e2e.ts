/**
 * Back never leaves the shop (inside WeChat's browser, leaving closes the page): tab switches
 * from the tab bar and from home's category entries are steps Back undoes, a page opened
 * from a shared link goes home on Back, and the H5 title bar's back arrow does the same.
 */
import type { Page } from 'playwright-core';
import { useShop, scenario } from './support/fixture';
import { byText, route, tapTab, waitForRoute } from './support/shop';

const shop = useShop('back-navigation');

const hashPath = (page: Page) => new URL(page.url()).hash.replace(/^#/, '').split('?')[0];

async function back(page: Page, expected: string) {
  await page.goBack();
  expect(page.url()).not.toBe('about:blank');
  return waitForRoute(page, expected);
}

test('Back from tab pages, category entries and landing pages stays in the shop', () =>
  scenario(shop, async ({ page, api, server, shot, freshPage }) => {
    // Tab bar: home -> 分类 -> 购物车, then Back twice walks the same way home.
    await page.goto(`${server.baseUrl}/`);
    const home = await waitForRoute(page, '/pages/home/index');
    await byText(home, '为你推荐').waitFor();
    await tapTab(page, '分类');
    await waitForRoute(page, '/pages/category/index');
    await tapTab(page, '购物车');
    await waitForRoute(page, '/pages/cart/index');
    await back(page, '/pages/category/index');
    await shot('back-to-category');
    await back(page, '/pages/home/index');
    expect(hashPath(page)).toBe('/pages/home/index');

    // Home's category entry opens the 分类 tab; Back returns home.
    const { categories } = await api.call('getHome');
    const entry = home.locator('.home__category').filter({ hasText: categories[0].name }).first();
    await entry.click();
    const category = await waitForRoute(page, '/pages/category/index');
    await byText(category, categories[0].name).waitFor();
    await back(page, '/pages/home/index');
    await shot('back-home-from-category-entry');

    // A shared link straight to a product: Back goes home, not out of the shop.
    const feed = await api.call('listProducts', { query: { limit: 1 } });
    const landing = await freshPage();
    await route(landing, server.baseUrl, `/pages/product/index?id=${feed.items[0].id}`);
    await back(landing, '/pages/home/index');
    await shot('shared-link-back-home');

    // A shared link to a tab page: the same.
    const landingTab = await freshPage();
    await route(landingTab, server.baseUrl, '/pages/me/index');
    await back(landingTab, '/pages/home/index');
  }));

test('the H5 title bar shows the page title and its back arrow goes back, or home from a shared link', () =>
  scenario(shop, async ({ server, api, shot, freshPage }) => {
    const feed = await api.call('listProducts', { query: { limit: 1 } });
    const product = feed.items[0];
    const page = await freshPage();
    await page.goto(`${server.baseUrl}/`);
    const home = await waitForRoute(page, '/pages/home/index');
    await home.locator('.product-card').filter({ hasText: product.title }).first().click();
    const detail = await waitForRoute(page, '/pages/product/index');
    const bar = detail.locator('.title-bar').filter({ visible: true }).first();
    await bar.waitFor();
    await byText(bar, '商品详情').waitFor();
    await shot('title-bar');
    await bar.getByRole('button', { name: '返回' }).click();
    await waitForRoute(page, '/pages/home/index');

    const shared = await freshPage();
    const landed = await route(shared, server.baseUrl, `/pages/product/index?id=${product.id}`);
    await landed.locator('.title-bar').filter({ visible: true }).getByRole('button', { name: '返回' }).click();
    await waitForRoute(shared, '/pages/home/index');
    expect(shared.url()).not.toBe('about:blank');
  }));

test('Back at once after opening a page shows the page left behind (no blank screen)', () =>
  scenario(shop, async ({ page, server, shot }) => {
    // A page opened and, as soon as it shows, Back: within the router's old 350 ms hide timer,
    // the page shown again must stay shown (the timer used to hide it a moment later).
    const login = await route(page, server.baseUrl, '/pages/login/index');
    const docs: [string, string, string][] = [
      ['《用户服务协议》', '/pages/legal/agreement', '一、账号注册与使用'],
      ['《隐私政策》', '/pages/legal/privacy', '三、剪贴板与设备权限'],
    ];
    for (const [link, path, heading] of docs) {
      await byText(login, link).click();
      const doc = await waitForRoute(page, path);
      await byText(doc, heading).waitFor();
      await page.goBack();
      await waitForRoute(page, '/pages/login/index');
      // Past the old timer: still on screen.
      await page.waitForTimeout(600);
      await page.locator('.taro_page[id^="/pages/login/index"]').filter({ visible: true }).first().waitFor({ timeout: 1_000 });
    }
    await shot('login-after-quick-backs');
  }));

