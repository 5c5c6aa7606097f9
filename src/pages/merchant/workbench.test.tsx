import type { MerchantOrderSummary } from '@contract';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { keys } from '@/services/keys';
import { applyCacheOps, opsForTopicEvent } from '@/services/realtime/cache-ops';
import { onMerchantOrdersPaid } from '@/services/realtime';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useWorkbenchStore } from '@/stores/workbench';
import AuditPage from './audit';
import WorkbenchHome from './index';
import OrderPage from './order';
import OrdersPage from './orders';
import ProductsPage from './products';
import StaffPage from './staff';
import AfterSalePage from './after-sale';
import { shipFormProblem } from './ship-form';
import { afterSaleRequest, counts, figures, orderDetail, orderRow, product, workplace } from './test-data';

const M = '/api/merchants/m_1';

beforeEach(() => {
  useWorkbenchStore.setState({ merchantId: null });
  taroMock.setRouterParams({ merchantId: 'm_1' });
});

describe('workbench home', () => {
  it('shows a skeleton, then today\'s figures, and the owner\'s tools', async () => {
    mockApi({ [`GET ${M}`]: () => ok(workplace('owner')), [`GET ${M}/dashboard`]: () => ok(figures()), 'GET /api/me/workplaces': () => ok({ items: [workplace('owner')] }) });
    renderWithClient(<WorkbenchHome />);
    expect(screen.queryByTestId('wb-figures')).toBeNull();
    const grid = await screen.findByTestId('wb-figures');
    expect(within(screen.getByTestId('fig-paid')).getByText('12')).toBeTruthy();
    expect(screen.getByTestId('fig-gmv').textContent).toContain('3456.00');
    expect(screen.getByTestId('fig-refunds').textContent).toContain('2 笔');
    expect(within(screen.getByTestId('fig-to-ship')).getByText('4')).toBeTruthy();
    expect(within(screen.getByTestId('fig-after-sales')).getByText('3')).toBeTruthy();
    expect(grid).toBeTruthy();
    expect(screen.getByTestId('wb-tool-staff')).toBeTruthy();
    expect(screen.getByTestId('wb-tool-audit')).toBeTruthy();
    expect(screen.getByTestId('wb-tool-live-sessions')).toBeTruthy();
    // The merchant opened is remembered for next time.
    expect(useWorkbenchStore.getState().merchantId).toBe('m_1');
    fireEvent.click(screen.getByTestId('fig-to-ship'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/orders?merchantId=m_1&tab=to_ship' });
  });

  it('hides staff and audit from an operator', async () => {
    mockApi({ [`GET ${M}`]: () => ok(workplace('operator')), [`GET ${M}/dashboard`]: () => ok(figures()), 'GET /api/me/workplaces': () => ok({ items: [] }) });
    renderWithClient(<WorkbenchHome />);
    await screen.findByTestId('wb-figures');
    expect(screen.getByTestId('wb-tool-orders')).toBeTruthy();
    expect(screen.queryByTestId('wb-tool-staff')).toBeNull();
    expect(screen.queryByTestId('wb-tool-audit')).toBeNull();
  });

  it('a live host sees only the live entry: no figures, orders or goods, and no dashboard is fetched', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('live_host')), 'GET /api/me/workplaces': () => ok({ items: [] }) });
    renderWithClient(<WorkbenchHome />);
    fireEvent.click(await screen.findByTestId('wb-tool-live-sessions'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/merchant/live-sessions?merchantId=m_1' });
    expect(screen.getByTestId('wb-tool-live-sessions').textContent).toBe('直播');
    expect(document.querySelectorAll('[data-testid^="wb-tool-"]')).toHaveLength(1);
    expect(screen.queryByTestId('wb-figures')).toBeNull();
    expect(screen.queryByTestId('page-forbidden')).toBeNull();
    expect(calls.some((c) => c.path.endsWith('/dashboard'))).toBe(false);
  });

  it('a kitchen member is told the workbench is not for their role, and nothing is fetched for it', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('kitchen')), 'GET /api/me/workplaces': () => ok({ items: [] }) });
    renderWithClient(<WorkbenchHome />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toBe('当前身份无权进行此操作');
    expect(calls.some((c) => c.path.endsWith('/dashboard'))).toBe(false);
  });

  it('shows the dashboard\'s failure with a retry', async () => {
    let fail = true;
    mockApi({ [`GET ${M}`]: () => ok(workplace()), [`GET ${M}/dashboard`]: () => (fail ? problem(500, 'INTERNAL') : ok(figures())), 'GET /api/me/workplaces': () => ok({ items: [] }) });
    renderWithClient(<WorkbenchHome />);
    const error = await screen.findByTestId('page-error');
    expect(error.textContent).toContain('服务器开小差了，请稍后再试');
    fail = false;
    fireEvent.click(within(error).getByText('重试'));
    await screen.findByTestId('wb-figures');
  });

  it('with several merchants and none chosen, asks which one', async () => {
    taroMock.setRouterParams({});
    mockApi({ 'GET /api/me/workplaces': () => ok({ items: [workplace('owner', 'm_1'), { ...workplace('operator', 'm_2'), merchantName: '晨光文具' }] }) });
    renderWithClient(<WorkbenchHome />);
    const picks = await screen.findAllByTestId('wb-pick');
    expect(picks.map((p) => p.textContent)).toEqual(['山野小铺身份：店主', '晨光文具身份：运营']);
    fireEvent.click(picks[1]);
    expect(useWorkbenchStore.getState().merchantId).toBe('m_2');
  });

  it('with no workplace says so and leads back to the shop', async () => {
    taroMock.setRouterParams({});
    mockApi({ 'GET /api/me/workplaces': () => ok({ items: [] }) });
    renderWithClient(<WorkbenchHome />);
    await screen.findByText('你还不是任何店铺的员工');
    fireEvent.click(screen.getByTestId('wb-back'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/me/index' });
  });
});

