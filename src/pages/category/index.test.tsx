import Taro from '@tarojs/taro';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { summary } from '@/test/fixtures';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useBrowse } from '@/stores/browse';
import CategoryPage from './index';

const categories = {
  items: [
    { id: 'c_1', name: '服饰', icon: '/i.svg', sort: 1 },
    { id: 'c_2', name: '数码', icon: '/i.svg', sort: 2 },
  ],
};

beforeEach(() => {
  useBrowse.setState({ categoryId: null, sort: 'default' });
});

describe('category page', () => {
  it('lists the first category, switches category and sort, and loads more at the end of the list', async () => {
    const calls = mockApi({
      'GET /api/categories': () => ok(categories),
      'GET /api/products': (req) => {
        const cat = req.query.get('categoryId');
        const sort = req.query.get('sort');
        if (req.query.get('cursor') === 'next') return ok({ items: [summary(9, { title: `${cat}-第二页` })], nextCursor: null });
        return ok({ items: [summary(1, { title: `${cat}-${sort}` })], nextCursor: 'next' });
      },
    });
    renderWithClient(<CategoryPage />);
    expect(await screen.findByText('c_1-default')).toBeTruthy();
    fireEvent.click(screen.getByText('数码'));
    expect(await screen.findByText('c_2-default')).toBeTruthy();
    fireEvent.click(screen.getByText('价格↑'));
    expect(await screen.findByText('c_2-price_asc')).toBeTruthy();
    fireEvent.scroll(screen.getByTestId('category-list'));
    expect(await screen.findByText('c_2-第二页')).toBeTruthy();
    const list = calls.filter((c) => c.path === '/api/products').map((c) => [c.query.get('categoryId'), c.query.get('sort'), c.query.get('cursor')]);
    expect(list).toEqual([
      ['c_1', 'default', null],
      ['c_2', 'default', null],
      ['c_2', 'price_asc', null],
      ['c_2', 'price_asc', 'next'],
    ]);
  });

  it('searches on the search page: its box opens it, and an old ?q= link is sent there', async () => {
    taroMock.setRouterParams({ q: encodeURIComponent('保温杯') });
    mockApi({
      'GET /api/categories': () => ok(categories),
      'GET /api/products': () => ok({ items: [], nextCursor: null }),
    });
    renderWithClient(<CategoryPage />);
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/search/index?q=${encodeURIComponent('保温杯')}` }));
    fireEvent.click(screen.getByText('搜索商品'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/search/index' });
  });
});
