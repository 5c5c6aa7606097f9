/**
 * What a shopper expects of a Chinese shop, in the H5 build: the search page (hot searches,
 * suggestions while typing, results, history with clear-all), login consent (nothing sent
 * before agreeing; the two documents open), and the address form (智能填写 from a pasted
 * address, the region picker), with the order number on the order's pages.
 */
import { useShop, scenario } from './support/fixture';
import { agreeToTerms, byText, chooseRegion, fillByPlaceholder, loginOnPage, route, waitForRoute } from './support/shop';

const shop = useShop('shopper-features');
const PHONE = '13800138077';

test('search: home box -> hot searches -> suggestions while typing -> results -> history, cleared', () =>
  scenario(shop, async ({ page, api, server, shot }) => {
    const hot = await api.call('getHotSearches');
    expect(hot.items.length).toBeGreaterThan(0);
    await page.goto(`${server.baseUrl}/`);
    const home = await waitForRoute(page, '/pages/home/index');
    await byText(home, '搜索商品').click();
    let search = await waitForRoute(page, '/pages/search/index');
    await byText(search, '热门搜索').waitFor();
    await byText(search, hot.items[0]).waitFor();
    await shot('search-empty-box');

    // Typing asks the server for suggestions.
    const typed = Array.from(hot.items[0]).slice(0, 2).join('');
    await fillByPlaceholder(search, '搜索商品', typed);
    const suggestion = search.getByTestId('search-suggestions').getByText(hot.items[0], { exact: true });
    await suggestion.waitFor();
    await shot('search-suggestions');
    await suggestion.click();
    const results = search.getByTestId('search-results');
    await results.locator('.product-card').filter({ hasText: hot.items[0] }).first().waitFor();
    await shot('search-results');

    // Back home and in again: the search is in the history; clear it.
    await page.goBack();
    await waitForRoute(page, '/pages/home/index');
    await byText(home, '搜索商品').click();
    search = await waitForRoute(page, '/pages/search/index');
    await search.getByTestId('search-history').getByText(hot.items[0], { exact: true }).waitFor();
    await shot('search-history');
    await search.getByRole('button', { name: '清空' }).click();
    await byText(page, '确定').click();
    await search.getByTestId('search-history').waitFor({ state: 'detached' });
  }));

test('login consent: asks before sending; the documents open; agreeing logs in', () =>
  scenario(shop, async ({ page, api, server, shot }) => {
    let login = await route(page, server.baseUrl, '/pages/login/index');
    await fillByPlaceholder(login, '请输入手机号', PHONE);
    await byText(login, '获取验证码').click();
    await byText(page, '请先阅读并勾选同意《用户服务协议》和《隐私政策》').waitFor();
    await shot('consent-asked');
    await byText(page, '取消').click();
    expect(await login.getByRole('checkbox', { name: '同意用户服务协议和隐私政策' }).getAttribute('aria-checked')).toBe('false');

    await byText(login, '《用户服务协议》').click();
    const agreement = await waitForRoute(page, '/pages/legal/agreement');
    await byText(agreement, '一、账号注册与使用').waitFor();
    await shot('agreement');
    await page.goBack();
    login = await waitForRoute(page, '/pages/login/index');
    await byText(login, '《隐私政策》').click();
    const privacy = await waitForRoute(page, '/pages/legal/privacy');
    await byText(privacy, '三、剪贴板与设备权限').waitFor();
    await page.goBack();
    login = await waitForRoute(page, '/pages/login/index');
    await agreeToTerms(login);
    await shot('consent-ticked');
    const token = await loginOnPage(page, api, PHONE);
    expect(token).toBeTruthy();
  }));

test('address: 智能填写 from a pasted address, then the region picker changes the district', () =>
  scenario(shop, async ({ page, server, shot }) => {
    // Logged in by the previous scenario (same browser context): 我的 -> 收货地址 -> 新增收货地址.
    const me = await route(page, server.baseUrl, '/pages/me/index');
    await byText(me, '收货地址').click();
    let list = await waitForRoute(page, '/pages/checkout/address-list');
    await byText(list, '新增收货地址').click();
    const form = await waitForRoute(page, '/pages/checkout/address-edit');
    await shot('address-form-empty');
    await form.locator('textarea[placeholder^="粘贴或输入整段地址"]').filter({ visible: true }).first().fill('收货人：李四\n手机号码：139 0013 9000\n所在地区：广东省 深圳市 南山区\n详细地址：深南大道10000号');
    await byText(form, '识别').click();
    await form.getByTestId('address-region').filter({ hasText: '广东省 深圳市 南山区' }).waitFor();
    expect(await form.locator('input[placeholder="请输入收货人姓名"]').inputValue()).toBe('李四');
    expect(await form.locator('input[placeholder="请输入手机号"]').inputValue()).toBe('13900139000');
    expect(await form.locator('input[placeholder="街道、楼牌号等"]').inputValue()).toBe('深南大道10000号');
    await shot('address-recognized');

    await form.getByTestId('address-region').click();
    await page.getByTestId('region-picker').filter({ visible: true }).waitFor();
    await shot('region-picker');
    await page.getByTestId('region-picker').locator('.region-picker__close').click();
    await chooseRegion(page, form, ['广东省', '深圳市', '福田区']);
    await shot('address-region-changed');
    await byText(form, '保存').click();
    list = await waitForRoute(page, '/pages/checkout/address-list');
    await byText(list, /福田区 深南大道10000号/).waitFor();
    await shot('address-list');
  }));