describe('workbench orders', () => {
  it('shows the tabs with counts, the rows, and searches by what was typed', async () => {
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      [`GET ${M}/orders`]: (req) => (req.query.get('q') === '13800138000' ? ok({ items: [], nextCursor: null, counts }) : ok({ items: [orderRow()], nextCursor: null, counts })),
    });
    renderWithClient(<OrdersPage />);
    const row = await screen.findByTestId('wb-order');
    expect(row.textContent).toContain('纯棉T恤');
    expect(row.textContent).toContain('待发货');
    expect(row.textContent).toContain('138****8000');
    expect(screen.getAllByRole('tab')[1].textContent).toBe('待发货1');
    fireEvent.change(screen.getByTestId('wb-order-search'), { target: { value: '13800138000' } });
    fireEvent.click(screen.getByTestId('wb-order-search-go'));
    await screen.findByText('没有找到相关订单');
    expect(calls[calls.length - 1].query.get('q')).toBe('13800138000');
  });

  it('an empty merchant sees the empty state; an operator sees orders too', async () => {
    mockApi({ [`GET ${M}`]: () => ok(workplace('operator')), [`GET ${M}/orders`]: () => ok({ items: [], nextCursor: null, counts: { ...counts, all: 0, to_ship: 0 } }) });
    renderWithClient(<OrdersPage />);
    await screen.findByText('暂无订单');
  });

  it('new paid orders pushed on the merchant topic appear at the top with one cue', async () => {
    process.env.TARO_ENV = 'weapp';
    const vibrateShort = jest.fn(() => Promise.resolve({}));
    Object.assign(Taro, { vibrateShort });
    mockApi({ [`GET ${M}`]: () => ok(workplace()), [`GET ${M}/orders`]: () => ok({ items: [orderRow()], nextCursor: null, counts }) });
    const { client } = renderWithClient(<OrdersPage />);
    await screen.findByTestId('wb-order');
    const fresh: MerchantOrderSummary = { ...orderRow({ id: 'o_2', orderNo: '2026120700000000002', title: '帆布袋' }) };
    act(() => applyCacheOps(client, opsForTopicEvent('merchant:m_1', 'workbench.new_orders', { orders: [fresh], more: false })));
    await waitFor(() => expect(screen.getAllByTestId('wb-order')).toHaveLength(2));
    expect(screen.getAllByTestId('wb-order')[0].textContent).toContain('帆布袋');
    expect(screen.getAllByRole('tab')[1].textContent).toBe('待发货2');
    expect(vibrateShort).toHaveBeenCalledTimes(1);
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '你有新的订单' }));
    // A push of two: one cue; one of them shipped already (listed under 全部, not counted as waiting).
    const third: MerchantOrderSummary = { ...orderRow({ id: 'o_3', orderNo: '2026120700000000003', title: '雨伞' }) };
    const shipped: MerchantOrderSummary = { ...orderRow({ id: 'o_4', orderNo: '2026120700000000004', title: '茶杯', status: 'shipped' }) };
    act(() => applyCacheOps(client, opsForTopicEvent('merchant:m_1', 'workbench.new_orders', { orders: [third, shipped], more: false })));
    await waitFor(() => expect(screen.getAllByTestId('wb-order')).toHaveLength(4));
    expect(screen.getAllByTestId('wb-order').map((e) => e.textContent?.includes('雨伞'))[0]).toBe(true);
    expect(screen.getAllByRole('tab')[1].textContent).toBe('待发货3');
    expect(vibrateShort).toHaveBeenCalledTimes(2);
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '你有 2 个新订单' }));
    // An order already shown (a replayed push) is not listed twice.
    act(() => applyCacheOps(client, opsForTopicEvent('merchant:m_1', 'workbench.new_orders', { orders: [fresh], more: false })));
    expect(screen.getAllByTestId('wb-order')).toHaveLength(4);
    expect(screen.getAllByRole('tab')[1].textContent).toBe('待发货3');
    process.env.TARO_ENV = 'h5';
  });
});

