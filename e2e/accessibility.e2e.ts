/**
 * Accessibility of the main pages, as a shopper's browser and Lighthouse see them: axe-core's
 * WCAG 2.x A/AA rules (text contrast of at least 4.5:1 for all text, alt text on images, form
 * labels, names of controls, a zoomable viewport, the page language) report nothing, and every
 * tap target is at least 44 x 44 CSS px. The document itself (index.html) is checked too: lang,
 * title, description, a zoomable viewport, and a boot screen that is there before any script
 * runs and is gone once the first page has rendered.
 */
import { axeViolations, smallTargets, type AxeViolation, type SmallTarget } from './support/accessibility';
import { useShop, scenario } from './support/fixture';
import { byText, chooseSpecs, goToCart, loginOnPage, pickSku, route, tapTab, waitForRoute } from './support/shop';

const shop = useShop('accessibility');
const PHONE = '13800138011';

interface Finding {
  page: string;
  violations: AxeViolation[];
  small: SmallTarget[];
}

test('index.html: lang, title, description, zoomable viewport, a boot screen before the scripts', () =>
  scenario(shop, async ({ page, server }) => {
    const res = await fetch(`${server.baseUrl}/`);
    const html = await res.text();
    expect(html).toMatch(/<html lang="zh-CN">/);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    expect(html).toMatch(/<meta name="description" content="[^"]{10,}">/);
    const viewport = /<meta name="viewport" content="([^"]+)">/.exec(html)?.[1] ?? '';
    expect(viewport).toContain('width=device-width');
    expect(viewport).not.toMatch(/user-scalable=no|maximum-scale=1(\.0)?\b/);

    // With every script blocked, the boot screen still paints: something is on screen at once.
    const blocked = await shop().browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const bare = await blocked.newPage();
      await bare.route('**/*.js', (r) => r.abort());
      await bare.goto(`${server.baseUrl}/`);
      await bare.locator('#boot').waitFor({ state: 'visible' });
      expect(await bare.locator('#boot').getByText('首页').isVisible()).toBe(true);
    } finally {
      await blocked.close();
    }

    // With them, the first page replaces it.
    const home = await route(page, server.baseUrl, '/pages/home/index');
    await home.locator('[data-testid="product-card"]').first().waitFor();
    await page.locator('#boot').waitFor({ state: 'detached' });
  }));

test('home, category, product, cart (empty, guest, logged in), me and login: no axe violations, tap targets of at least 44 px', () =>
  scenario(shop, async ({ page, api, server, shot }) => {
    const findings: Finding[] = [];
    const check = async (name: string) => {
      // Let images, fonts and the carousel settle before measuring.
      await page.waitForTimeout(300);
      findings.push({ page: name, violations: await axeViolations(page), small: await smallTargets(page) });
      await shot(name);
    };

    const home = await route(page, server.baseUrl, '/pages/home/index');
    await home.locator('[data-testid="product-card"]').first().waitFor();
    await check('home');

    const category = await route(page, server.baseUrl, '/pages/category/index');
    await category.locator('[data-testid="product-card"]').first().waitFor();
    await check('category');

    // A product with stock, its specs chosen (the stepper and both buttons enabled).
    const list = await api.call('listProducts', { query: { limit: 10 } });
    let chosen: { id: string; specValues: string[] } | null = null;
    for (const item of list.items) {
      const detail = await api.call('getProduct', { params: { id: item.id } });
      const sku = detail.onShelf ? pickSku(detail, 3) : null;
      if (sku) {
        chosen = { id: detail.id, specValues: sku.specValues };
        break;
      }
    }
    if (!chosen) throw new Error('no product with stock on the first page');
    const product = await route(page, server.baseUrl, `/pages/product/index?id=${chosen.id}`);
    await chooseSpecs(product, chosen.specValues);
    await byText(product, '加入购物车').waitFor();
    await check('product');

    const cartEmpty = await route(page, server.baseUrl, '/pages/cart/index');
    await cartEmpty.locator('.empty__action').waitFor();
    await check('cart (empty)');

    await route(page, server.baseUrl, `/pages/product/index?id=${chosen.id}`).then(async (again) => {
      await chooseSpecs(again, chosen.specValues);
      await byText(again, '加入购物车').click();
      await byText(page, '已加入购物车').waitFor();
    });
    const cart = await goToCart(page);
    await cart.locator('.cart-line').first().waitFor();
    await check('cart (guest, one line)');

    const me = await route(page, server.baseUrl, '/pages/me/index');
    await me.locator('.me__header').waitFor();
    await check('me (guest)');

    const login = await route(page, server.baseUrl, '/pages/login/index');
    await login.locator('.login__submit').waitFor();
    await check('login');

    await loginOnPage(page, api, PHONE);
    // The login page goes back by itself; then the me tab.
    await page.waitForURL((url) => !url.hash.includes('/pages/login/'));
    await tapTab(page, '我的');
    const meIn = await waitForRoute(page, '/pages/me/index');
    await meIn.getByTestId('wallet').waitFor();
    await check('me (logged in)');

    const cartIn = await goToCart(page);
    await cartIn.locator('.cart-line').first().waitFor();
    await check('cart (logged in)');

    const bad = findings.filter((f) => f.violations.length || f.small.length);
    const report = bad.map((f) => [
      `${f.page}:`,
      ...f.violations.map((v) => `  axe ${v.rule} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 6).map((n) => `    ${n.target} ${n.summary}`).join('\n')}`),
      ...f.small.map((s) => `  small target ${s.element} "${s.text}" ${s.width}x${s.height}`),
    ].join('\n'));
    expect(report).toEqual([]);
  }));
