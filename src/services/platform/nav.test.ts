import Taro from '@tarojs/taro';
import { isTabPage, openPage, PAGES, replacePage, safeRedirect } from './nav';

describe('navigation helpers', () => {
  it('tab pages go through switchTab, others through navigateTo/redirectTo', async () => {
    expect(isTabPage('/pages/cart/index')).toBe(true);
    expect(isTabPage('pages/me/index?x=1')).toBe(true);
    expect(isTabPage(PAGES.product('p_1'))).toBe(false);
    await openPage('/pages/cart/index?x=1');
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/cart/index' });
    expect(PAGES.search('口红 小样')).toBe('/pages/search/index?q=%E5%8F%A3%E7%BA%A2%20%E5%B0%8F%E6%A0%B7');
    await openPage(PAGES.product('p 1'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/product/index?id=p%201' });
    await replacePage('/pages/checkout/index?items=a%3A1');
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/index?items=a%3A1' });
  });

  it('accepts only our own page paths as a redirect', () => {
    expect(safeRedirect(encodeURIComponent('/pages/checkout/index?items=a%3A1'))).toBe('/pages/checkout/index?items=a%3A1');
    expect(safeRedirect('https%3A%2F%2Fevil.test')).toBeNull();
    expect(safeRedirect('//evil.test/pages/x')).toBeNull();
    expect(safeRedirect('%E0%A4%A')).toBeNull();
    expect(safeRedirect(undefined)).toBeNull();
  });
});