describe('a workbench page and the caller\'s workplace', () => {
  it('shows the skeleton, not the empty list, while the caller\'s role is read', async () => {
    let answer: (r: ReturnType<typeof ok>) => void = () => undefined;
    mockApi({ [`GET ${M}`]: () => new Promise((resolve) => (answer = resolve)), [`GET ${M}/orders`]: () => ok({ items: [orderRow()], nextCursor: null, counts }) });
    renderWithClient(<OrdersPage />);
    await screen.findAllByTestId('skeleton');
    expect(screen.queryByText('暂无订单')).toBeNull();
    act(() => answer(ok(workplace())));
    await screen.findByTestId('wb-order');
  });

  it('someone who is not staff of the merchant is told it does not exist', async () => {
    mockApi({ [`GET ${M}`]: () => problem(404, 'NOT_FOUND') });
    renderWithClient(<OrdersPage />);
    expect((await screen.findByTestId('page-error')).getAttribute('data-kind')).toBe('not_found');
    expect(screen.queryByText('暂无订单')).toBeNull();
  });

  it('a role changed since it was read: the page\'s own 403 shows the role message, not an error to retry', async () => {
    mockApi({ [`GET ${M}`]: () => ok(workplace('operator')), [`GET ${M}/orders`]: () => problem(403, 'FORBIDDEN_ROLE') });
    renderWithClient(<OrdersPage />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toBe('当前身份无权进行此操作');
    expect(screen.queryByText('重试')).toBeNull();
  });
});

describe('workbench order detail', () => {
  beforeEach(() => taroMock.setRouterParams({ merchantId: 'm_1', id: 'o_1' }));

  it('checks the ship form before sending, then ships in two parcels with one idempotency key per intent', async () => {
    const shipped: { body: unknown; key: string }[] = [];
    mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      [`GET ${M}/orders/o_1`]: () => ok(orderDetail()),
      [`POST ${M}/orders/o_1/ship`]: (req) => {
        shipped.push({ body: req.body, key: req.header?.['Idempotency-Key'] ?? '' });
        return shipped.length === 1 ? problem(503, 'SERVICE_UNAVAILABLE') : ok(orderDetail({ status: 'shipped' }));
      },
    });
    renderWithClient(<OrderPage />);
    await screen.findByText('请尽快发货');
    fireEvent.click(screen.getByTestId('wb-ship'));
    fireEvent.click(screen.getByTestId('wb-ship-submit'));
    expect(screen.getByTestId('wb-ship-problem').textContent).toBe('请为包裹 1 选择快递公司');
    fireEvent.click(screen.getByTestId('carrier-0-sf'));
    fireEvent.change(screen.getByTestId('tracking-0'), { target: { value: 'SF1' } });
    fireEvent.click(screen.getByTestId('wb-ship-submit'));
    expect(screen.getByTestId('wb-ship-problem').textContent).toBe('包裹 1 的运单号应为 4-40 位字母、数字或“-”');
    fireEvent.change(screen.getByTestId('tracking-0'), { target: { value: 'SF1234567890' } });
    fireEvent.click(screen.getByTestId('add-parcel'));
    fireEvent.click(screen.getByTestId('carrier-1-zto'));
    fireEvent.change(screen.getByTestId('tracking-1'), { target: { value: 'ZT987654321' } });
    fireEvent.click(screen.getByTestId('split-lines'));
    fireEvent.click(screen.getByTestId('line-0-0'));
    fireEvent.click(screen.getByTestId('wb-ship-submit'));
    expect(screen.getByTestId('wb-ship-problem').textContent).toBe('包裹 2 请至少选择一件商品');
    fireEvent.click(screen.getByTestId('line-1-1'));
    expect(shipped).toHaveLength(0);

    fireEvent.click(screen.getByTestId('wb-ship-submit'));
    await screen.findByText('服务暂时不可用，请稍后再试');
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '确认按填写的物流信息发货？发货后不可修改。' }));
    fireEvent.click(screen.getByTestId('wb-ship-submit'));
    await waitFor(() => expect(shipped).toHaveLength(2));
    expect(shipped[0].body).toEqual({ parcels: [{ carrier: 'sf', trackingNo: 'SF1234567890', lineNos: [0] }, { carrier: 'zto', trackingNo: 'ZT987654321', lineNos: [1] }] });
    // The same intent tried again carries the same key, so the server ships it once.
    expect(shipped[1].key).toBe(shipped[0].key);
    await waitFor(() => expect(screen.queryByTestId('wb-ship-form')).toBeNull());
  });

  it('cancelling the confirmation sends nothing', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace()), [`GET ${M}/orders/o_1`]: () => ok(orderDetail()) });
    renderWithClient(<OrderPage />);
    await screen.findByText('请尽快发货');
    taroMock.setModalResult(false);
    fireEvent.click(screen.getByTestId('wb-ship'));
    fireEvent.click(screen.getByTestId('carrier-0-sf'));
    fireEvent.change(screen.getByTestId('tracking-0'), { target: { value: 'SF1234567890' } });
    fireEvent.click(screen.getByTestId('wb-ship-submit'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalled());
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('verifies a pickup code and shows a wrong code\'s message with the tries left, then the lock\'s wait', async () => {
    const answers = [
      problem(400, 'PICKUP_CODE_INVALID', { attemptsLeft: 2 }),
      problem(400, 'PICKUP_CODE_INVALID', { attemptsLeft: 0 }),
      problem(429, 'PICKUP_CODE_LOCKED', { retryAfterSeconds: 840 }),
      problem(400, 'PICKUP_CODE_INVALID'),
    ];
    mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      [`GET ${M}/orders/o_1`]: () => ok(orderDetail({ fulfilmentType: 'pickup', shipTo: '上海南京路门店' })),
      [`POST ${M}/orders/o_1/pickup`]: () => answers.shift() ?? problem(500, 'INTERNAL'),
    });
    renderWithClient(<OrderPage />);
    fireEvent.click(await screen.findByTestId('wb-pickup'));
    fireEvent.change(screen.getByTestId('wb-pickup-code'), { target: { value: '12' } });
    fireEvent.click(screen.getByTestId('wb-pickup-submit'));
    expect(screen.getByTestId('wb-pickup-problem').textContent).toBe('自提码为 6 位数字');
    const attempt = async (expected: string) => {
      fireEvent.change(screen.getByTestId('wb-pickup-code'), { target: { value: '123456' } });
      fireEvent.click(screen.getByTestId('wb-pickup-submit'));
      await waitFor(() => expect(screen.queryByTestId('wb-pickup-problem')?.textContent).toBe(expected));
    };
    await attempt('核销码不正确，还可尝试 2 次');
    await attempt('核销码不正确，尝试次数已用完，请稍后再试');
    await attempt('核销码错误次数过多，请 14 分钟后再试');
    // A problem without the count (an older server): the code's own message.
    await attempt('核销码不正确');
  });

  it('a missing order shows the not-found state', async () => {
    mockApi({ [`GET ${M}`]: () => ok(workplace()), [`GET ${M}/orders/o_1`]: () => problem(404, 'NOT_FOUND') });
    renderWithClient(<OrderPage />);
    expect((await screen.findByTestId('page-error')).getAttribute('data-kind')).toBe('not_found');
  });
});

