import { fireEvent, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { formatStartTime } from '@/services/live/time';
import LiveList from './index';
import { summary } from '@/services/live/test-data';

describe('the live list', () => {
  it('shows sessions on air with their viewers, then upcoming ones with their start time, and opens a room', async () => {
    const startsAt = Date.now() + 3 * 3600_000;
    mockApi({
      'GET /api/live/sessions': () =>
        ok({ items: [summary(), summary({ id: 'ls_2', title: '周末家居专场', status: 'scheduled', startsAt, viewers: 0, pinnedProductId: null })], nextCursor: null }),
    });
    renderWithClient(<LiveList />);
    const rows = await screen.findAllByTestId('live-item');
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual(['live', 'scheduled']);
    expect(rows[0].textContent).toContain('直播中');
    expect(rows[0].textContent).toContain('1280 人在看');
    expect(rows[1].textContent).toContain('预告');
    expect(rows[1].textContent).toContain(`${formatStartTime(startsAt)} 开播`);
    fireEvent.click(rows[1]);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/live/room?id=ls_2' });
  });

  it('says when nothing is on', async () => {
    mockApi({ 'GET /api/live/sessions': () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<LiveList />);
    expect(await screen.findByText('暂时没有直播，晚点再来看看')).toBeTruthy();
  });
});
