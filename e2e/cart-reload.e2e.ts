/**
 * The cart survives a reload: first the guest's local draft, then, after logging in (the
 * draft merges into the server cart), the account's server cart.
 */
import type { Locator } from 'playwright-core';
import type { ProductDetail, Sku } from '@contract/catalog';
import { eventually } from './support/api';
import { useShop, scenario } from './support/fixture';
import { byText, chooseSpecs, goToCart, loginOnPage, pickSku, route, sessionToken, tapTab, waitForRoute } from './support/shop';

const shop = useShop('cart-reload');
const PHONE = '13800138002';

async function chooseProduct(api: ReturnType<typeof shop>['api']): Promise<{ product: ProductDetail; sku: Sku }> {
  const page = await api.call('listProducts', { query: { sort: 'sales', limit: 10 } });
  for (const summary of page.items) {
    const product = await api.call('getProduct', { params: { id: summary.id } });
    const values = product.specs.flatMap((s) => s.values);
    if (!product.onShelf || new Set(values).size !== values.length) continue;
    const sku = pickSku(product, 2);
    if (sku) return { product, sku };
  }
  throw new Error('no product with a SKU in stock among the best sellers');
}

/** The guest draft as the client persisted it (Taro storage wraps values as {"data": ...}). */
async function draftSkuIds(page: ReturnType<typeof shop>['page']): Promise<string[]> {
  const raw = await page.evaluate(() => window.localStorage.getItem('shop.cart-draft'));
  return raw ? [...raw.matchAll(/sku_[A-Za-z0-9_-]+/g)].map((m) => m[0]) : [];
}

test('the guest draft and the logged-in server cart both survive a reload', () =>
  scenario(shop, async ({ page, api, shot, server }) => {
    const { product, sku } = await chooseProduct(api);
    const cartLine = (root: Locator) => root.locator('.cart-line').filter({ hasText: product.title }).first();

    // A guest adds a SKU.
    const detail = await route(page, server.baseUrl, `/pages/product/index?id=${product.id}`);
    await byText(detail, product.title).waitFor();
    await chooseSpecs(detail, sku.specValues);
    await byText(detail, '加入购物车').click();
    await byText(page, '已加入购物车').waitFor();
    let cart = await goToCart(page);
    await cartLine(cart).waitFor();
    await shot('guest-cart');
    expect(await draftSkuIds(page)).toEqual([sku.id]);

    // Reload: the draft is still there and priced again by the server.
    await page.reload();
    cart = await waitForRoute(page, '/pages/cart/index');
    await cartLine(cart).waitFor();
    await byText(cart, '登录后可同步购物车').waitFor();
    await byText(cart, /^结算\(1\)$/).waitFor();
    await shot('guest-cart-after-reload');

    // Log in from the me page; the draft merges into the account's cart.
    await tapTab(page, '我的');
    const guestMe = await waitForRoute(page, '/pages/me/index');
    await byText(guestMe, '点击登录').click();
    const token = await loginOnPage(page, api, PHONE, shot);
    // Back where the shopper came from, now logged in.
    const me = await waitForRoute(page, '/pages/me/index');
    await byText(me, '退出登录').waitFor();
    const merged = await eventually(
      async () => (await api.call('getCart', {}, { token })).lines.map((l) => l.skuId),
      (ids) => ids.length > 0,
    );
    expect(merged).toEqual([sku.id]);
    expect(await eventually(() => draftSkuIds(page), (ids) => ids.length === 0)).toEqual([]);

    // The server cart is shown, and still shown (and still logged in) after a reload.
    cart = await goToCart(page);
    await cartLine(cart).waitFor();
    await shot('server-cart');
    await page.reload();
    cart = await waitForRoute(page, '/pages/cart/index');
    await cartLine(cart).waitFor();
    await byText(cart, /^结算\(1\)$/).waitFor();
    expect(await cart.getByText('登录后可同步购物车').filter({ visible: true }).count()).toBe(0);
    await shot('server-cart-after-reload');
    expect(await draftSkuIds(page)).toEqual([]);
    expect(await sessionToken(page)).toBe(token);
  }));
