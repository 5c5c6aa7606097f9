import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem, renderWithClient, type Route } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useWorkbenchStore } from '@/stores/workbench';
import WorkbenchHome from './index';
import ReferralHub from './referral';
import ApplicationsPage from './referral-applications';
import ReportPage from './referral-report';
import RulesPage from './referral-rules';
import { formatTime } from './shared';
import { commissionReport, figures, NOW, noReferralRules, product, referralApplication, referralMe, referralRules, workplace } from './test-data';

const M = '/api/merchants/m_1';
/** 2026-12-07 12:00 in Shanghai: its day starts at 2026-12-06 16:00 UTC; December starts at 2026-11-30 16:00 UTC. */
const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 11, 6, 16);
const DECEMBER = Date.UTC(2026, 10, 30, 16);

const twoSkus = product({
  id: 'p_2', title: '帆布袋', skus: [
    { id: 'sku_21', productId: 'p_2', specText: '米白', price: 800, originalPrice: null, stock: 5, sales: 1, updatedAt: NOW },
    { id: 'sku_22', productId: 'p_2', specText: '黑色', price: 800, originalPrice: null, stock: 5, sales: 1, updatedAt: NOW },
  ],
});

function routes(over: Record<string, Route> = {}): Record<string, Route> {
  return {
    [`GET ${M}`]: () => ok(workplace('owner')),
    [`GET ${M}/referral/rules`]: () => ok(referralRules()),
    [`GET ${M}/referral/report`]: () => ok(commissionReport()),
    [`GET ${M}/referral/applications`]: () => ok({ items: [referralApplication(), referralApplication({ id: 'rap_2' })], nextCursor: null }),
    [`GET ${M}/products`]: () => ok({ items: [product(), twoSkus], nextCursor: null }),
    'GET /api/referral/me': () => ok(referralMe(2)),
    ...over,
  };
}

