/**
 * Offline and other dead ends, as a shopper meets them on a phone (Playwright's
 * context.setOffline and request routing stand in for the network):
 *
 * 1. A product and a tab whose page code is not loaded yet: the new URL shows a page of its own
 *    (页面没有打开, 重试, 返回首页) instead of the old page; back works; when the network returns
 *    the real page opens by itself.
 * 2. Images that fail show a placeholder, never the browser's broken-image icon.
 * 3. An unknown route and a missing product: what happened, and 返回首页.
 * 4. 提交订单 offline: 订单未提交 and 重新提交, nothing placed when the network returns; the
 *    retry makes the order. An answer lost on the way back: the retry gets the same order.
 * 5. 加入购物车 offline: says the network is down, the button is ready again, nothing is added later.
 * 6. An off-shelf product: 已下架, no stock figure, no choosable options.
 */
import type { Page } from 'playwright-core';
import { eventually } from './support/api';
import { useShop, scenario } from './support/fixture';
import { ENABLED, byText, chooseSpecs, loginOnPage, openPickupCheckout, pickSku, route, tapTab, waitForRoute } from './support/shop';

const shop = useShop('offline');

/** The page shown at the current route (Taro's H5 router keeps earlier pages in the DOM). */
function shown(page: Page) {
  return page.locator('.taro_page').filter({ visible: true }).last();
}

test('pages whose code is not loaded: a page of their own with 重试 at the new URL; back works; they open when the network returns', () =>
  scenario(shop, async ({ page, context, server, shot }) => {
    const home = await route(page, server.baseUrl, '/pages/home/index');
    await home.locator('[data-testid="product-card"]').first().waitFor();
    await context.setOffline(true);

    await home.locator('[data-testid="product-card"]').first().click();
    await page.waitForURL(/#\/pages\/product\/index\?id=/);
    const failed = shown(page);
    await byText(failed, '页面没有打开').waitFor();
    expect(await byText(failed, '重试').isVisible()).toBe(true);
    expect(await byText(failed, '返回首页').isVisible()).toBe(true);
    await shot('product-page-offline');
    // 重试 while still offline: the same page, still saying so.
    await byText(failed, '重试').click();
    await byText(shown(page), '页面没有打开').waitFor();

    // Back leads home (no dead history entry); a tab whose code is not loaded does the same.
    await page.goBack();
    await waitForRoute(page, '/pages/home/index');
    await tapTab(page, '分类');
    await page.waitForURL(/#\/pages\/category\/index/);
    await byText(shown(page), '页面没有打开').waitFor();
    await shot('category-tab-offline');

    // The network returns: the page opens by itself.
    await context.setOffline(false);
    const category = await waitForRoute(page, '/pages/category/index');
    await category.locator('[data-testid="product-card"]').first().waitFor({ timeout: 30_000 });
    expect(await page.getByText('页面没有打开').filter({ visible: true }).count()).toBe(0);
    await shot('category-tab-online');
  }));

test('failed images show a placeholder, not a broken image', () =>
  scenario(shop, async ({ page, server, shot }) => {
    await page.route('**/images/p_*', (r) => r.abort('internetdisconnected'));
    const home = await route(page, server.baseUrl, '/pages/home/index');
    await home.locator('[data-testid="product-card"]').first().waitFor();
    const placeholders = home.locator('[data-testid="product-card"] [data-testid="image-placeholder"]');
    expect(await eventually(() => placeholders.count(), (n) => n >= 2, 10_000)).toBeGreaterThanOrEqual(2);
    // No image on screen stays a broken one: each failed image gives way to its placeholder on
    // its error event, which for the cards further down may come a moment after the first ones.
    const brokenImages = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('img')].filter((img) => img.complete && img.naturalWidth === 0 && img.getBoundingClientRect().height > 0 && !!img.getAttribute('src')).length,
      );
    expect(await eventually(brokenImages, (n) => n === 0, 10_000)).toBe(0);
    await shot('home-images-failed');
    await page.unroute('**/images/p_*');
  }));

test('an unknown route and a missing product say so and lead home', () =>
  scenario(shop, async ({ page, server, shot }) => {
    await page.goto(`${server.baseUrl}/#/pages/no-such-page/index`);
    const missing = await waitForRoute(page, '/pages/not-found/index');
    await byText(missing, '页面不存在').waitFor();
    await shot('unknown-route');
    await byText(missing, '返回首页').click();
    await waitForRoute(page, '/pages/home/index');

    const product = await route(page, server.baseUrl, '/pages/product/index?id=p_9999');
    await byText(product, '商品不存在或已删除').waitFor();
    expect(await product.getByText('重试').filter({ visible: true }).count()).toBe(0);
    await shot('missing-product');
    await byText(product, '返回首页').click();
    await waitForRoute(page, '/pages/home/index');
  }));

