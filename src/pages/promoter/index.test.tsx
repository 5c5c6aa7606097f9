import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import PromoterCentre from './index';
import { formatDate, formatDateTime } from './format';
import { earnings, NOW, promoterMe } from './test-data';

const application = { id: 'rap_1', status: 'pending' as const, note: '朋友圈和社群', reason: null, createdAt: NOW, decidedAt: null };

describe('promoter centre: a promoter', () => {
  it('shows a skeleton, then the available amount large with 提现, the other states, the tools, the team by level and who referred him', async () => {
    mockApi({ 'GET /api/referral/me': () => ok(promoterMe()), 'GET /api/referral/earnings': () => ok(earnings()) });
    renderWithClient(<PromoterCentre />);
    expect(screen.getAllByTestId('skeleton').length).toBeGreaterThan(0);
    await waitFor(() => expect(screen.getByTestId('pm-available').textContent).toBe('128.50'));
    expect(screen.getByTestId('pm-state-pending').textContent).toBe('12.00待结算');
    expect(screen.getByTestId('pm-state-frozen').textContent).toBe('34.50冻结中');
    expect(screen.getByTestId('pm-state-withdrawn').textContent).toBe('500.00已提现');
    expect(screen.getByTestId('pm-state-owed').textContent).toBe('0.00待扣回');
    // Nothing owed: no explanation.
    expect(screen.queryByTestId('pm-owed-notice')).toBeNull();
    expect(screen.getByTestId('pm-team-level-1').textContent).toBe('3一级成员');
    expect(screen.getByTestId('pm-team-level-2').textContent).toBe('1二级成员');
    expect(screen.getByTestId('pm-team-more').textContent).toContain('团队共 4 人');
    expect(screen.getByTestId('pm-referrer').textContent).toBe(`我的推荐人张**丰${formatDate(NOW - 30 * 86_400_000)} 绑定`);
    expect(screen.queryByTestId('pm-join')).toBeNull();

    fireEvent.click(screen.getByTestId('pm-withdraw'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/promoter/withdraw' });
    const tools = { team: '/pages/promoter/team', commissions: '/pages/promoter/commissions', leaderboard: '/pages/promoter/leaderboard', posters: '/pages/promoter/posters', withdraw: '/pages/promoter/withdraw' };
    expect(screen.getAllByTestId(/^pm-tool-/).map((e) => e.textContent)).toEqual(['我的团队', '佣金明细', '排行榜', '推广海报', '提现']);
    for (const [tool, url] of Object.entries(tools)) {
      fireEvent.click(screen.getByTestId(`pm-tool-${tool}`));
      expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url });
    }
    // Each state but owed opens its commissions; a level opens the team at that level.
    fireEvent.click(screen.getByTestId('pm-state-frozen'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/promoter/commissions?state=frozen' });
    fireEvent.click(screen.getByTestId('pm-team-level-2'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/promoter/team?level=2' });
    fireEvent.click(screen.getByTestId('pm-rules'));
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '佣金说明', showCancel: false }));
  });

  it('explains what he owes when a refund came after a withdrawal', async () => {
    mockApi({ 'GET /api/referral/me': () => ok(promoterMe({ promoter: null })), 'GET /api/referral/earnings': () => ok(earnings({ available: 0, owed: 1_990 })) });
    renderWithClient(<PromoterCentre />);
    const notice = await screen.findByTestId('pm-owed-notice');
    expect(notice.textContent).toBe('有 ¥19.90 佣金因订单退款需要扣回，将从之后结算的佣金中抵扣，扣回前暂不能提现。');
    expect(screen.getByTestId('pm-state-owed').textContent).toBe('19.90待扣回');
    expect(screen.getByTestId('pm-referrer').textContent).toBe('我的推荐人暂无推荐人');
  });

  it("the earnings' failure is retried in the card; the rest of the centre stays", async () => {
    let fail = true;
    mockApi({ 'GET /api/referral/me': () => ok(promoterMe()), 'GET /api/referral/earnings': () => (fail ? problem(500, 'INTERNAL') : ok(earnings())) });
    renderWithClient(<PromoterCentre />);
    const retry = await screen.findByTestId('pm-earnings-retry');
    expect(screen.getByTestId('pm-tool-team')).toBeTruthy();
    expect(screen.getByTestId('pm-state-pending').textContent).toBe('--待结算');
    fail = false;
    fireEvent.click(retry);
    await waitFor(() => expect(screen.getByTestId('pm-available').textContent).toBe('128.50'));
  });

  it('pulling down reads the header and the money again', async () => {
    let available = 100;
    const calls = mockApi({ 'GET /api/referral/me': () => ok(promoterMe()), 'GET /api/referral/earnings': () => ok(earnings({ available })) });
    renderWithClient(<PromoterCentre />);
    await waitFor(() => expect(screen.getByTestId('pm-available').textContent).toBe('1.00'));
    available = 250;
    const before = calls.length;
    act(() => taroMock.triggerPullDownRefresh());
    await waitFor(() => expect(screen.getByTestId('pm-available').textContent).toBe('2.50'));
    expect(calls.slice(before).map((c) => c.path).sort()).toEqual(['/api/referral/earnings', '/api/referral/me']);
  });
});

describe('promoter centre: not a promoter yet', () => {
  it('spend threshold: the line, the progress toward it and a way to the shop; no earnings are asked for', async () => {
    const calls = mockApi({ 'GET /api/referral/me': () => ok(promoterMe({ isPromoter: false, policy: 'min_spend', minSpend: 9_900, spent: 3_000, team: [{ level: 1, count: 0 }, { level: 2, count: 0 }] })) });
    renderWithClient(<PromoterCentre />);
    const policy = await screen.findByTestId('pm-policy');
    expect(policy.getAttribute('data-policy')).toBe('min_spend');
    expect(within(policy).getByText('累计消费满 ¥99.00 即可成为推广员')).toBeTruthy();
    expect(screen.getByTestId('pm-progress-text').textContent).toBe('已消费 ¥30.00，还差 ¥69.00');
    expect(within(policy).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('30');
    expect(screen.getByTestId('pm-join').textContent).toContain('成为推广员');
    expect(screen.queryByTestId('pm-earnings')).toBeNull();
    fireEvent.click(screen.getByTestId('pm-shop'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
    expect(calls.some((c) => c.path === '/api/referral/earnings')).toBe(false);
  });

  it('applications: sends the note with one key per intent (a retry reuses it), then shows the application under review', async () => {
    let me = promoterMe({ isPromoter: false, policy: 'approved', canApply: true, promoter: null });
    const sent: { body: unknown; key: string }[] = [];
    mockApi({
      'GET /api/referral/me': () => ok(me),
      'POST /api/referral/applications': (req) => {
        sent.push({ body: req.body, key: req.header?.['Idempotency-Key'] ?? '' });
        if (sent.length === 1) return problem(503, 'SERVICE_UNAVAILABLE');
        me = { ...me, canApply: false, application: { ...application, createdAt: NOW } };
        return ok(application, 201);
      },
    });
    renderWithClient(<PromoterCentre />);
    await screen.findByTestId('pm-apply');
    expect(screen.getByTestId('pm-policy').getAttribute('data-policy')).toBe('approved');
    fireEvent.change(screen.getByTestId('pm-apply-note'), { target: { value: '  朋友圈和社群 ' } });
    fireEvent.click(screen.getByTestId('pm-apply-submit'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务暂时不可用，请稍后再试' })));
    fireEvent.click(screen.getByTestId('pm-apply-submit'));
    const status = await screen.findByTestId('pm-application');
    expect(sent.map((s) => s.body)).toEqual([{ note: '朋友圈和社群' }, { note: '朋友圈和社群' }]);
    expect(sent[1].key).toBe(sent[0].key);
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '申请已提交' }));
    expect(status.getAttribute('data-status')).toBe('pending');
    expect(status.textContent).toContain('申请审核中');
    expect(status.textContent).toContain(`已于 ${formatDateTime(NOW)} 提交`);
    expect(status.textContent).toContain('申请说明：朋友圈和社群');
    expect(screen.queryByTestId('pm-apply')).toBeNull();
  });

  it('an empty note is sent as no note', async () => {
    const bodies: unknown[] = [];
    mockApi({
      'GET /api/referral/me': () => ok(promoterMe({ isPromoter: false, policy: 'approved', canApply: true })),
      'POST /api/referral/applications': (req) => {
        bodies.push(req.body);
        return ok(application, 201);
      },
    });
    renderWithClient(<PromoterCentre />);
    fireEvent.click(await screen.findByTestId('pm-apply-submit'));
    await waitFor(() => expect(bodies).toEqual([{}]));
  });

  it('a rejected application shows its reason and the form to apply again', async () => {
    mockApi({
      'GET /api/referral/me': () =>
        ok(promoterMe({ isPromoter: false, policy: 'approved', canApply: true, application: { ...application, status: 'rejected', reason: '资料不完整', decidedAt: NOW } })),
    });
    renderWithClient(<PromoterCentre />);
    const status = await screen.findByTestId('pm-application');
    expect(status.getAttribute('data-status')).toBe('rejected');
    expect(status.textContent).toContain('申请未通过');
    expect(status.textContent).toContain('原因：资料不完整');
    expect(screen.getByTestId('pm-apply')).toBeTruthy();
  });

  it('an application under review offers no second one', async () => {
    mockApi({ 'GET /api/referral/me': () => ok(promoterMe({ isPromoter: false, policy: 'approved', canApply: false, application })) });
    renderWithClient(<PromoterCentre />);
    expect((await screen.findByTestId('pm-application')).getAttribute('data-status')).toBe('pending');
    expect(screen.queryByTestId('pm-apply')).toBeNull();
  });
});

describe('promoter centre: failures', () => {
  it("the header's failure shows the page error with a retry", async () => {
    let fail = true;
    mockApi({ 'GET /api/referral/me': () => (fail ? problem(500, 'INTERNAL') : ok(promoterMe())), 'GET /api/referral/earnings': () => ok(earnings()) });
    renderWithClient(<PromoterCentre />);
    const error = await screen.findByTestId('page-error');
    expect(error.textContent).toContain('服务器开小差了，请稍后再试');
    fail = false;
    fireEvent.click(within(error).getByText('重试'));
    await screen.findByTestId('pm-earnings');
  });

  it('a signed-out shopper is sent to log in once', async () => {
    mockApi({ 'GET /api/referral/me': () => problem(401, 'UNAUTHORIZED') });
    renderWithClient(<PromoterCentre />);
    await waitFor(() => expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/login/index' }));
    expect(Taro.navigateTo).toHaveBeenCalledTimes(1);
  });
});
