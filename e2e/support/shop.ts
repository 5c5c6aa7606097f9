import type { Locator, Page } from 'playwright-core';
import type { ProductDetail } from '@contract/catalog';
import { type ApiClient, eventually, waitForOtp } from './api';

/**
 * UI helpers for the H5 shop. Elements are picked by the visible Chinese text of the message
 * catalog (src/i18n/messages.ts, src/i18n/trade.ts) or by stable class names. Taro's H5 router
 * renders each page of the stack as a `.taro_page` (id = the page path) and keeps earlier
 * pages in the DOM, so lookups are scoped to the page being shown and keep only visible
 * elements.
 */
export type Root = Page | Locator;

/** The first visible element under root whose whole text is `text` (or matches the RegExp). */
export function byText(root: Root, text: string | RegExp): Locator {
  return root.getByText(text, { exact: typeof text === 'string' }).filter({ visible: true }).first();
}

/** Opens a page of the hash router directly, e.g. route(page, base, '/pages/cart/index'). */
export async function route(page: Page, baseUrl: string, pagePath: string): Promise<Locator> {
  await page.goto(`${baseUrl}/#${pagePath}`);
  return waitForRoute(page, pagePath.split('?')[0]);
}

/**
 * Waits until the hash router shows the page path (query ignored) and its page element is
 * on screen; returns that page element to scope further lookups.
 */
