import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { cartLine, cartView, session } from '@/test/fixtures';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useCartDraft } from '@/stores/cart-draft';
import { useSession } from '@/stores/session';
import AgreementPage from '../legal/agreement';
import PrivacyPage from '../legal/privacy';
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

describe('login consent (user agreement and privacy policy)', () => {
  const consent = () => screen.getByRole('checkbox', { name: '同意用户服务协议和隐私政策' });

  it('asks to agree before sending anything; declining sends nothing', async () => {
    taroMock.setModalResult(false);
    const calls = mockApi({ 'POST /api/auth/otp': () => ok({ retryAfterSeconds: 60, expiresInSeconds: 300 }) });
    renderWithClient(<LoginPage />);
    expect(consent().getAttribute('aria-checked')).toBe('false');
    fireEvent.change(input('请输入手机号'), { target: { value: '13800138000' } });
    fireEvent.click(screen.getByText('获取验证码'));
    await waitFor(() =>
      expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '请先阅读并勾选同意《用户服务协议》和《隐私政策》', confirmText: '同意' })),
    );
    fireEvent.change(input('请输入 6 位验证码'), { target: { value: '123456' } });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(2));
    expect(calls).toHaveLength(0);
    expect(consent().getAttribute('aria-checked')).toBe('false');
  });

  it('同意 ticks the box and goes on; a ticked box asks nothing', async () => {
    const calls = mockApi({ 'POST /api/auth/otp': () => ok({ retryAfterSeconds: 60, expiresInSeconds: 300 }) });
    renderWithClient(<LoginPage />);
    fireEvent.change(input('请输入手机号'), { target: { value: '13800138000' } });
    fireEvent.click(screen.getByText('获取验证码'));
    expect(await screen.findByText('60 秒后重发')).toBeTruthy();
    expect(calls.map((c) => c.path)).toEqual(['/api/auth/otp']);
    expect(consent().getAttribute('aria-checked')).toBe('true');
  });

  it('the sentence ticks the box; its links open the documents without ticking it', async () => {
    mockApi({});
    renderWithClient(<LoginPage />);
    fireEvent.click(screen.getByText('《用户服务协议》'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/legal/agreement' });
    fireEvent.click(screen.getByText('《隐私政策》'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/legal/privacy' });
    expect(consent().getAttribute('aria-checked')).toBe('false');
    fireEvent.click(screen.getByText(/我已阅读并同意/));
    expect(consent().getAttribute('aria-checked')).toBe('true');
    mockApi({ 'POST /api/auth/login/phone': () => ok(session()) });
    fireEvent.change(input('请输入手机号'), { target: { value: '13900000000' } });
    fireEvent.change(input('请输入 6 位验证码'), { target: { value: '654321' } });
    fireEvent.click(screen.getByText('登录'));
    await waitFor(() => expect(useSession.getState().token).not.toBeNull());
    expect(Taro.showModal).not.toHaveBeenCalled();
  });

  it('the two documents are pages with their text', () => {
    const { unmount } = renderWithClient(<AgreementPage />);
    expect(screen.getAllByText('用户服务协议').length).toBeGreaterThan(0);
    expect(screen.getByText('一、账号注册与使用')).toBeTruthy();
    unmount();
    renderWithClient(<PrivacyPage />);
    expect(screen.getByText('三、剪贴板与设备权限')).toBeTruthy();
  });
});