describe('workbench goods', () => {
  it('a set-to edit sends the stock it saw; a sale in between shows the new stock, which the next try expects', async () => {
    const edits: unknown[] = [];
    const answers = [problem(409, 'STOCK_CHANGED', { stock: 7 }), ok({ ...product().skus[0], stock: 20 })];
    mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      // The list is not read again fast enough to matter: the answer's stock is shown at once.
      [`GET ${M}/products`]: () => ok({ items: [product()], nextCursor: null }),
      [`POST ${M}/skus/sku_1/stock`]: (req) => {
        edits.push(req.body);
        return answers.shift() ?? problem(500, 'INTERNAL');
      },
    });
    renderWithClient(<ProductsPage />);
    fireEvent.click(await screen.findByTestId('wb-edit-skus'));
    expect(screen.getByTestId('sku-stock-now').textContent).toBe('当前库存 8');
    fireEvent.click(screen.getByTestId('sku-mode-set'));
    fireEvent.change(screen.getByTestId('sku-stock'), { target: { value: '20' } });
    fireEvent.click(screen.getByTestId('sku-save-stock'));
    expect((await screen.findByTestId('sku-stock-problem')).textContent).toBe('库存已变为 7，请确认后重新提交');
    expect(screen.getByTestId('sku-stock-now').textContent).toBe('当前库存 7');
    // The person decides again: the next set expects the stock they now see.
    fireEvent.click(screen.getByTestId('sku-save-stock'));
    await waitFor(() => expect(edits).toEqual([{ set: 20, expected: 8 }, { set: 20, expected: 7 }]));
  });

  it('a decrease below zero shows the stock the server has', async () => {
    mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      [`GET ${M}/products`]: () => ok({ items: [product()], nextCursor: null }),
      [`POST ${M}/skus/sku_1/stock`]: () => problem(409, 'STOCK_BELOW_ZERO', { stock: 3 }),
    });
    renderWithClient(<ProductsPage />);
    fireEvent.click(await screen.findByTestId('wb-edit-skus'));
    fireEvent.change(screen.getByTestId('sku-stock'), { target: { value: '-5' } });
    fireEvent.click(screen.getByTestId('sku-save-stock'));
    expect((await screen.findByTestId('sku-stock-problem')).textContent).toBe('当前库存为 3，不能减少 5');
    expect(screen.getByTestId('sku-stock-now').textContent).toBe('当前库存 3');
  });

  it('a change of zero or a non-number is refused before sending', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace()), [`GET ${M}/products`]: () => ok({ items: [product()], nextCursor: null }) });
    renderWithClient(<ProductsPage />);
    fireEvent.click(await screen.findByTestId('wb-edit-skus'));
    fireEvent.change(screen.getByTestId('sku-stock'), { target: { value: '0' } });
    fireEvent.click(screen.getByTestId('sku-save-stock'));
    expect(screen.getByTestId('sku-stock-problem').textContent).toBe('请输入不为 0 的整数');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('takes a product off the shelf after confirming', async () => {
    const shelf: unknown[] = [];
    mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      [`GET ${M}/products`]: () => ok({ items: [product()], nextCursor: null }),
      [`POST ${M}/products/p_1/shelf`]: (req) => {
        shelf.push(req.body);
        return ok(product({ onShelf: false }));
      },
    });
    renderWithClient(<ProductsPage />);
    fireEvent.click(await screen.findByTestId('wb-shelf'));
    await waitFor(() => expect(shelf).toEqual([{ onShelf: false }]));
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '下架后买家将无法购买该商品，确认下架？' }));
  });

  it('shows an empty shop', async () => {
    mockApi({ [`GET ${M}`]: () => ok(workplace()), [`GET ${M}/products`]: () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<ProductsPage />);
    await screen.findByText('暂无商品');
  });
});

