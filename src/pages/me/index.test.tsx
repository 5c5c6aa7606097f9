import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { session } from '@/test/fixtures';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { useSession } from '@/stores/session';
import MePage from './index';

beforeEach(() => useSession.getState().clear());

describe('me page', () => {
  it('guest: invites to log in; shortcuts lead to login with the target as redirect', async () => {
    const calls = mockApi({});
    renderWithClient(<MePage />);
    expect(screen.getByText('点击登录')).toBeTruthy();
    // Icons, not blank boxes: each shortcut and the avatar placeholder draw an SVG image.
    for (const tab of ['pending_payment', 'paid', 'shipped', 'all', 'aftersale']) {
      const img = screen.getByTestId(`shortcut-${tab}`).querySelector('img');
      expect(img?.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    }
    expect(document.querySelector('.me__avatar img')?.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(screen.queryByText('退出登录')).toBeNull();
    fireEvent.click(screen.getByTestId('shortcut-pending_payment'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/pages/login/index?redirect=${encodeURIComponent('/pages/orders/index?status=pending_payment')}`,
    });
    fireEvent.click(screen.getByTestId('me-promoter'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: `/pages/login/index?redirect=${encodeURIComponent('/pages/promoter/index')}` });
    expect(calls).toHaveLength(0);
  });

  it('signed in: shows the user, order counts and logs out', async () => {
    useSession.getState().setSession(session());
    mockApi({
      'GET /api/me': () => ok({ ...session().user, nickname: '小红' }),
      'GET /api/orders/counts': () => ok({ pending_payment: 2, paid: 0, shipped: 120 }),
    });
    renderWithClient(<MePage />);
    expect(await screen.findByText('小红')).toBeTruthy();
    expect(screen.getByText('手机号 138****8000')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('shortcut-pending_payment').textContent).toContain('2'));
    expect(screen.getByTestId('shortcut-paid').textContent).toBe('待发货');
    expect(screen.getByTestId('shortcut-shipped').textContent).toContain('99+');

    fireEvent.click(screen.getByTestId('shortcut-all'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/orders/index?status=all' });
    fireEvent.click(screen.getByText('收货地址'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/checkout/address-list' });
    expect(screen.getByTestId('shortcut-aftersale').textContent).toBe('退款/售后');
    fireEvent.click(screen.getByTestId('shortcut-aftersale'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/aftersale/index' });
    expect(screen.getByTestId('me-promoter').textContent).toBe('推广中心分享好物赚佣金');
    fireEvent.click(screen.getByTestId('me-promoter'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/promoter/index' });

    fireEvent.click(screen.getByText('退出登录'));
    await waitFor(() => expect(useSession.getState().token).toBeNull());
    expect(await screen.findByText('点击登录')).toBeTruthy();
  });
});
