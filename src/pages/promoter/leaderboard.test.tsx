import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { formatDateTime } from './format';
import LeaderboardPage from './leaderboard';
import { board } from './test-data';

describe('promoter leaderboard', () => {
  it("this month's top promoters (masked, equal amounts sharing a rank), the caller's row marked, his own rank on top", async () => {
    const before = Date.now() - 3 * 86_400_000;
    mockApi({ 'GET /api/referral/leaderboard': () => ok(board({ computedAt: before })) });
    renderWithClient(<LeaderboardPage />);
    const rows = await screen.findAllByTestId('pm-rank');
    expect(rows.map((r) => r.textContent)).toEqual(['1李*¥100.00', '2小**明我¥54.00', '2王**二¥54.00', '4赵*¥5.00']);
    expect(rows[1].className).toContain('pm-rank--me');
    expect(within(rows[0]).getByText('1').className).toContain('pm-rank__no--1');
    expect(within(rows[3]).getByText('4').className).not.toContain('pm-rank__no--');
    const mine = screen.getByTestId('pm-rank-me');
    expect(mine.textContent).toContain('第 2 名');
    expect(mine.textContent).toContain('有效佣金 ¥54.00');
    // Computed on another day than today: the date and the time.
    expect(mine.textContent).toContain(`更新于 ${formatDateTime(before)}`);
    expect(screen.getAllByRole('tab').map((t) => t.textContent)).toEqual(['本月榜', '总榜']);
  });

  it('总榜 asks for all time; a caller with nothing earned is 未上榜', async () => {
    const calls = mockApi({
      'GET /api/referral/leaderboard': (req) =>
        ok(req.query.get('period') === 'all' ? board({ period: 'all', from: null, items: [{ rank: 1, nickname: '李*', amount: 99_900, isMe: false }], me: { rank: null, amount: 0 }, computedAt: Date.now() }) : board()),
    });
    renderWithClient(<LeaderboardPage />);
    await screen.findAllByTestId('pm-rank');
    fireEvent.click(screen.getByText('总榜'));
    await waitFor(() => expect(screen.getAllByTestId('pm-rank')).toHaveLength(1));
    expect(screen.getByTestId('pm-rank-me').textContent).toContain('未上榜');
    expect(screen.getByTestId('pm-rank-me').textContent).toMatch(/更新于 \d\d:\d\d$/);
    expect(calls.map((c) => c.query.get('period'))).toEqual(['month', 'all']);
  });

  it('an empty board says so and leads to the posters', async () => {
    mockApi({ 'GET /api/referral/leaderboard': () => ok(board({ items: [], me: { rank: null, amount: 0 } })) });
    renderWithClient(<LeaderboardPage />);
    await screen.findByText('暂时还没有人上榜，快去推广吧');
    fireEvent.click(screen.getByText('去推广'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/promoter/posters' });
  });

  it('a failure shows the page error with a retry', async () => {
    let fail = true;
    mockApi({ 'GET /api/referral/leaderboard': () => (fail ? problem(503, 'SERVICE_UNAVAILABLE') : ok(board())) });
    renderWithClient(<LeaderboardPage />);
    const error = await screen.findByTestId('page-error');
    fail = false;
    fireEvent.click(within(error).getByText('重试'));
    expect((await screen.findAllByTestId('pm-rank')).length).toBe(4);
  });
});