export async function waitForRoute(page: Page, pagePath: string, timeout = 20_000): Promise<Locator> {
  await page.waitForURL((url) => url.hash.replace(/^#/, '').split('?')[0] === pagePath, { timeout });
  const root = page.locator(`.taro_page[id^="${pagePath}"]`).filter({ visible: true }).last();
  await root.waitFor({ timeout });
  return root;
}

/** Taps an item of Taro's H5 tab bar by its label. */
export async function tapTab(page: Page, label: '首页' | '分类' | '购物车' | '我的'): Promise<void> {
  await page.locator('.weui-tabbar__label', { hasText: label }).filter({ visible: true }).first().click();
}

/**
 * Fills a Taro <Input> found by its placeholder. On H5 the placeholder sits both on the
 * taro-input-core host and on the real <input> inside it; only the latter can be typed into.
 */
export async function fillByPlaceholder(root: Root, placeholder: string, value: string): Promise<void> {
  const input = root.locator(`input[placeholder="${placeholder}"], textarea[placeholder="${placeholder}"]`).filter({ visible: true }).first();
  await input.click();
  await input.fill(value);
}

/**
 * Reads the session token the client persisted (zustand over Taro storage: localStorage key
 * 'shop.session', Taro wraps values as {"data": ...}). Searches the parsed value for `token`.
 */
export async function sessionToken(page: Page): Promise<string | null> {
  const raw = await page.evaluate(() => window.localStorage.getItem('shop.session'));
  return raw ? findToken(raw) : null;
}

function findToken(value: unknown, depth = 0): string | null {
  if (depth > 6 || value === null || value === undefined) return null;
  if (typeof value === 'string') {
    try {
      return findToken(JSON.parse(value), depth + 1);
    } catch {
      return null;
    }
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.token === 'string' && record.token.length > 10) return record.token;
    for (const v of Object.values(record)) {
      const found = findToken(v, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Logs in on the H5 login page (already open): phone, 获取验证码, the code read from the
 * server's SMS sandbox, 登录. Returns the session token the client stored.
 */
export async function loginOnPage(page: Page, api: ApiClient, phone: string, shot?: (step: string) => Promise<unknown>): Promise<string> {
  const login = await waitForRoute(page, '/pages/login/index');
  await fillByPlaceholder(login, '请输入手机号', phone);
  await agreeToTerms(login);
  await byText(login, '获取验证码').click();
  // The button turns into a countdown once the server accepted the request.
  await byText(login, /^\d+ 秒后重发$/).waitFor();
  // Each scenario uses its own phone number, so the latest code in the sandbox is this one.
  const code = await waitForOtp(api, phone);
  await fillByPlaceholder(login, '请输入 6 位验证码', code);
  await agreeToTerms(login);
  if (shot) await shot('login-filled');
  // '登录' is also the page title: tap the form's own submit button.
  await login.locator('.login__submit').filter({ visible: true, hasText: '登录' }).first().click();
  const token = await eventually(() => sessionToken(page), (t) => t !== null, 20_000);
  if (!token) throw new Error('no session token appeared in local storage after logging in');
  // The login page then leaves (back, or to its redirect): wait for that, or a page the test
  // opens next can be replaced by it (seen: a product page covered by home).
  await page.waitForURL((url) => url.hash.replace(/^#/, '').split('?')[0] !== '/pages/login/index', { timeout: 20_000 });
  // ...and for the page it leaves to to be on screen: the URL changes first, the page (home, when
  // the login was the first page) comes after, and a page opened meanwhile was covered by it.
  await waitForRoute(page, new URL(page.url()).hash.replace(/^#/, '').split('?')[0] || '/pages/home/index');
  return token;
}

/**
 * Picks 所在地区 on the address form: opens the picker and taps province, city and district
 * (a municipality skips its city: name it twice, e.g. ['北京市', '北京市', '朝阳区']).
 */
export async function chooseRegion(page: Page, form: Locator, [province, city, district]: [string, string, string]): Promise<void> {
  await form.getByTestId('address-region').click();
  const picker = page.getByTestId('region-picker').filter({ visible: true });
  const option = (name: string) => picker.getByRole('option', { name, exact: true });
  // A form with a region opens the picker at its district: the first tab goes back to the provinces.
  await picker.locator('.region-picker__tab').first().click();
  await option(province).click();
  if (city !== province) await option(city).click();
  await option(district).click();
  await picker.waitFor({ state: 'detached' });
  await form.getByTestId('address-region').filter({ hasText: `${province} ${city} ${district}` }).waitFor();
}

/** Ticks the login page's consent box (user agreement and privacy policy) unless it is ticked. */
export async function agreeToTerms(login: Locator): Promise<void> {
  const box = login.getByRole('checkbox', { name: '同意用户服务协议和隐私政策' }).filter({ visible: true }).first();
  if ((await box.getAttribute('aria-checked')) !== 'true') await box.click({ position: { x: 8, y: 8 } });
}

/** The first SKU of the product with a value for every spec and at least `minStock` units. */
export function pickSku(product: ProductDetail, minStock: number) {
  const candidates = product.skus.filter((s) => s.stock >= minStock && s.specValues.length === product.specs.length);
  return candidates[0] ?? null;
}

/**
 * Picks a SKU on the product page: taps each of its spec values in the picker unless it is
 * already chosen (a spec with a single value starts chosen, and tapping a chosen value clears
 * it), then checks that every value shows as chosen.
 */
export async function chooseSpecs(page: Root, specValues: string[]): Promise<void> {
  for (const value of specValues) {
    const option = specOption(page, '.product__spec-value', value);
    const cls = (await option.getAttribute('class')) ?? '';
    if (!cls.split(/\s+/).includes('product__spec-value--selected')) await option.click();
    await specOption(page, '.product__spec-value--selected', value).waitFor({ timeout: 5_000 });
  }
}

function specOption(page: Root, selector: string, value: string): Locator {
  return page.locator(selector).filter({ hasText: new RegExp(`^${escapeRegExp(value)}$`) }).filter({ visible: true }).first();
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Opens the cart: through the tab bar where there is one, else the page's own 购物车 entry. */
export async function goToCart(page: Page): Promise<Locator> {
  const tab = page.locator('.weui-tabbar__label').filter({ hasText: '购物车', visible: true });
  const own = page.locator('.taro_page').filter({ visible: true }).getByText('购物车', { exact: true }).filter({ visible: true });
  const entry = tab.or(own).first();
  await entry.waitFor();
  await entry.click();
  return waitForRoute(page, '/pages/cart/index');
}

/** A Taro H5 <Button> that accepts taps: React writes disabled="false" on the custom element when enabled. */
export const ENABLED = ':is(:not([disabled]), [disabled="false"])';

/**
 * The checkout's 提交订单 button once it accepts taps: the page enables it only when the
 * server's preview matches the chosen fulfilment and every line can be bought.
 */
export async function enabledSubmit(page: Root, timeout = 20_000): Promise<Locator> {
  const button = page.locator(`.checkout__submit${ENABLED}`).filter({ visible: true }).first();
  await button.waitFor({ timeout });
  return button;
}

/**
 * Opens the checkout for one unit of a SKU (as 立即购买 does), chooses store pickup and fills
 * in the contact; returns the submit button once the server priced the pickup order.
 */
export async function openPickupCheckout(page: Page, baseUrl: string, skuId: string, contact: { name: string; phone: string }): Promise<Locator> {
  const checkout = await route(page, baseUrl, `/pages/checkout/index?items=${encodeURIComponent(`${skuId}:1`)}`);
  return choosePickup(checkout, contact);
}

/**
 * Fills the checkout's store pickup (到店自提 and the contact) on a checkout page already shown;
 * returns the submit button once the server priced the pickup order.
 */
export async function choosePickup(checkout: Locator, contact: { name: string; phone: string }): Promise<Locator> {
  await byText(checkout, '提交订单').waitFor();
  await byText(checkout, '到店自提').click();
  await fillByPlaceholder(checkout, '请输入提货人姓名', contact.name);
  await fillByPlaceholder(checkout, '请输入手机号', contact.phone);
  // The stores appear with the pickup pricing; submit is enabled once a contact is there.
  await byText(checkout, '自提门店').waitFor();
  return enabledSubmit(checkout);
}

/**
 * The shop's own cashier (收银台, /pages/checkout/cashier) where 提交订单 leads: waits until it
 * shows the amount due and returns its page element.
 */
export async function atCashier(page: Page, timeout = 30_000): Promise<Locator> {
  const cashier = await waitForRoute(page, '/pages/checkout/cashier', timeout);
  await cashier.locator('[data-testid="cashier-due"]').filter({ visible: true }).first().waitFor({ timeout });
  return cashier;
}

export type ChannelLabel = '支付宝' | '微信支付';

/**
 * Chooses the channel for the remainder on the cashier, then taps its enabled 确认支付 button
 * (which names the remainder) and returns that label. On H5 the page then leaves for the
 * channel's hosted cashier.
 */
export async function submitAtCashier(cashier: Locator, channel: ChannelLabel = '支付宝'): Promise<string> {
  const option = cashier.locator('.cashier__channel').filter({ hasText: channel, visible: true }).first();
  await option.click();
  await cashier.locator('.cashier__channel[aria-checked="true"]').filter({ hasText: channel, visible: true }).first().waitFor();
  const submit = cashier.locator(`.cashier__submit${ENABLED}`).filter({ visible: true }).first();
  await submit.waitFor();
  const label = ((await submit.textContent()) ?? '').trim();
  await submit.click();
  return label;
}

/**
 * Waits for a channel's hosted cashier page served by the channel sandbox (Alipay wap pay's
 * gateway page, WeChat Pay H5's page): a plain server page outside the H5 app, with the
 * sandbox's #sandbox-pay-confirm / #sandbox-pay-cancel buttons.
 */
export async function atChannelCashier(page: Page): Promise<void> {
  await page.waitForURL(/\/sandbox\/(alipay|wechatpay|pay)\//, { timeout: 30_000 });
  await page.locator('#sandbox-pay-confirm').waitFor({ timeout: 30_000 });
}
