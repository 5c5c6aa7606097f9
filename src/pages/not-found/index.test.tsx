import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import App from '@/app';
import { taroMock } from '@/test/taro-mock';
import NotFoundPage from '.';

describe('unknown routes', () => {
  it('the app answers an unknown route with the missing-page screen, in place of the dead URL', () => {
    render(<App>页面</App>);
    taroMock.triggerPageNotFound();
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/not-found/index' });
  });

  it('the missing-page screen says so and leads home', () => {
    render(<NotFoundPage />);
    expect(screen.getByRole('alert').textContent).toContain('页面不存在');
    expect(screen.queryByText('重试')).toBeNull();
    fireEvent.click(screen.getByText('返回首页'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });
});
