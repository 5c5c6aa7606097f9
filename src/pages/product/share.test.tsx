import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { forgetReportedLandings } from '@/services/referral/landing';
import { useSession } from '@/stores/session';
import { detail, session } from '@/test/fixtures';
import { mockApi, ok, problem, renderWithClient, type Route } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import ProductPage from './index';

/**
 * Sharing on the product page (docs/share.md, "Share handlers"): the handlers' path carries a
 * promoter's token and nobody else's; a shared link's visit is reported once, from `rt` and from
 * a code's scene; the estimated commission shows for promoters only; the share sheet and the poster.
 */
const HOME_TOKEN = 'HomeToken0123456789a';
const PRODUCT_TOKEN = 'ProdToken0123456789a';
const POSTER_TOKEN = 'PostToken0123456789a';
const tokens: Record<string, string> = { home: HOME_TOKEN, 'product:p_1': PRODUCT_TOKEN, 'poster:p_1': POSTER_TOKEN };

const me = (isPromoter: boolean) => ({
  isPromoter, policy: isPromoter ? 'everyone' : 'approved', minSpend: null, spent: null, canApply: !isPromoter, application: null,
  promoter: null, maxLevels: 2, team: [{ level: 1, count: 0 }, { level: 2, count: 0 }],
});

function api(extra: Record<string, Route> = {}, promoter = true) {
  return mockApi({
    'GET /api/products/p_1': () => ok(detail()),
    'GET /api/referral/me': () => ok(me(promoter)),
    'POST /api/referral/links': ({ body }) => {
      const target = (body as { target: string }).target;
      const token = tokens[target];
      const path = target === 'home' ? `/pages/home/index?rt=${token}` : `/pages/product/index?id=p_1&rt=${token}`;
      return ok({ token, path, expiresAt: Date.now() + 30 * 86_400_000 });
    },
    'GET /api/referral/estimate': ({ query }) =>
      ok({ productId: query.get('productId'), enabled: true, skus: [{ skuId: 'sku_rm', amount: 590 }, { skuId: 'sku_rl', amount: 690 }, { skuId: 'sku_bm', amount: 590 }, { skuId: 'sku_bl', amount: 690 }] }),
    'POST /api/referral/visits': () => ok(null, 204),
    'POST /api/referral/bind': () => ok({ bound: true }),
    'POST /api/share/code': () => ok({ image: 'data:image/png;base64,iVBORw0KGgo=' }),
    ...extra,
  });
}
const linkTargets = (calls: ReturnType<typeof mockApi>) => calls.filter((c) => c.method === 'POST' && c.path === '/api/referral/links').map((c) => (c.body as { target: string }).target);
const sharedPath = () => (taroMock.share() as { path: string }).path;

beforeEach(() => {
  forgetReportedLandings();
  useSession.getState().clear();
  taroMock.setRouterParams({ id: 'p_1' });
});