describe('staff and audit (owner only)', () => {
  it('an operator is told, and the staff list is never asked for', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('operator')) });
    renderWithClient(<StaffPage />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toBe('仅店主可以管理店员');
    expect(calls.some((c) => c.path.endsWith('/staff'))).toBe(false);
  });

  it('an operator cannot open the audit log', async () => {
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('operator')) });
    renderWithClient(<AuditPage />);
    expect((await screen.findByTestId('page-forbidden')).textContent).toBe('仅店主可以查看操作记录');
    expect(calls.some((c) => c.path.endsWith('/audit'))).toBe(false);
  });

  it('the owner invites by phone with a role; a problem code shows its message', async () => {
    const invites: unknown[] = [];
    mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      [`GET ${M}/staff`]: () => ok({ items: [{ id: 'stf_me', userId: 'u_1', phone: '13500000000', nickname: '演示店主', role: 'owner', status: 'active', invitedBy: null, inviteExpiresAt: null, createdAt: 1, updatedAt: 1 }] }),
      [`POST ${M}/staff`]: (req) => {
        invites.push(req.body);
        return problem(409, 'STAFF_EXISTS');
      },
    });
    renderWithClient(<StaffPage />);
    expect((await screen.findByTestId('wb-staff')).textContent).toContain('演示店主（我）');
    expect(screen.queryByTestId('wb-staff-remove')).toBeNull();
    fireEvent.click(screen.getByTestId('wb-invite-open'));
    fireEvent.change(screen.getByTestId('wb-invite-phone'), { target: { value: '1380013' } });
    fireEvent.click(screen.getByTestId('wb-invite-submit'));
    expect(screen.getByTestId('wb-invite-problem').textContent).toBe('请输入正确的 11 位手机号');
    fireEvent.change(screen.getByTestId('wb-invite-phone'), { target: { value: '13800138000' } });
    fireEvent.click(screen.getByTestId('wb-invite-role-kitchen'));
    fireEvent.click(screen.getByTestId('wb-invite-submit'));
    expect((await screen.findByTestId('wb-invite-problem')).textContent).toBe('该手机号已是店铺员工或已在邀请中');
    expect(invites).toEqual([{ phone: '13800138000', role: 'kitchen' }]);
  });

  it('shows the audit log, and its empty state', async () => {
    mockApi({ [`GET ${M}`]: () => ok(workplace()), [`GET ${M}/audit`]: () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<AuditPage />);
    await screen.findByText('暂无操作记录');
  });
});

