import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { summary } from '@/test/fixtures';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useBrowse } from '@/stores/browse';
import HomePage from './index';

const home = {
  banners: [{ id: 'b_1', title: '秋季上新', image: '/images/banner-1.svg', productId: 'p_7' }],
  categories: [
    { id: 'c_1', name: '服饰', icon: '/images/c_1.svg', sort: 1 },
    { id: 'c_2', name: '数码', icon: '/images/c_2.svg', sort: 2 },
  ],
};

describe('home page', () => {
  it('renders banners, category entries and the feed, and loads the next page at the bottom', async () => {
    const calls = mockApi({
      'GET /api/home': () => ok(home),
      'GET /api/products': (req) =>
        req.query.get('cursor') === 'c2'
          ? ok({ items: [summary(3)], nextCursor: null })
          : ok({ items: [summary(1), summary(2, { originalPrice: 3000, stock: 0 })], nextCursor: 'c2' }),
    });
    renderWithClient(<HomePage />);

    expect(await screen.findByText('商品1')).toBeTruthy();
    expect(screen.getByText('服饰')).toBeTruthy();
    expect(screen.getByLabelText('秋季上新')).toBeTruthy();
    const cards = screen.getAllByTestId('product-card');
    expect(cards[0].textContent).toContain('¥10.01');
    expect(cards[1].textContent).toContain('已售罄');
    expect(screen.getByText('上拉加载更多')).toBeTruthy();

    taroMock.triggerReachBottom();
    expect(await screen.findByText('商品3')).toBeTruthy();
    expect(screen.getByText('没有更多了')).toBeTruthy();
    const feedCalls = calls.filter((c) => c.path === '/api/products');
    expect(feedCalls.map((c) => c.query.get('cursor'))).toEqual([null, 'c2']);

    fireEvent.click(screen.getByLabelText('秋季上新'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/product/index?id=p_7' });
    fireEvent.click(screen.getByText('数码'));
    expect(useBrowse.getState().categoryId).toBe('c_2');
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/category/index' });
  });

  it('the search box opens the search page', async () => {
    mockApi({ 'GET /api/home': () => ok(home), 'GET /api/products': () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<HomePage />);
    fireEvent.click(screen.getByText('搜索商品'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/search/index' });
    expect(Taro.switchTab).not.toHaveBeenCalled();
  });

  it('pull-to-refresh reloads and stops the refresh indicator', async () => {
    let version = 1;
    mockApi({
      'GET /api/home': () => ok(home),
      'GET /api/products': () => ok({ items: [summary(version)], nextCursor: null }),
    });
    renderWithClient(<HomePage />);
    expect(await screen.findByText('商品1')).toBeTruthy();
    version = 5;
    taroMock.triggerPullDownRefresh();
    expect(await screen.findByText('商品5')).toBeTruthy();
    await waitFor(() => expect(Taro.stopPullDownRefresh).toHaveBeenCalled());
  });

  it('shows the offline error with a retry that recovers', async () => {
    let online = false;
    mockApi({
      'GET /api/home': () => {
        if (!online) throw Object.assign(new Error('down'), { errMsg: 'request:fail' });
        return ok(home);
      },
      'GET /api/products': () => {
        if (!online) throw Object.assign(new Error('down'), { errMsg: 'request:fail' });
        return ok({ items: [], nextCursor: null });
      },
    });
    const { retryPolicy } = await import('@/services/http');
    retryPolicy.baseDelayMs = 1;
    renderWithClient(<HomePage />);
    // Both the home block and the product feed fail, each with its own retry.
    await waitFor(() => expect(screen.getAllByText('重试')).toHaveLength(2));
    const retries = screen.getAllByText('重试');
    expect(screen.getAllByText('网络不可用')).toHaveLength(2);
    // Already home: no 返回首页 here.
    expect(screen.queryByText('返回首页')).toBeNull();
    online = true;
    retries.forEach((b) => fireEvent.click(b));
    expect(await screen.findByText('服饰')).toBeTruthy();
    expect(await screen.findByText('暂无商品')).toBeTruthy();
  });

  it('a failed home request shows its error at once, without waiting for the live entry that is still out', async () => {
    mockApi({
      'GET /api/home': () => {
        throw Object.assign(new Error('down'), { errMsg: 'request:fail' });
      },
      'GET /api/products': () => ok({ items: [summary(1)], nextCursor: null }),
      // The live entry's answer never comes.
      'GET /api/live/sessions': () => new Promise(() => undefined),
    });
    renderWithClient(<HomePage />);
    expect(await screen.findByText('商品1')).toBeTruthy();
    await waitFor(() => expect(screen.getAllByText('重试')).toHaveLength(1));
    expect(screen.getByText('网络不可用')).toBeTruthy();
  });
});