describe('share handlers', () => {
  it("a promoter's share carries a token: the home link at once, the product's own once the share sheet opened; the timeline's query too", async () => {
    useSession.getState().setSession(session());
    const calls = api();
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    await waitFor(() => expect(sharedPath()).toBe(`/pages/product/index?id=p_1&rt=${HOME_TOKEN}`));
    expect(taroMock.share()).toMatchObject({ title: '纯棉T恤', imageUrl: '/images/p_1-1.svg' });
    expect(linkTargets(calls)).toEqual(['home']);
    // WeChat's menu (send and timeline) is asked for when the page shows.
    expect(Taro.showShareMenu).not.toHaveBeenCalled(); // share-host.ts: only WeChat's file asks

    fireEvent.click(screen.getByTestId('share-open'));
    expect(screen.getByTestId('share-sheet')).toBeTruthy();
    await waitFor(() => expect(sharedPath()).toBe(`/pages/product/index?id=p_1&rt=${PRODUCT_TOKEN}`));
    expect(taroMock.shareTimeline()).toMatchObject({ title: '纯棉T恤', query: `id=p_1&rt=${PRODUCT_TOKEN}` });
    expect(linkTargets(calls)).toEqual(['home', 'product:p_1']);
    // The links are kept: the sheet again asks nothing.
    fireEvent.click(screen.getByText('取消'));
    fireEvent.click(screen.getByTestId('share-open'));
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(linkTargets(calls)).toEqual(['home', 'product:p_1']);
  });

  it("a shopper who may not promote shares the plain page, and asks for no link or estimate", async () => {
    useSession.getState().setSession(session());
    const calls = api({}, false);
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    await waitFor(() => expect(calls.some((c) => c.path === '/api/referral/me')).toBe(true));
    fireEvent.click(screen.getByTestId('share-open'));
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(sharedPath()).toBe('/pages/product/index?id=p_1');
    expect(taroMock.shareTimeline()).toMatchObject({ query: 'id=p_1' });
    expect(calls.filter((c) => c.path === '/api/referral/links' || c.path === '/api/referral/estimate')).toEqual([]);
    expect(screen.queryByTestId('estimate')).toBeNull();
  });

  it('a guest shares the plain page without asking whether they promote', async () => {
    const calls = api();
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    expect(sharedPath()).toBe('/pages/product/index?id=p_1');
    expect(calls.map((c) => c.path)).toEqual(['/api/products/p_1']);
  });

  it('a link that cannot be had (rate limited) leaves the share plain, never broken', async () => {
    useSession.getState().setSession(session());
    api({ 'POST /api/referral/links': () => problem(429, 'RATE_LIMITED', { retryAfterSeconds: 60 }) });
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(sharedPath()).toBe('/pages/product/index?id=p_1');
  });
});

describe('visits of shared links', () => {
  const visits = (calls: ReturnType<typeof mockApi>) => calls.filter((c) => c.path === '/api/referral/visits').map((c) => c.body);

  it('reports an open with rt once, however often the page shows', async () => {
    taroMock.setRouterParams({ id: 'p_1', rt: PRODUCT_TOKEN });
    const calls = api();
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    act(() => taroMock.triggerDidShow());
    act(() => taroMock.triggerDidShow());
    await waitFor(() => expect(visits(calls)).toHaveLength(1));
    expect(visits(calls)[0]).toEqual({ token: PRODUCT_TOKEN, platform: 'h5', scene: 1001, device: expect.any(String) });
  });

  it("opens a promoter's poster code (WeChat's URL-encoded scene with only the token): asks what it opens, shows the product, reports once", async () => {
    taroMock.setRouterParams({ scene: encodeURIComponent(`rt=${POSTER_TOKEN}`) });
    taroMock.setLaunchOptions({ path: 'pages/product/index', query: { scene: encodeURIComponent(`rt=${POSTER_TOKEN}`) }, scene: 1047 });
    const calls = api({
      [`GET /api/referral/links/${POSTER_TOKEN}`]: () => ok({ target: 'poster:p_1', path: `/pages/product/index?id=p_1&rt=${POSTER_TOKEN}` }),
    });
    renderWithClient(<ProductPage />);
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    act(() => taroMock.triggerDidShow());
    await waitFor(() => expect(visits(calls)).toEqual([{ token: POSTER_TOKEN, platform: 'h5', scene: 1047, device: expect.any(String) }]));
  });

  it("opens a code from Alipay's launch query (the page's own query is empty)", async () => {
    taroMock.setRouterParams({}, '/pages/product/index');
    taroMock.setLaunchOptions({ path: 'pages/product/index', query: { scene: `rt=${POSTER_TOKEN}` }, scene: 1011 });
    const calls = api({
      [`GET /api/referral/links/${POSTER_TOKEN}`]: () => ok({ target: 'poster:p_1', path: `/pages/product/index?id=p_1&rt=${POSTER_TOKEN}` }),
    });
    renderWithClient(<ProductPage />);
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    await waitFor(() => expect(visits(calls)).toHaveLength(1));
  });

  it("opens a plain poster code (scene id=...) without a token: no lookup, no visit", async () => {
    taroMock.setRouterParams({ scene: encodeURIComponent('id=p_1') });
    const calls = api();
    renderWithClient(<ProductPage />);
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    expect(calls.map((c) => c.path)).toEqual(['/api/products/p_1']);
  });

  it('a token that opens nothing shows the missing product, with the way home', async () => {
    taroMock.setRouterParams({ scene: `rt=${POSTER_TOKEN}` });
    api({ [`GET /api/referral/links/${POSTER_TOKEN}`]: () => problem(404, 'NOT_FOUND') });
    renderWithClient(<ProductPage />);
    expect(await screen.findByText('商品不存在或已删除')).toBeTruthy();
  });

  it('a signed-in shopper opening a link is bound at once', async () => {
    useSession.getState().setSession(session());
    taroMock.setRouterParams({ id: 'p_1', rt: PRODUCT_TOKEN });
    const calls = api();
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/referral/bind').map((c) => c.body)).toEqual([{ token: PRODUCT_TOKEN, device: expect.any(String) }]));
    expect(visits(calls)).toEqual([]);
  });
});