describe('after-sale decisions', () => {
  const request = afterSaleRequest();
  beforeEach(() => taroMock.setRouterParams({ merchantId: 'm_1', id: 'as_1' }));

  it('rejecting needs a reason; approving asks first and shows the amount', async () => {
    const posts: { path: string; body: unknown }[] = [];
    mockApi({
      [`GET ${M}`]: () => ok(workplace()),
      [`GET ${M}/after-sales/as_1`]: () => ok(request),
      [`POST ${M}/after-sales/as_1/reject`]: (req) => {
        posts.push({ path: req.path, body: req.body });
        return ok({ ...request, status: 'rejected', rejectReason: String((req.body as { reason: string }).reason) });
      },
    });
    renderWithClient(<AfterSalePage />);
    expect((await screen.findByTestId('as-status')).textContent).toBe('待处理');
    expect(screen.getByTestId('as-photos')).toBeTruthy();
    fireEvent.click(screen.getByTestId('as-reject'));
    fireEvent.click(screen.getByTestId('as-reject-submit'));
    expect(screen.getByText('请填写拒绝原因')).toBeTruthy();
    fireEvent.change(screen.getByTestId('as-reject-reason'), { target: { value: '商品已签收超过 7 天' } });
    fireEvent.click(screen.getByTestId('as-reject-submit'));
    await waitFor(() => expect(screen.getByTestId('as-status').textContent).toBe('已拒绝'));
    expect(posts).toEqual([{ path: `${M}/after-sales/as_1/reject`, body: { reason: '商品已签收超过 7 天' } }]);
  });
});