beforeEach(() => {
  useWorkbenchStore.setState({ merchantId: null });
  taroMock.setRouterParams({ merchantId: 'm_1' });
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => jest.restoreAllMocks());

describe('the workbench home', () => {
  it.each(['owner', 'operator'] as const)('links the referral hub for the %s', async (role) => {
    mockApi({ [`GET ${M}`]: () => ok(workplace(role)), [`GET ${M}/dashboard`]: () => ok(figures()), 'GET /api/me/workplaces': () => ok({ items: [] }) });
    renderWithClient(<WorkbenchHome />);
    fireEvent.click(await screen.findByTestId('wb-tool-referral'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/referral?merchantId=m_1' });
  });
});

describe('the referral hub', () => {
  it('shows the rules in force, this month\'s commissions, the pending applications, and every entry', async () => {
    const calls = mockApi(routes());
    renderWithClient(<ReferralHub />);
    expect((await screen.findByTestId('ref-enabled')).textContent).toBe('已开启');
    expect(screen.getByTestId('ref-version').textContent).toBe(`第 3 版 · ${formatTime(NOW - DAY)} 起生效`);
    expect(screen.getByTestId('ref-status').textContent).toContain('2 级分销 · 一级佣金 10% · 二级佣金 5%');
    expect(screen.getByTestId('ref-status').textContent).toContain('确认收货 7 天后可提现 · 1 项单独设置');
    expect(screen.getByTestId('ref-month-earned').textContent).toContain('¥123.45');
    expect(screen.getByTestId('ref-month-earned').textContent).toContain('9 笔');
    expect(screen.getByTestId('ref-month-reversed').textContent).toContain('¥23.45');
    expect(screen.getByTestId('ref-month-net').textContent).toContain('¥100.00');
    expect((await screen.findByTestId('ref-pending')).textContent).toBe('2');
    // This month: from the 1st in Shanghai to the end of today, in total.
    const report = calls.find((c) => c.path === `${M}/referral/report`);
    expect([report?.query.get('from'), report?.query.get('to'), report?.query.get('groupBy')]).toEqual([String(DECEMBER), String(TODAY + DAY), 'total']);
    expect(calls.find((c) => c.path === `${M}/referral/applications`)?.query.get('status')).toBe('pending');
    const entries = ['referral-rules', 'referral-applications', 'referral-holds', 'referral-withdrawals', 'referral-report'];
    for (const page of entries) expect(screen.getByTestId(`ref-tool-${page}`)).toBeTruthy();
    fireEvent.click(screen.getByTestId('ref-tool-referral-holds'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/merchant/referral-holds?merchantId=m_1' });
    fireEvent.click(screen.getByTestId('ref-tool-referral-withdrawals'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/merchant/referral-withdrawals?merchantId=m_1' });
  });

  it('a merchant that is not the operating one (applications 404) has no applications or withdrawals to review', async () => {
    mockApi(routes({ [`GET ${M}/referral/applications`]: () => problem(404, 'NOT_FOUND'), [`GET ${M}/referral/rules`]: () => ok(noReferralRules()) }));
    renderWithClient(<ReferralHub />);
    expect((await screen.findByTestId('ref-enabled')).textContent).toBe('未开启');
    expect(screen.getByTestId('ref-status').textContent).toContain('尚未设置分销规则');
    await waitFor(() => expect(screen.queryByTestId('ref-tool-referral-applications')).toBeNull());
    expect(screen.queryByTestId('ref-tool-referral-withdrawals')).toBeNull();
    expect(screen.getByTestId('ref-tool-referral-holds')).toBeTruthy();
    expect(screen.getByTestId('ref-tool-referral-report')).toBeTruthy();
  });

  it('the month\'s figures fail on their own, with a retry, under the rules', async () => {
    let fail = true;
    mockApi(routes({ [`GET ${M}/referral/report`]: () => (fail ? problem(500, 'INTERNAL') : ok(commissionReport())) }));
    renderWithClient(<ReferralHub />);
    const error = await screen.findByTestId('page-error');
    expect(screen.getByTestId('ref-enabled')).toBeTruthy();
    fail = false;
    fireEvent.click(within(error).getByText('重试'));
    await screen.findByTestId('ref-month');
  });

  it('pulling down reads the rules, the month and the pending count again', async () => {
    let pending = [referralApplication()];
    const calls = mockApi(routes({ [`GET ${M}/referral/applications`]: () => ok({ items: pending, nextCursor: null }) }));
    renderWithClient(<ReferralHub />);
    expect((await screen.findByTestId('ref-pending')).textContent).toBe('1');
    const reads = () => calls.filter((c) => c.path.startsWith(`${M}/referral/`)).length;
    const before = reads();
    pending = [];
    act(() => taroMock.triggerPullDownRefresh());
    await waitFor(() => expect(screen.queryByTestId('ref-pending')).toBeNull());
    expect(reads() - before).toBe(3);
  });

  it('a live host is told the page is not for their role, and nothing referral is fetched', async () => {
    const calls = mockApi(routes({ [`GET ${M}`]: () => ok(workplace('live_host')) }));
    renderWithClient(<ReferralHub />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toBe('当前身份无权进行此操作');
    expect(calls.some((c) => c.path.includes('/referral'))).toBe(false);
  });
});

describe('referral rules', () => {
  const posted: { body: unknown; key: string }[] = [];
  beforeEach(() => {
    posted.length = 0;
  });
  const saving = (answer: (body: unknown) => ReturnType<typeof ok>): Route => (req) => {
    posted.push({ body: req.body, key: req.header?.['Idempotency-Key'] ?? '' });
    return answer(req.body);
  };

  it('the owner edits the rules; a total above 50 % is refused before sending; saving makes a new version', async () => {
    mockApi(routes({ [`POST ${M}/referral/rules`]: saving((body) => ok({ ...referralRules(), ...(body as object), version: 4, createdAt: NOW })) }));
    renderWithClient(<RulesPage />);
    expect((await screen.findByTestId('ref-version')).textContent).toContain('第 3 版');
    const amount = (at: string, level: number) => screen.getByTestId(`ref-amount-${at}-${level}`) as HTMLInputElement;
    expect([amount('default', 1).value, amount('default', 2).value, amount('0', 1).value]).toEqual(['10', '5', '15']);
    expect((screen.getByTestId('ref-freeze') as HTMLInputElement).value).toBe('7');
    // The override names its product (from the merchant's products).
    expect(screen.getByTestId('ref-override').textContent).toContain('纯棉T恤');
    expect(screen.getByTestId('ref-total-default').textContent).toBe('各级合计 15.00%');

    fireEvent.change(amount('default', 1), { target: { value: '30' } });
    fireEvent.change(amount('default', 2), { target: { value: '20.5' } });
    expect(screen.getByTestId('ref-total-default').textContent).toBe('各级合计 50.50%');
    fireEvent.click(screen.getByTestId('ref-save'));
    expect(screen.getByTestId('ref-problems').textContent).toContain('各级佣金比例合计不能超过 50%（当前 50.50%）');
    expect(amount('default', 1).className).toContain('wb-input--bad');
    expect(posted).toHaveLength(0);

    fireEvent.change(amount('default', 2), { target: { value: '12.25' } });
    fireEvent.change(screen.getByTestId('ref-freeze'), { target: { value: '14' } });
    fireEvent.click(screen.getByTestId('ref-save'));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('已下单的订单不受影响') }));
    expect(posted[0].body).toEqual({
      enabled: true, levels: 2, mode: 'rate', amounts: [3_000, 1_225], freezeDays: 14,
      overrides: [{ target: 'product', targetId: 'p_1', mode: 'rate', amounts: [1_500, 500] }],
    });
    await waitFor(() => expect(screen.getByTestId('ref-version').textContent).toContain('第 4 版'));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存为第 4 版' }));
  });

  it('mirrors the server\'s checks: each rate at most 100 %, two decimals, every level filled, freeze days 0-90, fixed amounts in yuan', async () => {
    mockApi(routes({ [`POST ${M}/referral/rules`]: saving((body) => ok({ ...referralRules(), ...(body as object), version: 4, createdAt: NOW })) }));
    renderWithClient(<RulesPage />);
    await screen.findByTestId('ref-terms');
    const set = (id: string, value: string) => fireEvent.change(screen.getByTestId(id), { target: { value } });
    set('ref-amount-default-1', '100.5');
    set('ref-amount-default-2', '1.234');
    set('ref-amount-0-1', '');
    set('ref-freeze', '91');
    fireEvent.click(screen.getByTestId('ref-save'));
    // Each problem beside its field, in the page's order; the first beside the save button, with the count.
    expect(screen.getAllByTestId('ref-problem').map((p) => p.textContent)).toEqual([
      '一级佣金比例不能超过 100%',
      '二级佣金比例请输入 0-100 之间的数字，最多两位小数',
      '冻结天数请输入 0-90 的整数',
      '请填写一级佣金',
    ]);
    expect(within(screen.getByTestId('ref-override')).getByTestId('ref-problem').textContent).toBe('请填写一级佣金');
    expect(screen.getByTestId('ref-problems').textContent).toBe('一级佣金比例不能超过 100%（共 4 处需要修改）');
    expect(posted).toHaveLength(0);
    // Fixing the override alone: the bar names it while it is the first problem left.
    set('ref-amount-default-1', '10');
    set('ref-amount-default-2', '5');
    set('ref-freeze', '7');
    expect(screen.getByTestId('ref-problems').textContent).toBe('商品「纯棉T恤」：请填写一级佣金');

    // Fixed amounts: yuan per unit -> fen; the mode change starts the amounts empty.
    fireEvent.click(screen.getByTestId('ref-mode-default-fixed'));
    expect((screen.getByTestId('ref-amount-default-1') as HTMLInputElement).value).toBe('');
    set('ref-amount-default-1', '1.5');
    set('ref-amount-default-2', '100000.01');
    set('ref-amount-0-1', '12');
    set('ref-freeze', '0');
    fireEvent.click(screen.getByTestId('ref-save'));
    expect(screen.getByTestId('ref-problems').textContent).toBe('二级佣金每件不能超过 100000 元');
    set('ref-amount-default-2', '0.5');
    expect(screen.queryByTestId('ref-problems')).toBeNull();
    fireEvent.click(screen.getByTestId('ref-enabled-off'));
    fireEvent.click(screen.getByTestId('ref-save'));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0].body).toEqual({
      enabled: false, levels: 2, mode: 'fixed', amounts: [150, 50], freezeDays: 0,
      overrides: [{ target: 'product', targetId: 'p_1', mode: 'rate', amounts: [1_200, 500] }],
    });
  });

  it('levels go up to the network\'s (REFERRAL_MAX_LEVELS); a new level starts empty everywhere', async () => {
    mockApi(routes({ 'GET /api/referral/me': () => ok(referralMe(3)) }));
    renderWithClient(<RulesPage />);
    fireEvent.click(await screen.findByTestId('ref-levels-3'));
    expect((screen.getByTestId('ref-amount-default-3') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('ref-amount-0-3') as HTMLInputElement).value).toBe('');
    fireEvent.click(screen.getByTestId('ref-save'));
    expect(screen.getByTestId('ref-problems').textContent).toContain('请填写三级佣金');
    fireEvent.click(screen.getByTestId('ref-levels-1'));
    expect(screen.queryByTestId('ref-amount-default-2')).toBeNull();
    expect(screen.queryByTestId('ref-problems')).toBeNull();
  });

  it('with a network of two levels, no third level is offered', async () => {
    mockApi(routes());
    renderWithClient(<RulesPage />);
    await screen.findByTestId('ref-levels-2');
    await waitFor(() => expect(screen.getByText('平台最多支持 2 级分销')).toBeTruthy());
    expect(screen.queryByTestId('ref-levels-3')).toBeNull();
  });

  it('adds a SKU\'s own terms from the merchant\'s products, and removes the product\'s', async () => {
    mockApi(routes({ [`POST ${M}/referral/rules`]: saving((body) => ok({ ...referralRules(), ...(body as object), version: 4, createdAt: NOW })) }));
    renderWithClient(<RulesPage />);
    fireEvent.click(await screen.findByTestId('ref-override-add'));
    const picker = screen.getByTestId('ref-picker');
    const picks = await within(picker).findAllByTestId('ref-pick');
    // The product overridden already is marked; the two-SKU product offers its targets.
    expect(picks[0].textContent).toContain('已设置 1 项');
    fireEvent.click(picks[1]);
    expect(within(picker).getByTestId('ref-pick-p_2').textContent).toBe('整个商品');
    fireEvent.click(within(picker).getByTestId('ref-pick-sku_22'));
    expect(screen.queryByTestId('ref-picker')).toBeNull();
    const rows = screen.getAllByTestId('ref-override');
    expect(rows[1].textContent).toContain('帆布袋');
    expect(rows[1].textContent).toContain('规格：黑色');
    fireEvent.change(screen.getByTestId('ref-amount-1-1'), { target: { value: '8' } });
    fireEvent.change(screen.getByTestId('ref-amount-1-2'), { target: { value: '2' } });
    fireEvent.click(within(rows[0]).getByTestId('ref-override-remove'));
    expect(screen.getAllByTestId('ref-override')).toHaveLength(1);
    fireEvent.click(screen.getByTestId('ref-save'));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect((posted[0].body as { overrides: unknown[] }).overrides).toEqual([{ target: 'sku', targetId: 'sku_22', mode: 'rate', amounts: [800, 200] }]);
  });

  it('the server\'s 400 is said in words: goods no longer the merchant\'s, a refused override; a retry keeps the key', async () => {
    const answers = [
      problem(400, 'VALIDATION_FAILED', { detail: "overrides name goods that are not this merchant's: p_1" }),
      problem(400, 'VALIDATION_FAILED', { detail: 'Some fields are not valid', errors: [{ path: 'body.overrides.0.amounts', message: "the levels' rates together are at most 5000 basis points" }] }),
      problem(503, 'SERVICE_UNAVAILABLE'),
    ];
    mockApi(routes({ [`POST ${M}/referral/rules`]: saving(() => answers.shift() ?? problem(500, 'INTERNAL')) }));
    renderWithClient(<RulesPage />);
    fireEvent.click(await screen.findByTestId('ref-save'));
    expect((await screen.findByTestId('ref-problems')).textContent).toBe('「纯棉T恤」已不属于本店（可能已删除），请移除后再保存');
    expect(within(screen.getByTestId('ref-override')).getByTestId('ref-problem').textContent).toBe('该商品已不属于本店（可能已删除），请移除后再保存');
    fireEvent.click(screen.getByTestId('ref-save'));
    await waitFor(() => expect(screen.getByTestId('ref-problems').textContent).toContain('「纯棉T恤」的佣金设置有误，请检查后再保存'));
    fireEvent.click(screen.getByTestId('ref-save'));
    await waitFor(() => expect(screen.getByTestId('ref-problems').textContent).toContain('服务暂时不可用，请稍后再试'));
    expect(posted).toHaveLength(3);
    // The same rules sent again are the same intent: one key, so the server makes one version.
    expect(new Set(posted.map((p) => p.key)).size).toBe(1);
    // The page still shows the version in force.
    expect(screen.getByTestId('ref-version').textContent).toContain('第 3 版');
  });

  it('a role taken away meanwhile: the 403 says so', async () => {
    mockApi(routes({ [`POST ${M}/referral/rules`]: () => problem(403, 'FORBIDDEN_ROLE') }));
    renderWithClient(<RulesPage />);
    fireEvent.click(await screen.findByTestId('ref-save'));
    expect((await screen.findByTestId('ref-problems')).textContent).toContain('当前身份无权进行此操作');
  });

  it('an operator reads the rules and cannot change them', async () => {
    const calls = mockApi(routes({ [`GET ${M}`]: () => ok(workplace('operator')) }));
    renderWithClient(<RulesPage />);
    expect((await screen.findByTestId('ref-read-only')).textContent).toBe('仅店主可以修改分销规则');
    const terms = screen.getByTestId('ref-terms').textContent;
    expect(terms).toContain('一级佣金 10%');
    expect(terms).toContain('二级佣金 5%');
    expect(terms).toContain('7 天');
    await waitFor(() => expect(screen.getByTestId('ref-override').textContent).toContain('纯棉T恤'));
    expect(screen.getByTestId('ref-override').textContent).toContain('一级佣金 15% · 二级佣金 5%');
    expect(screen.queryByTestId('ref-save')).toBeNull();
    expect(screen.queryByTestId('ref-amount-default-1')).toBeNull();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('version 0 (never set): off, with empty amounts to fill in', async () => {
    mockApi(routes({ [`GET ${M}/referral/rules`]: () => ok(noReferralRules()) }));
    renderWithClient(<RulesPage />);
    expect((await screen.findByTestId('ref-version')).textContent).toContain('尚未设置，分销佣金未开启');
    expect((screen.getByTestId('ref-amount-default-1') as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('ref-enabled-off').getAttribute('aria-pressed')).toBe('true');
  });

  it('an override of goods not among the first products: the list is read on until its name is found', async () => {
    const pages: Record<string, unknown> = {
      '': { items: [product({ id: 'p_5', title: '雨伞' })], nextCursor: 'c2' },
      c2: { items: [product({ id: 'p_1', title: '纯棉T恤' })], nextCursor: null },
    };
    mockApi(routes({ [`GET ${M}/products`]: (req) => ok(pages[req.query.get('cursor') ?? '']) }));
    renderWithClient(<RulesPage />);
    await waitFor(() => expect(screen.getByTestId('ref-override').textContent).toContain('纯棉T恤'));
  });
});

describe('promoter applications', () => {
  beforeEach(() => taroMock.setRouterParams({ merchantId: 'm_1' }));

  it('lists the pending ones; approving asks first, then the list is read again', async () => {
    const decided: string[] = [];
    let pending = [referralApplication()];
    const calls = mockApi(routes({
      [`GET ${M}/referral/applications`]: () => ok({ items: pending, nextCursor: null }),
      [`POST ${M}/referral/applications/rap_1/approve`]: (req) => {
        decided.push(req.path);
        pending = [];
        return ok(referralApplication({ status: 'approved', decidedAt: NOW }));
      },
    }));
    renderWithClient(<ApplicationsPage />);
    const row = await screen.findByTestId('ref-app');
    expect(row.textContent).toContain('小林');
    expect(row.textContent).toContain('138****0000');
    expect(screen.getByTestId('ref-app-note').textContent).toBe('申请说明：我有 300 人的宝妈群');
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent)).toEqual(['待审核', '已通过', '已拒绝']);
    fireEvent.click(screen.getByTestId('ref-app-approve'));
    await waitFor(() => expect(decided).toEqual([`${M}/referral/applications/rap_1/approve`]));
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '通过后「小林」即可成为推广员，分享商品赚取佣金。确认通过？' }));
    await screen.findByText('暂无待审核的申请');
    expect(calls.filter((c) => c.method === 'GET' && c.path === `${M}/referral/applications`).every((c) => c.query.get('status') === 'pending')).toBe(true);
  });

  it('rejecting needs a reason; one decided meanwhile says so', async () => {
    const bodies: unknown[] = [];
    const answers = [problem(409, 'ILLEGAL_TRANSITION')];
    mockApi(routes({
      [`GET ${M}/referral/applications`]: () => ok({ items: [referralApplication()], nextCursor: null }),
      [`POST ${M}/referral/applications/rap_1/reject`]: (req) => {
        bodies.push(req.body);
        return answers.shift() ?? ok(referralApplication({ status: 'rejected', reason: '资料不完整', decidedAt: NOW }));
      },
    }));
    renderWithClient(<ApplicationsPage />);
    fireEvent.click(await screen.findByTestId('ref-app-reject'));
    fireEvent.click(screen.getByTestId('ref-reject-submit'));
    expect(screen.getByTestId('ref-reject-problem').textContent).toBe('请填写拒绝原因');
    fireEvent.change(screen.getByTestId('ref-reject-reason'), { target: { value: '  资料不完整 ' } });
    fireEvent.click(screen.getByTestId('ref-reject-submit'));
    expect((await screen.findByTestId('ref-reject-problem')).textContent).toBe('该申请已被处理，列表已刷新');
    expect(bodies).toEqual([{ reason: '资料不完整' }]);
    fireEvent.click(screen.getByTestId('ref-reject-submit'));
    await waitFor(() => expect(screen.queryByTestId('ref-reject')).toBeNull());
    expect(bodies).toHaveLength(2);
  });

  it('an operator decides too; the decided tabs show the reason', async () => {
    const calls = mockApi(routes({
      [`GET ${M}`]: () => ok(workplace('operator')),
      [`GET ${M}/referral/applications`]: (req) =>
        ok({ items: req.query.get('status') === 'rejected' ? [referralApplication({ status: 'rejected', reason: '资料不完整', decidedAt: NOW })] : [referralApplication()], nextCursor: null }),
    }));
    renderWithClient(<ApplicationsPage />);
    expect(await screen.findByTestId('ref-app-approve')).toBeTruthy();
    fireEvent.click(screen.getAllByRole('tab')[2]);
    expect((await screen.findByTestId('ref-app-reason')).textContent).toBe('拒绝原因：资料不完整');
    expect(screen.queryByTestId('ref-app-approve')).toBeNull();
    expect(calls[calls.length - 1].query.get('status')).toBe('rejected');
  });

  it('a merchant that is not the operating one is told who decides applications (nothing to retry)', async () => {
    mockApi(routes({ [`GET ${M}/referral/applications`]: () => problem(404, 'NOT_FOUND') }));
    renderWithClient(<ApplicationsPage />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toBe('推广员申请由平台运营店铺统一审核，本店无需处理');
    expect(screen.queryByText('重试')).toBeNull();
    expect(screen.queryByRole('tab')).toBeNull();
  });
});

describe('the commission report', () => {
  const days = [
    { day: '2026-12-01', paid: 4_000, reversed: 0, commissions: 2 },
    { day: '2026-12-06', paid: 1_000, reversed: 2_000, commissions: 1 },
  ];

  it('shows the last 7 days per day (quiet days at zero), bars scaled to the largest amount, and switches to 30', async () => {
    const calls = mockApi(routes({ [`GET ${M}/referral/report`]: () => ok(commissionReport({ total: { paid: 5_000, reversed: 2_000, commissions: 3 }, days })) }));
    renderWithClient(<ReportPage />);
    const rows = await screen.findAllByTestId('ref-report-day');
    expect(rows.map((r) => r.textContent?.slice(0, 5))).toEqual(['12-07', '12-06', '12-05', '12-04', '12-03', '12-02', '12-01']);
    const widths = (id: string) => screen.getAllByTestId(id).map((b) => b.style.width);
    expect(widths('ref-bar-earned')).toEqual(['0%', '25%', '0%', '0%', '0%', '0%', '100%']);
    expect(widths('ref-bar-reversed')).toEqual(['0%', '50%', '0%', '0%', '0%', '0%', '0%']);
    expect(rows[0].textContent).toBe('12-07无');
    expect(rows[1].textContent).toContain('产生 ¥10.00');
    expect(rows[1].textContent).toContain('冲回 ¥20.00');
    expect(screen.getByTestId('ref-report-earned').textContent).toBe('¥50.00');
    expect(screen.getByTestId('ref-report-net').textContent).toBe('¥30.00');
    expect(screen.getByText('2026-12-01 至 2026-12-07')).toBeTruthy();
    const first = calls.find((c) => c.path === `${M}/referral/report`);
    expect([first?.query.get('from'), first?.query.get('to'), first?.query.get('groupBy')]).toEqual([String(TODAY - 6 * DAY), String(TODAY + DAY), 'day']);

    fireEvent.click(screen.getByTestId('ref-preset-30'));
    await waitFor(() => expect(screen.getAllByTestId('ref-report-day')).toHaveLength(30));
    expect(calls[calls.length - 1].query.get('from')).toBe(String(TODAY - 29 * DAY));
    expect(screen.getByText('2026-11-08 至 2026-12-07')).toBeTruthy();
  });

  it('a range without commissions says so', async () => {
    mockApi(routes({ [`GET ${M}/referral/report`]: () => ok(commissionReport({ total: { paid: 0, reversed: 0, commissions: 0 }, days: [] })) }));
    renderWithClient(<ReportPage />);
    expect((await screen.findByTestId('ref-report-empty')).textContent).toBe('这段时间没有产生或冲回佣金');
    expect(screen.queryByTestId('ref-report-day')).toBeNull();
  });

  it('a failure shows the error with a retry, and keeps the presets', async () => {
    let fail = true;
    mockApi(routes({ [`GET ${M}/referral/report`]: () => (fail ? problem(500, 'INTERNAL') : ok(commissionReport({ days }))) }));
    renderWithClient(<ReportPage />);
    const error = await screen.findByTestId('page-error');
    expect(error.textContent).toContain('服务器开小差了，请稍后再试');
    expect(screen.getByTestId('ref-preset-7')).toBeTruthy();
    fail = false;
    fireEvent.click(within(error).getByText('重试'));
    await screen.findAllByTestId('ref-report-day');
  });

  it('an operator reads it too; a kitchen member may not', async () => {
    mockApi(routes({ [`GET ${M}`]: () => ok(workplace('operator')) }));
    const { unmount } = renderWithClient(<ReportPage />);
    await screen.findByTestId('ref-report-total');
    unmount();
    const calls = mockApi(routes({ [`GET ${M}`]: () => ok(workplace('kitchen')) }));
    renderWithClient(<ReportPage />);
    await screen.findByTestId('page-forbidden');
    expect(calls.some((c) => c.path.includes('/referral'))).toBe(false);
  });
});