describe('the estimated commission', () => {
  it('shows a promoter the range over the SKUs, then the chosen SKU', async () => {
    useSession.getState().setSession(session());
    const calls = api();
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    expect((await screen.findByTestId('estimate')).textContent).toContain('预估赚 ¥5.90-¥6.90');
    expect(calls.find((c) => c.path === '/api/referral/estimate')?.query.get('productId')).toBe('p_1');
    fireEvent.click(screen.getByTestId('spec-颜色-蓝'));
    fireEvent.click(screen.getByTestId('spec-尺码-L'));
    expect(screen.getByTestId('estimate').textContent).toContain('预估赚 ¥6.90');
  });

  it('shows nothing when the merchant pays no commission', async () => {
    useSession.getState().setSession(session());
    api({ 'GET /api/referral/estimate': () => ok({ productId: 'p_1', enabled: false, skus: [] }) });
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(screen.queryByTestId('estimate')).toBeNull();
  });
});

describe('the poster', () => {
  const codeBodies = (calls: ReturnType<typeof mockApi>) => calls.filter((c) => c.path === '/api/share/code').map((c) => c.body);

  it("a promoter's poster carries a link of its own (poster:<id>) as the code's scene", async () => {
    useSession.getState().setSession(session());
    const calls = api();
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(screen.getByTestId('share-open'));
    fireEvent.click(screen.getByTestId('share-poster'));
    expect(screen.queryByTestId('share-sheet')).toBeNull();
    await waitFor(() => expect(codeBodies(calls)).toEqual([{ platform: 'h5', page: 'pages/product/index', scene: `rt=${POSTER_TOKEN}` }]));
    expect(linkTargets(calls)).toContain('poster:p_1');
    expect(screen.getByTestId('poster-sheet')).toBeTruthy();
  });

  it("anyone else's poster carries the product id", async () => {
    useSession.getState().setSession(session());
    const calls = api({}, false);
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    await waitFor(() => expect(calls.some((c) => c.path === '/api/referral/me')).toBe(true));
    fireEvent.click(screen.getByTestId('share-open'));
    fireEvent.click(screen.getByTestId('share-poster'));
    await waitFor(() => expect(codeBodies(calls)).toEqual([{ platform: 'h5', page: 'pages/product/index', scene: 'id=p_1' }]));
  });

  it('a guest is sent to sign in first, back to this product', async () => {
    api();
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(screen.getByTestId('share-open'));
    fireEvent.click(screen.getByTestId('share-poster'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/login/index?redirect=${encodeURIComponent('/pages/product/index?id=p_1')}` });
  });
});
