import type { HostLiveSessionPage } from '@contract/live';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useWorkbenchStore } from '@/stores/workbench';
import LiveSessionsPage from './live-sessions';
import { hostSession, workplace } from './test-data';

const M = '/api/merchants/m_1';

type Row = HostLiveSessionPage['items'][number];
const row = (over: Partial<Row> = {}): Row => {
  const s = hostSession();
  return { id: s.id, title: s.title, cover: s.cover, startsAt: new Date(2026, 11, 7, 20, 0).getTime(), status: s.status, pinnedProductId: s.pinnedProductId, viewers: s.viewers, board: s.board, ...over };
};

beforeEach(() => {
  useWorkbenchStore.setState({ merchantId: null });
  taroMock.setRouterParams({ merchantId: 'm_1' });
});

describe('live sessions (直播管理)', () => {
  it('lists the sessions on air (live and paused) with cover, title, start, status, orders and GMV; the other tabs ask by status', async () => {
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('live_host')),
      [`GET ${M}/live/sessions`]: (req) =>
        ok({
          items: req.query.get('status') === 'scheduled'
            ? [row({ id: 'ls_3', title: '下周专场', status: 'scheduled', board: { ...hostSession().board, orders: 0, paidOrders: 0, gmv: 0 } })]
            : [row(), row({ id: 'ls_2', title: '暂停中的场', status: 'paused' }), row({ id: 'ls_4', title: '没开始的', status: 'scheduled' }), row({ id: 'ls_5', title: '结束的', status: 'ended' }), row({ id: 'ls_6', title: '取消的', status: 'cancelled' })],
          nextCursor: null,
        }),
    });
    renderWithClient(<LiveSessionsPage />);
    const cards = await screen.findAllByTestId('wb-live-session');
    expect(cards.map((c) => c.querySelector('.wb-live-row__title')?.textContent)).toEqual(['周末专场', '暂停中的场']);
    const first = cards[0];
    expect(within(first).getByTestId('wb-live-status').textContent).toBe('直播中');
    expect(within(cards[1]).getByTestId('wb-live-status').textContent).toBe('已暂停');
    expect(first.textContent).toContain('开播时间 2026-12-07 20:00');
    expect(within(first).getByTestId('wb-live-orders').textContent).toBe('6订单');
    expect(within(first).getByTestId('wb-live-gmv').textContent).toContain('156.00');
    expect(first.querySelector('img')?.getAttribute('src')).toContain('/images/p_1.svg');
    expect(calls.find((c) => c.path === `${M}/live/sessions`)?.query.get('status')).toBeNull();

    fireEvent.click(within(first).getByTestId('wb-live-open'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/live-console?merchantId=m_1&id=ls_1' });

    fireEvent.click(screen.getByText('已结束'));
    await waitFor(() => expect(screen.getAllByTestId('wb-live-session').map((c) => c.querySelector('.wb-live-row__title')?.textContent)).toEqual(['结束的', '取消的']));
    // Over: no editing.
    expect(screen.queryByTestId('wb-live-edit')).toBeNull();

    fireEvent.click(screen.getByText('未开始'));
    await waitFor(() => expect(screen.getAllByTestId('wb-live-session').map((c) => c.querySelector('.wb-live-row__title')?.textContent)).toEqual(['下周专场']));
    expect(calls.filter((c) => c.path === `${M}/live/sessions`).map((c) => c.query.get('status'))).toContain('scheduled');
    fireEvent.click(screen.getByTestId('wb-live-edit'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/live-edit?merchantId=m_1&id=ls_3' });

    fireEvent.click(screen.getByTestId('wb-live-create'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/live-edit?merchantId=m_1' });
  });

  it('says when nothing is on air', async () => {
    mockApi({ [`GET ${M}`]: () => ok(workplace('owner')), [`GET ${M}/live/sessions`]: () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<LiveSessionsPage />);
    expect(await screen.findByText('暂无正在进行的直播')).toBeTruthy();
  });

  it('is not for a kitchen member', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('kitchen')) });
    renderWithClient(<LiveSessionsPage />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toContain('仅店主、运营和主播可以管理直播');
    expect(calls.some((c) => c.path.includes('/live/'))).toBe(false);
    expect(screen.queryByTestId('wb-live-create')).toBeNull();
  });
});
