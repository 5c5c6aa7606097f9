import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { cartLine, cartView, session } from '@/test/fixtures';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useCartDraft } from '@/stores/cart-draft';
import { useSession } from '@/stores/session';
import LoginPage from './index';

beforeEach(() => {
  useCartDraft.getState().clear();
  useSession.getState().clear();
});

const input = (placeholder: string) => screen.getByPlaceholderText(placeholder);

describe('login page (H5: phone + one-time code)', () => {
  it('requests a code with a countdown, logs in, merges the guest cart and follows the redirect', async () => {
    useCartDraft.getState().add('sku_a', 1, 1000);
    const target = '/pages/checkout/index?items=sku_a%3A1';
    taroMock.setRouterParams({ redirect: encodeURIComponent(target) });
    const calls = mockApi({
      'POST /api/auth/otp': () => ok({ retryAfterSeconds: 60, expiresInSeconds: 300 }),
      'POST /api/auth/login/phone': (req) =>
        (req.body as { code: string }).code === '123456' ? ok(session({ token: 'tok-h5' })) : problem(400, 'OTP_INVALID'),
      'POST /api/cart/merge': () => ok(cartView([cartLine('sku_a')])),
      'GET /api/cart': () => ok(cartView([cartLine('sku_a')])),
    });
    renderWithClient(<LoginPage />);

    fireEvent.click(screen.getByText('获取验证码'));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请输入正确的手机号' }));
    fireEvent.change(input('请输入手机号'), { target: { value: '13800138000' } });
    fireEvent.click(screen.getByText('获取验证码'));
    expect(await screen.findByText('60 秒后重发')).toBeTruthy();
    expect(calls.find((c) => c.path === '/api/auth/otp')?.body).toEqual({ phone: '13800138000' });

    fireEvent.change(input('请输入 6 位验证码'), { target: { value: '000000' } });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '验证码错误或已过期' })));
    expect(useSession.getState().token).toBeNull();

    fireEvent.change(input('请输入 6 位验证码'), { target: { value: '123456' } });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: target }));
    expect(useSession.getState().token).toBe('tok-h5');
    expect(calls.some((c) => c.path === '/api/cart/merge')).toBe(true);
    expect(useCartDraft.getState().lines).toEqual([]);
  });

  it('a tab page redirect switches tab', async () => {
    taroMock.setRouterParams({ redirect: encodeURIComponent('/pages/cart/index') });
    mockApi({ 'POST /api/auth/login/phone': () => ok(session()) });
    renderWithClient(<LoginPage />);
    fireEvent.change(input('请输入手机号'), { target: { value: '13900000000' } });
    fireEvent.change(input('请输入 6 位验证码'), { target: { value: '654321' } });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/cart/index' }));
  });

  it('ignores a redirect that is not one of our pages', async () => {
    taroMock.setRouterParams({ redirect: encodeURIComponent('https://evil.test/') });
    mockApi({ 'POST /api/auth/login/phone': () => ok(session()) });
    renderWithClient(<LoginPage />);
    fireEvent.change(input('请输入手机号'), { target: { value: '13900000000' } });
    fireEvent.change(input('请输入 6 位验证码'), { target: { value: '654321' } });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' }));
    expect(Taro.redirectTo).not.toHaveBeenCalled();
  });
});