test('提交订单 offline resolves with 重新提交 and is never placed later; a lost answer is retried into the same order', () =>
  scenario(shop, async ({ page, context, api, server, shot }) => {
    const phone = '13800138051';
    const list = await api.call('listProducts', { query: { sort: 'sales', limit: 5 } });
    const product = await api.call('getProduct', { params: { id: list.items[0].id } });
    const sku = pickSku(product, 3);
    if (!sku) throw new Error(`${product.id} has no SKU with stock`);
    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, phone);
    const orders = async () => (await api.call('listOrders', { query: { status: 'all' } }, { token })).items;

    let submit = await openPickupCheckout(page, server.baseUrl, sku.id, { name: '郑一', phone });
    const checkout = shown(page);
    await context.setOffline(true);
    await submit.click();
    const notice = checkout.locator('[data-testid="submit-error"]').filter({ visible: true }).first();
    await notice.waitFor();
    expect(await notice.textContent()).toBe('订单未提交：网络不可用，请检查网络后重试');
    const again = checkout.locator(`.checkout__submit${ENABLED}`).filter({ hasText: '重新提交', visible: true }).first();
    await again.waitFor();
    await shot('checkout-submit-offline');

    // The network returns; nothing is sent by itself.
    await context.setOffline(false);
    await page.waitForTimeout(3000);
    expect(await orders()).toEqual([]);
    await again.click();
    await waitForRoute(page, '/pages/checkout/cashier');
    expect((await orders()).length).toBe(1);

    // The request reaches the server but its answer is lost: the retry (same key) finds that order.
    submit = await openPickupCheckout(page, server.baseUrl, sku.id, { name: '郑一', phone });
    await page.route('**/api/orders', async (r) => {
      if (r.request().method() !== 'POST') return r.continue();
      await r.fetch();
      await r.abort('connectionreset');
    });
    await submit.click();
    await shown(page).locator('[data-testid="submit-error"]').filter({ visible: true }).first().waitFor();
    expect((await orders()).length).toBe(2);
    await page.unroute('**/api/orders');
    await shown(page).locator(`.checkout__submit${ENABLED}`).filter({ hasText: '重新提交', visible: true }).first().click();
    await waitForRoute(page, '/pages/checkout/cashier');
    expect((await orders()).length).toBe(2);
  }));

test('加入购物车 offline says so and is ready again; nothing is added when the network returns', () =>
  scenario(shop, async ({ page, context, api, server, shot }) => {
    const phone = '13800138052';
    const list = await api.call('listProducts', { query: { sort: 'sales', limit: 5 } });
    const product = await api.call('getProduct', { params: { id: list.items[1].id } });
    const sku = pickSku(product, 1);
    if (!sku) throw new Error(`${product.id} has no SKU with stock`);
    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, phone);
    const detail = await route(page, server.baseUrl, `/pages/product/index?id=${encodeURIComponent(product.id)}`);
    await byText(detail, product.title).waitFor();
    await chooseSpecs(detail, sku.specValues);
    await context.setOffline(true);
    await byText(detail, '加入购物车').click();
    await byText(page, '网络不可用，请检查网络后重试').waitFor();
    await shot('add-to-cart-offline');
    await detail.locator(`.product__bar-btn${ENABLED}`).filter({ hasText: '加入购物车' }).first().waitFor();
    await context.setOffline(false);
    await page.waitForTimeout(3000);
    expect((await api.call('getCart', {}, { token })).lines).toEqual([]);
  }));

test('an off-shelf product shows 已下架 without stock or choosable options', () =>
  scenario(shop, async ({ page, server, shot }) => {
    const detail = await route(page, server.baseUrl, '/pages/product/index?id=p_0016');
    await detail.locator('[data-testid="sku-stock"]').filter({ hasText: '已下架' }).first().waitFor();
    expect(await detail.getByText(/库存 \d+ 件/).count()).toBe(0);
    const values = detail.locator('.product__spec-value');
    const count = await values.count();
    expect(count).toBeGreaterThan(0);
    expect(await detail.locator('.product__spec-value--off[aria-disabled="true"]').count()).toBe(count);
    expect(await detail.locator('.product__spec-value--selected').count()).toBe(0);
    await shot('off-shelf-product');
  }));
