import { useSession } from '@/stores/session';
import { session } from '@/test/fixtures';
import { mockApi, ok, problem } from '@/test/render';
import { MockNetworkError, taroMock } from '@/test/taro-mock';
import { launchInfoOf } from '../platform/launch-info';
import { bindPendingLanding, decodeParam, forgetReportedLandings, landingOf, landingParams, PENDING_KEY, reportLanding, reportLaunch } from './landing';

/** A shared link's landing: the token and product however each platform hands them over, and the one report per token. */
const TOKEN = 'AbCdEf012345GhIjKlMn';

beforeEach(() => {
  forgetReportedLandings();
  useSession.getState().clear();
});

describe('landingOf', () => {
  it('reads rt and id from a card or an H5 link', () => {
    expect(landingOf({ id: 'p_1', rt: TOKEN })).toEqual({ token: TOKEN, productId: 'p_1' });
    expect(landingOf({ id: 'p_1' })).toEqual({ token: null, productId: 'p_1' });
  });

  it("reads a code's scene: WeChat's URL-encoded (once or twice), the others' decoded", () => {
    expect(landingOf({ scene: encodeURIComponent(`rt=${TOKEN}`) })).toEqual({ token: TOKEN, productId: null });
    expect(landingOf({ scene: encodeURIComponent(encodeURIComponent(`rt=${TOKEN}`)) })).toEqual({ token: TOKEN, productId: null });
    expect(landingOf({ scene: `rt=${TOKEN}` })).toEqual({ token: TOKEN, productId: null });
    expect(landingOf({ scene: 'id=p_01HZX3ABCDEFGHJKMNPQRSTVWX' })).toEqual({ token: null, productId: 'p_01HZX3ABCDEFGHJKMNPQRSTVWX' });
    // A bare token as the whole scene.
    expect(landingOf({ scene: TOKEN })).toEqual({ token: TOKEN, productId: null });
  });

  it("reads a scanned URL: WeChat's q and Alipay's qrCode, its own query or its hash route's", () => {
    const h5 = `https://shop.example/#/pages/product/index?scene=${encodeURIComponent(`rt=${TOKEN}`)}&sandbox=weapp`;
    expect(landingOf({ q: encodeURIComponent(h5) })).toEqual({ token: TOKEN, productId: null });
    expect(landingOf({ qrCode: `https://shop.example/s?id=p_9&rt=${TOKEN}` })).toEqual({ token: TOKEN, productId: 'p_9' });
  });

  it('keeps the page query first, and drops what is not a token or an id', () => {
    expect(landingOf({ rt: TOKEN, scene: 'rt=Other1234' })).toEqual({ token: TOKEN, productId: null });
    expect(landingOf({ rt: 'not a token!', id: '../etc' })).toEqual({ token: null, productId: null });
    expect(landingOf({ scene: '%E0%A4%A' })).toEqual({ token: null, productId: null });
    expect(decodeParam('%E0%A4%A')).toBe('%E0%A4%A');
  });
});

describe('landingParams', () => {
  const launch = launchInfoOf({ path: 'pages/product/index', query: { scene: `rt=${TOKEN}` }, scene: '1011' });

  it("puts the launch's query under the page's when this page is the launch page (Alipay's codes)", () => {
    expect(landingParams({}, '/pages/product/index', launch)).toEqual({ scene: `rt=${TOKEN}` });
    expect(landingParams({ id: 'p_2' }, '/pages/product/index?id=p_2', launch)).toEqual({ scene: `rt=${TOKEN}`, id: 'p_2' });
    expect(landingParams({ id: 'p_2' }, '/pages/home/index', launch)).toEqual({ id: 'p_2' });
    expect(launch.scene).toBe(1011);
  });
});

describe('reportLanding', () => {
  it("a guest's open is a visit, reported once per token", async () => {
    const calls = mockApi({ 'POST /api/referral/visits': () => ok(null, 204) });
    await reportLanding(TOKEN, 1007);
    await reportLanding(TOKEN, 1007);
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ token: TOKEN, platform: 'h5', scene: 1007, device: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/) });
    // No Idempotency-Key on the beacon.
    expect(Object.keys(calls[0].header).map((h) => h.toLowerCase())).not.toContain('idempotency-key');
  });

  it("a signed-in shopper's open binds at once (which records the visit)", async () => {
    useSession.getState().setSession(session());
    const calls = mockApi({ 'POST /api/referral/bind': () => ok({ bound: true }) });
    await reportLanding(TOKEN);
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /api/referral/bind']);
    expect(calls[0].body).toEqual({ token: TOKEN, device: expect.any(String) });
  });

  it('a report that fails keeps the token, bound after the next sign-in', async () => {
    mockApi({
      'POST /api/referral/visits': () => {
        throw new MockNetworkError('offline');
      },
    });
    await reportLanding(TOKEN);
    expect(taroMock.storage.get(PENDING_KEY)).toBe(TOKEN);
    useSession.getState().setSession(session());
    const calls = mockApi({ 'POST /api/referral/bind': () => ok({ bound: true }) });
    await bindPendingLanding();
    expect(calls.map((c) => c.body)).toEqual([{ token: TOKEN, device: expect.any(String) }]);
    expect(taroMock.storage.has(PENDING_KEY)).toBe(false);
    await bindPendingLanding();
    expect(calls).toHaveLength(1);
  });

  it('a rate-limited visit is kept as well', async () => {
    mockApi({ 'POST /api/referral/visits': () => problem(429, 'RATE_LIMITED', { retryAfterSeconds: 30 }) });
    await reportLanding(TOKEN);
    expect(taroMock.storage.get(PENDING_KEY)).toBe(TOKEN);
  });

  it("the app's launch reports its landing with the host's scene", async () => {
    const calls = mockApi({ 'POST /api/referral/visits': () => ok(null, 204) });
    taroMock.setLaunchOptions({ path: 'pages/category/index', query: { scene: encodeURIComponent(`rt=${TOKEN}`) }, scene: 1047 });
    reportLaunch();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.map((c) => c.body)).toEqual([expect.objectContaining({ token: TOKEN, scene: 1047 })]);
  });
});

describe('a product page opened from a WeChat live room', () => {
  it("takes the promoter's token from custom_params, encoded once or twice", () => {
    const params = encodeURIComponent(JSON.stringify({ live: 'ls_1', rt: 'Tok3n' }));
    expect(landingOf({ id: 'p_1', custom_params: params })).toEqual({ token: 'Tok3n', productId: 'p_1' });
    expect(landingOf({ id: 'p_1', custom_params: encodeURIComponent(params) })).toEqual({ token: 'Tok3n', productId: 'p_1' });
    expect(landingOf({ id: 'p_1', rt: 'Direct1', custom_params: params })).toEqual({ token: 'Direct1', productId: 'p_1' });
    expect(landingOf({ id: 'p_1', custom_params: '%7Bbroken' })).toEqual({ token: null, productId: 'p_1' });
    expect(landingOf({ id: 'p_1', custom_params: encodeURIComponent('{"rt":"bad token!"}') })).toEqual({ token: null, productId: 'p_1' });
  });
});
