import { screen, waitFor } from '@testing-library/react';
import { forgetReportedLandings } from '@/services/referral/landing';
import { useSession } from '@/stores/session';
import { session } from '@/test/fixtures';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import HomePage from './index';

/** The home page's share handler and a shared home link's visit (docs/share.md, "Share handlers"). */
const TOKEN = 'HomeToken0123456789a';
const home = { banners: [], categories: [{ id: 'c_1', name: '服饰', icon: '/images/c_1.svg', sort: 1 }] };

function api(isPromoter: boolean) {
  return mockApi({
    'GET /api/home': () => ok(home),
    'GET /api/products': () => ok({ items: [], nextCursor: null }),
    'GET /api/referral/me': () =>
      ok({ isPromoter, policy: 'everyone', minSpend: null, spent: null, canApply: false, application: null, promoter: null, maxLevels: 2, team: [] }),
    'POST /api/referral/links': () => ok({ token: TOKEN, path: `/pages/home/index?rt=${TOKEN}`, expiresAt: Date.now() + 30 * 86_400_000 }),
    'POST /api/referral/visits': () => ok(null, 204),
  });
}

beforeEach(() => {
  forgetReportedLandings();
  useSession.getState().clear();
});

it("a promoter's share of the home page carries the token; the timeline's query is the token alone", async () => {
  useSession.getState().setSession(session());
  api(true);
  renderWithClient(<HomePage />);
  await screen.findByText('服饰');
  await waitFor(() => expect(taroMock.share()).toEqual({ title: '小店 · 好物精选', path: `/pages/home/index?rt=${TOKEN}` }));
  expect(taroMock.shareTimeline()).toEqual({ title: '小店 · 好物精选', query: `rt=${TOKEN}` });
});

it("anyone else's share is the plain home page", async () => {
  useSession.getState().setSession(session());
  const calls = api(false);
  renderWithClient(<HomePage />);
  await screen.findByText('服饰');
  await waitFor(() => expect(calls.some((c) => c.path === '/api/referral/me')).toBe(true));
  expect(taroMock.share()).toEqual({ title: '小店 · 好物精选', path: '/pages/home/index' });
  expect(calls.some((c) => c.path === '/api/referral/links')).toBe(false);
});

it('a shared home link opened by a guest is reported once', async () => {
  taroMock.setRouterParams({ rt: TOKEN });
  const calls = api(false);
  renderWithClient(<HomePage />);
  await screen.findByText('服饰');
  taroMock.triggerDidShow();
  await waitFor(() => expect(calls.filter((c) => c.path === '/api/referral/visits')).toHaveLength(1));
  expect(calls.some((c) => c.path === '/api/referral/me')).toBe(false);
});
