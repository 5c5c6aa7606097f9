import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { formatDateTime } from './format';
import TeamPage from './team';
import { NOW, promoterMe } from './test-data';

const member = (n: number, nickname = `成员${n}`) => ({ nickname: nickname.length > 2 ? `${nickname[0]}**${nickname[nickname.length - 1]}` : `${nickname[0]}*`, joinedAt: NOW - n * 60_000 });

describe('promoter team', () => {
  it('levels as tabs with their counts, the members (masked, when they joined), newest first', async () => {
    const calls = mockApi({
      'GET /api/referral/me': () => ok(promoterMe()),
      'GET /api/referral/team': (req) =>
        ok(req.query.get('level') === '2' ? { items: [member(9, '赵六')], nextCursor: null } : { items: [member(1, '张三丰'), member(2, '李四')], nextCursor: null }),
    });
    renderWithClient(<TeamPage />);
    const rows = await screen.findAllByTestId('pm-member');
    expect(rows.map((r) => r.textContent)).toEqual([`张张**丰${formatDateTime(NOW - 60_000)} 加入`, `李李*${formatDateTime(NOW - 120_000)} 加入`]);
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual(['一级成员3', '二级成员1']);
    expect(screen.getByTestId('pm-team-total').textContent).toBe('团队共 4 人');
    fireEvent.click(screen.getAllByRole('tab')[1]);
    await waitFor(() => expect(screen.getAllByTestId('pm-member').map((r) => r.textContent?.slice(0, 3))).toEqual(['赵赵*']));
    expect(calls.filter((c) => c.path === '/api/referral/team').map((c) => c.query.get('level'))).toEqual(['1', '2']);
  });

  it('opens at the level it was asked for; a level above the network\'s depth opens its deepest', async () => {
    taroMock.setRouterParams({ level: '2' });
    const calls = mockApi({ 'GET /api/referral/me': () => ok(promoterMe()), 'GET /api/referral/team': () => ok({ items: [member(1)], nextCursor: null }) });
    const first = renderWithClient(<TeamPage />);
    await screen.findByTestId('pm-member');
    expect(screen.getAllByRole('tab')[1].getAttribute('aria-selected')).toBe('true');
    first.unmount();
    taroMock.setRouterParams({ level: '7' });
    renderWithClient(<TeamPage />);
    await screen.findByTestId('pm-member');
    expect(calls.filter((c) => c.path === '/api/referral/team').map((c) => c.query.get('level'))).toEqual(['2', '2']);
  });

  it('reads the next page with the cursor when scrolled to the end', async () => {
    const calls = mockApi({
      'GET /api/referral/me': () => ok(promoterMe()),
      'GET /api/referral/team': (req) => ok(req.query.get('cursor') === 'c2' ? { items: [member(3)], nextCursor: null } : { items: [member(1), member(2)], nextCursor: 'c2' }),
    });
    renderWithClient(<TeamPage />);
    expect(await screen.findAllByTestId('pm-member')).toHaveLength(2);
    act(() => taroMock.triggerReachBottom());
    await waitFor(() => expect(screen.getAllByTestId('pm-member')).toHaveLength(3));
    expect(calls.filter((c) => c.path === '/api/referral/team').map((c) => c.query.get('cursor'))).toEqual([null, 'c2']);
    expect(screen.getByText('没有更多了')).toBeTruthy();
  });

  it('an empty level says so and leads to the posters', async () => {
    mockApi({ 'GET /api/referral/me': () => ok(promoterMe({ team: [{ level: 1, count: 0 }, { level: 2, count: 0 }] })), 'GET /api/referral/team': () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<TeamPage />);
    await screen.findByText('还没有团队成员，分享推广海报邀请好友吧');
    fireEvent.click(screen.getByText('去推广'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/promoter/posters' });
  });

  it("the list's failure shows the page error with a retry, not an empty team", async () => {
    let fail = true;
    mockApi({ 'GET /api/referral/me': () => ok(promoterMe()), 'GET /api/referral/team': () => (fail ? problem(500, 'INTERNAL') : ok({ items: [member(1)], nextCursor: null })) });
    renderWithClient(<TeamPage />);
    const error = await screen.findByTestId('page-error');
    expect(screen.queryByText('还没有团队成员，分享推广海报邀请好友吧')).toBeNull();
    fail = false;
    fireEvent.click(screen.getByText('重试'));
    expect(error).toBeTruthy();
    await screen.findByTestId('pm-member');
  });
});
