/**
 * An account disabled while the shopper is signed in: the next request answers 401
 * ACCOUNT_DISABLED, the client signs out and tells the shopper once; logging in again is
 * refused with the same message.
 */
import { useShop, scenario } from './support/fixture';
import { byText, loginOnPage, route, sessionToken, tapTab, waitForRoute } from './support/shop';
import { eventually } from './support/api';

const shop = useShop('account-disabled');
const PHONE = '13800138077';

test('a disabled account is signed out at once and told why', () =>
  scenario(shop, async ({ page, api, shot, server }) => {
    const guestMe = await route(page, server.baseUrl, '/pages/me/index');
    await byText(guestMe, '点击登录').click();
    const token = await loginOnPage(page, api, PHONE, shot);
    const me = await api.call('getMe', {}, { token });
    await waitForRoute(page, '/pages/me/index');
    await shot('signed-in');

    // The platform disables the account (the sandbox's account console: the service an admin side calls).
    const disabled = await fetch(`${server.baseUrl}/sandbox/accounts/${me.id}/disable`, { method: 'POST' });
    expect(await disabled.json()).toEqual({ id: me.id, status: 'disabled' });

    // The next authenticated request (the cart) ends the session with the notice.
    await tapTab(page, '购物车');
    await byText(page, '账号已停用，如有疑问请联系客服').waitFor();
    await byText(page, '已退出登录').waitFor();
    await shot('disabled-notice');
    expect(await eventually(() => sessionToken(page), (t) => t === null)).toBeNull();
  }));
