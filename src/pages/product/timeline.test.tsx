import { screen } from '@testing-library/react';
import { detail } from '@/test/fixtures';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import ProductPage from './index';

// WeChat's timeline opens the page in single-page mode (scene 1154): share-host.weapp.ts says so there.
jest.mock('@/services/platform/share-host', () => ({ enableShareMenu: () => undefined, isTimelineSinglePage: () => true }));

/** A product opened from WeChat's timeline: no login, no navigation, still the product. */
it('shows the product without login, with the way to the mini-program instead of buying or sharing', async () => {
  taroMock.setRouterParams({ id: 'p_1', rt: 'ProdToken0123456789a' });
  const calls = mockApi({ 'GET /api/products/p_1': () => ok(detail()), 'POST /api/referral/visits': () => ok(null, 204) });
  renderWithClient(<ProductPage />);
  expect(await screen.findByText('纯棉T恤')).toBeTruthy();
  expect(screen.getByTestId('timeline-hint').textContent).toBe('点击下方「前往小程序」即可购买');
  expect(screen.queryByText('加入购物车')).toBeNull();
  expect(screen.queryByTestId('share-open')).toBeNull();
  // The open is still logged (a device of its own there: nothing binds).
  expect(calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual(['GET /api/products/p_1', 'POST /api/referral/visits']);
});