describe('shipping rules', () => {
  it('split parcels together cover every line', () => {
    const p = (carrier: 'sf' | null, trackingNo: string, lineNos: number[]) => ({ carrier, trackingNo, lineNos });
    expect(shipFormProblem([p('sf', 'SF12345', [0])], true, 2)).toBe('还有商品未分配到包裹');
    expect(shipFormProblem([p('sf', 'SF12345', [])], false, 2)).toBeNull();
    expect(shipFormProblem([p(null, 'SF12345', [])], false, 1)).toBe('请为包裹 1 选择快递公司');
  });
});

describe('merchant topic in the cache', () => {
  it('dashboard.updated writes the figures; listeners hear of new paid orders once per push; `more` refetches the lists', () => {
    const { client } = renderWithClient(<div />);
    const heard: string[] = [];
    const off = onMerchantOrdersPaid((m, orders) => heard.push(`${m}:${orders.map((o) => o.id).join(',')}`));
    applyCacheOps(client, opsForTopicEvent('merchant:m_1', 'dashboard.updated', figures({ paidOrders: 13 }) as unknown as Record<string, unknown>));
    expect(client.getQueryData(keys.merchant.dashboard('m_1'))).toMatchObject({ paidOrders: 13 });
    applyCacheOps(client, opsForTopicEvent('merchant:m_1', 'workbench.new_orders', { orders: [orderRow({ id: 'o_9' }), orderRow({ id: 'o_8' })], more: false }));
    off();
    expect(heard).toEqual(['m_1:o_9,o_8']);
    expect(opsForTopicEvent('merchant:m_1', 'workbench.new_orders', { orders: [orderRow({ id: 'o_7' })], more: true }).map((o) => o.kind)).toEqual(['merchantOrdersPaid', 'invalidate']);
    expect(opsForTopicEvent('merchant:m_1', 'workbench.new_orders', { orders: 'garbage' })).toEqual([{ kind: 'invalidate', queryKey: keys.merchant.orderLists('m_1') }]);
  });
});
