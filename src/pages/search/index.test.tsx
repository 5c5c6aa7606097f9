import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { summary } from '@/test/fixtures';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { SEARCH_HISTORY_STORAGE_KEY, useSearchHistory } from '@/stores/search-history';
import SearchPage from './index';

beforeEach(() => {
  useSearchHistory.getState().clear();
});

const box = () => screen.getByPlaceholderText('搜索商品');

describe('search page', () => {
  it('shows history and hot searches; typing asks the server for suggestions; a suggestion searches', async () => {
    useSearchHistory.getState().add('保温杯');
    useSearchHistory.getState().add('连衣裙');
    const calls = mockApi({
      'GET /api/search/hot': () => ok({ items: ['法式碎花连衣裙', '降噪耳机'] }),
      'GET /api/search/suggest': (req) => ok({ items: [`${req.query.get('q')}保温杯`, `${req.query.get('q')}杯套`] }),
      'GET /api/products': (req) => ok({ items: [summary(1, { title: `结果-${req.query.get('q')}` })], nextCursor: null }),
    });
    renderWithClient(<SearchPage />);
    expect(within(screen.getByTestId('search-history')).getAllByText(/./).map((e) => e.textContent)).toEqual(['连衣裙', '保温杯']);
    expect(await screen.findByText('降噪耳机')).toBeTruthy();

    fireEvent.change(box(), { target: { value: '不锈钢' } });
    expect(await screen.findByText('不锈钢保温杯')).toBeTruthy();
    expect(calls.filter((c) => c.path === '/api/search/suggest').map((c) => c.query.get('q'))).toEqual(['不锈钢']);

    fireEvent.click(screen.getByText('不锈钢杯套'));
    expect(await screen.findByText('结果-不锈钢杯套')).toBeTruthy();
    expect(useSearchHistory.getState().words).toEqual(['不锈钢杯套', '连衣裙', '保温杯']);
    // Kept in the device's storage (local storage on H5).
    expect(String(taroMock.storage.get(SEARCH_HISTORY_STORAGE_KEY))).toContain('不锈钢杯套');
    expect(screen.queryByTestId('search-suggestions')).toBeNull();
  });

  it('searching from the box, a history word or a hot word shows the results as product cards', async () => {
    useSearchHistory.getState().add('保温杯');
    mockApi({
      'GET /api/search/hot': () => ok({ items: ['降噪耳机'] }),
      'GET /api/search/suggest': () => ok({ items: [] }),
      'GET /api/products': (req) =>
        ok({ items: req.query.get('q') === '没有的东西' ? [] : [summary(1, { title: `结果-${req.query.get('q')}` })], nextCursor: null }),
    });
    renderWithClient(<SearchPage />);
    fireEvent.click(await screen.findByText('降噪耳机'));
    expect(await screen.findByText('结果-降噪耳机')).toBeTruthy();
    expect(screen.getByTestId('search-results').querySelectorAll('.product-card')).toHaveLength(1);

    fireEvent.change(box(), { target: { value: '' } });
    fireEvent.click(screen.getByText('保温杯'));
    expect(await screen.findByText('结果-保温杯')).toBeTruthy();

    fireEvent.change(box(), { target: { value: ' 没有的东西 ' } });
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(await screen.findByText('没有找到“没有的东西”相关的商品')).toBeTruthy();
    expect(useSearchHistory.getState().words[0]).toBe('没有的东西');

    fireEvent.click(screen.getByText('取消'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('clears the whole history after confirming; blank text searches nothing', async () => {
    useSearchHistory.getState().add('保温杯');
    const calls = mockApi({ 'GET /api/search/hot': () => ok({ items: [] }) });
    renderWithClient(<SearchPage />);
    fireEvent.keyDown(box(), { key: 'Enter' });
    taroMock.setModalResult(false);
    fireEvent.click(screen.getByLabelText('清空'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(1));
    expect(useSearchHistory.getState().words).toEqual(['保温杯']);
    taroMock.setModalResult(true);
    await act(async () => {
      fireEvent.click(screen.getByLabelText('清空'));
    });
    await waitFor(() => expect(screen.queryByTestId('search-history')).toBeNull());
    expect(useSearchHistory.getState().words).toEqual([]);
    expect(calls.some((c) => c.path === '/api/products')).toBe(false);
  });

  it('opens with ?q= from a link and shows its results', async () => {
    taroMock.setRouterParams({ q: encodeURIComponent('保温杯') });
    mockApi({
      'GET /api/search/hot': () => ok({ items: [] }),
      'GET /api/products': (req) => ok({ items: [summary(1, { title: `结果-${req.query.get('q')}` })], nextCursor: null }),
    });
    renderWithClient(<SearchPage />);
    expect(await screen.findByText('结果-保温杯')).toBeTruthy();
  });
});
