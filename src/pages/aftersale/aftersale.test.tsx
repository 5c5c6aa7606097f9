import type { AfterSale } from '@contract/aftersale';
import type { Order, RefundList } from '@contract';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { installTaroExtras, order } from '@/services/checkout/test-support';
import { type OfflinePage, offlinePageTests } from '@/test/offline';
import { mockApi, ok, problem, renderWithClient, type Route, switchableApi } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import AfterSaleApplyPage from './apply';
import AfterSaleDetailPage from './detail';
import AfterSaleListPage from './index';
import { steps } from './steps';

jest.mock('@tarojs/components', () => ({
  ...jest.requireActual('@tarojs/components'),
  ...jest.requireActual('@/services/checkout/test-support').formComponents(),
}));

const NOW = Date.now();

const lines: Order['lines'] = [
  { skuId: 'sku_1', productId: 'p_1', title: '纯棉T恤', specText: '白色 / M', image: '/images/t.svg', unitPrice: 4900, quantity: 2, lineAmount: 9800 },
  { skuId: 'sku_2', productId: 'p_2', title: '中性笔', specText: '黑色', image: '/images/pen.svg', unitPrice: 350, quantity: 1, lineAmount: 350 },
];

function paidOrder(over: Partial<Order> = {}): Order {
  return order({
    status: 'paid',
    lines,
    amounts: { itemsAmount: 10150, shippingAmount: 800, discountAmount: 0, payableAmount: 10950 },
    paidAt: NOW - 3_600_000,
    paidAmount: 10950,
    timeline: [
      { status: 'pending_payment', at: NOW - 4_000_000, note: '' },
      { status: 'paid', at: NOW - 3_600_000, note: '' },
    ],
    ...over,
  });
}

function afterSale(over: Partial<AfterSale> = {}): AfterSale {
  return {
    id: 'as_1', orderId: 'o_1', orderNo: '2026120712345678901', merchantId: 'm_1', userId: 'u_1', kind: 'return_refund', status: 'requested',
    reason: 'quality_issue', description: '袖口开线', photos: [{ id: 'img_1', url: '/uploads/img_1.jpg' }],
    lines: [{ lineNo: 0, skuId: 'sku_1', title: '纯棉T恤', specText: '白色 / M', image: '/images/t.svg', quantity: 1, amount: 4900 }],
    amount: 4900, shippingAmount: 0, returnAddress: null, returnCarrier: null, returnTrackingNo: null, rejectReason: null,
    approvedBy: null, refundId: null, deadlineAt: NOW + 48 * 3_600_000, createdAt: NOW - 60_000, updatedAt: NOW - 60_000, refundedAt: null,
    ...over,
  };
}

const noRefunds: RefundList = { items: [], paidAmount: 10950, refundableAmount: 10950 };

type Picked = { tempFiles: { tempFilePath: string }[] };
let uploadAnswers: Map<string, (r: { statusCode: number; data: string }) => void>;
let progressOf: Map<string, (r: { progress: number }) => void>;

beforeEach(() => {
  installTaroExtras();
  process.env.TARO_ENV = 'weapp';
  uploadAnswers = new Map();
  progressOf = new Map();
  Object.assign(Taro, {
    chooseMedia: jest.fn(),
    uploadFile: jest.fn((opts: { filePath: string; success: (r: { statusCode: number; data: string }) => void }) => {
      uploadAnswers.set(opts.filePath, opts.success);
      return { abort: jest.fn(), onProgressUpdate: (cb: (r: { progress: number }) => void) => progressOf.set(opts.filePath, cb) };
    }),
  });
});
afterAll(() => {
  process.env.TARO_ENV = 'h5';
});

function pick(...paths: string[]) {
  (Taro.chooseMedia as unknown as jest.Mock).mockResolvedValueOnce({ tempFiles: paths.map((tempFilePath) => ({ tempFilePath })) } satisfies Picked);
}

const submitButton = () => screen.getByRole('button', { name: /^(提交申请|提交中…)$/ });

describe('after-sale apply', () => {
  it('offers only 仅退款 before shipping, validates lines and reason, and shows the estimate as quantities change', async () => {
    taroMock.setRouterParams({ orderId: 'o_1' });
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(paidOrder()),
      'GET /api/after-sales': () => ok({ items: [], nextCursor: null }),
      'GET /api/orders/o_1/refunds': () => ok(noRefunds),
    });
    renderWithClient(<AfterSaleApplyPage />);
    await screen.findByText('纯棉T恤');
    const ret = screen.getByTestId('kind-return_refund');
    expect(ret.getAttribute('aria-disabled')).toBe('true');
    expect(ret.textContent).toContain('订单尚未发货，仅可申请仅退款');
    fireEvent.click(ret);
    expect(screen.getByTestId('kind-refund_only').getAttribute('aria-checked')).toBe('true');

    // Everything of an unshipped order: lines and the shipping fee.
    await waitFor(() => expect(screen.getByTestId('estimate').textContent).toBe('¥109.50'));
    const [tee, pen] = screen.getAllByTestId('apply-line');
    fireEvent.click(within(tee).getByLabelText('减少'));
    expect(screen.getByTestId('estimate').textContent).toBe('¥52.50');

    fireEvent.click(submitButton());
    expect(screen.getByTestId('apply-error').textContent).toBe('请选择申请原因');

    fireEvent.click(within(tee).getByLabelText('减少'));
    fireEvent.click(within(pen).getByLabelText('减少'));
    expect(screen.getByTestId('estimate').textContent).toBe('¥0.00');
    fireEvent.click(screen.getByText('不想要了'));
    fireEvent.click(submitButton());
    expect(screen.getByTestId('apply-error').textContent).toBe('请选择要售后的商品');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('takes at most 6 photos with progress, removes one, waits for uploads, then sends the request and opens it', async () => {
    taroMock.setRouterParams({ orderId: 'o_1' });
    const shipped = paidOrder({ status: 'shipped', timeline: [{ status: 'shipped', at: NOW, note: '' }] });
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(shipped),
      // An earlier request holds one T-shirt.
      'GET /api/after-sales': () => ok({ items: [afterSale({ status: 'requested' }), afterSale({ id: 'as_0', status: 'cancelled' })], nextCursor: null }),
      'GET /api/orders/o_1/refunds': () => ok(noRefunds),
      'POST /api/after-sales': (req) => ok(afterSale({ id: 'as_2', ...(req.body as object) }), 201),
    });
    renderWithClient(<AfterSaleApplyPage />);
    await screen.findByText('可申请 1 件');
    fireEvent.click(screen.getByTestId('kind-return_refund'));
    expect(screen.getByTestId('kind-return_refund').getAttribute('aria-checked')).toBe('true');
    // Shipped: no shipping fee back; the last T-shirt gets what is left of its line.
    await waitFor(() => expect(screen.getByTestId('estimate').textContent).toBe('¥52.50'));

    pick('wxfile://1.jpg', 'wxfile://2.jpg', 'wxfile://3.jpg', 'wxfile://4.jpg', 'wxfile://5.jpg', 'wxfile://6.jpg', 'wxfile://7.jpg');
    fireEvent.click(screen.getByTestId('add-photo'));
    await waitFor(() => expect(screen.getAllByTestId('photo')).toHaveLength(6));
    expect((Taro.chooseMedia as unknown as jest.Mock).mock.calls[0][0]).toMatchObject({ count: 6, mediaType: ['image'] });
    expect(screen.getByTestId('photo-count').textContent).toBe('最多 6 张，已选 6 张');
    expect(screen.queryByTestId('add-photo')).toBeNull();
    expect(Taro.uploadFile).toHaveBeenCalledTimes(6);
    expect((Taro.uploadFile as unknown as jest.Mock).mock.calls[0][0]).toMatchObject({ url: '/api/uploads', filePath: 'wxfile://1.jpg', name: 'file' });

    act(() => progressOf.get('wxfile://1.jpg')?.({ progress: 40 }));
    await screen.findByText('上传中 40%');

    fireEvent.click(screen.getByText('质量问题'));
    fireEvent.click(submitButton());
    expect(screen.getByTestId('apply-error').textContent).toBe('图片还在上传，请稍候');

    // Remove the last one: room for one more.
    fireEvent.click(within(screen.getAllByTestId('photo')[5]).getByLabelText('删除图片'));
    expect(screen.getAllByTestId('photo')).toHaveLength(5);
    expect(screen.getByTestId('add-photo')).toBeTruthy();
    await act(async () => {
      for (let i = 1; i <= 5; i++) uploadAnswers.get(`wxfile://${i}.jpg`)?.({ statusCode: 201, data: JSON.stringify({ id: `img_${i}`, url: `/uploads/img_${i}.jpg`, contentType: 'image/jpeg', size: 10 }) });
    });
    await waitFor(() => expect(screen.queryByText(/^上传中/)).toBeNull());

    fireEvent.change(screen.getByPlaceholderText('选填，补充描述有助于商家更快处理（500 字以内）'), { target: { value: ' 袖口开线 ' } });
    fireEvent.click(submitButton());
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/aftersale/detail?id=as_2' }));
    const posted = calls.filter((c) => c.method === 'POST');
    expect(posted).toHaveLength(1);
    expect(posted[0].body).toEqual({
      orderId: 'o_1', kind: 'return_refund', lines: [{ lineNo: 0, quantity: 1 }, { lineNo: 1, quantity: 1 }], reason: 'quality_issue', description: '袖口开线',
      photos: ['img_1', 'img_2', 'img_3', 'img_4', 'img_5'],
    });
    expect(posted[0].header['Idempotency-Key']).toBeTruthy();
  });

  it('a failed upload can be retried, and blocks sending until then', async () => {
    taroMock.setRouterParams({ orderId: 'o_1' });
    mockApi({
      'GET /api/orders/o_1': () => ok(paidOrder()),
      'GET /api/after-sales': () => ok({ items: [], nextCursor: null }),
      'GET /api/orders/o_1/refunds': () => ok(noRefunds),
    });
    renderWithClient(<AfterSaleApplyPage />);
    await screen.findByText('纯棉T恤');
    pick('wxfile://a.png');
    fireEvent.click(screen.getByTestId('add-photo'));
    await waitFor(() => expect(uploadAnswers.has('wxfile://a.png')).toBe(true));
    await act(async () => {
      uploadAnswers.get('wxfile://a.png')?.({ statusCode: 400, data: JSON.stringify({ code: 'IMAGE_INVALID' }) });
    });
    await screen.findByText('上传失败');
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '仅支持 JPG、PNG、WebP 格式的图片' }));
    fireEvent.click(screen.getByText('不想要了'));
    fireEvent.click(submitButton());
    expect(screen.getByTestId('apply-error').textContent).toBe('有图片上传失败，请重试或删除');
    fireEvent.click(screen.getByText('点击重试'));
    expect(Taro.uploadFile).toHaveBeenCalledTimes(2);
    await screen.findByText('上传中 0%');
  });

  it('an order with nothing left to ask for, or not paid, says so', async () => {
    taroMock.setRouterParams({ orderId: 'o_1' });
    mockApi({
      'GET /api/orders/o_1': () => ok(paidOrder({ lines: [lines[0]] })),
      'GET /api/after-sales': () => ok({ items: [afterSale({ lines: [{ ...afterSale().lines[0], quantity: 2 }] })], nextCursor: null }),
      'GET /api/orders/o_1/refunds': () => ok(noRefunds),
    });
    const first = renderWithClient(<AfterSaleApplyPage />);
    await screen.findByText('该订单已没有可申请售后的商品');
    first.unmount();

    mockApi({ 'GET /api/orders/o_1': () => ok(order({ status: 'pending_payment' })) });
    renderWithClient(<AfterSaleApplyPage />);
    await screen.findByText('该订单当前不能申请售后');
  });
});

describe('after-sale detail', () => {
  beforeEach(() => taroMock.setRouterParams({ id: 'as_1' }));

  it('requested: waiting for the merchant with its deadline; 撤销申请 after confirmation', async () => {
    let current = afterSale();
    const calls = mockApi({
      'GET /api/after-sales/as_1': () => ok(current),
      'POST /api/after-sales/as_1/cancel': () => {
        current = afterSale({ status: 'cancelled', deadlineAt: null });
        return ok(current);
      },
    });
    renderWithClient(<AfterSaleDetailPage />);
    expect((await screen.findByTestId('as-status')).textContent).toBe('待商家处理');
    expect(screen.getByText(/^商家需在 .+ 前处理，超时将自动同意$/)).toBeTruthy();
    expect(screen.getAllByTestId('as-step').map((s) => s.getAttribute('data-state'))).toEqual(['done', 'current', 'todo', 'todo', 'todo']);
    expect(screen.getByText('质量问题')).toBeTruthy();
    expect(screen.getByText('袖口开线')).toBeTruthy();
    expect(screen.getByTestId('as-amount').textContent).toContain('¥49.00');
    expect(screen.queryByTestId('return-form')).toBeNull();

    taroMock.setModalResult(false);
    fireEvent.click(screen.getByRole('button', { name: '撤销申请' }));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalled());
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    taroMock.setModalResult(true);
    fireEvent.click(screen.getByRole('button', { name: '撤销申请' }));
    await waitFor(() => expect(screen.getByTestId('as-status').textContent).toBe('已撤销'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/api/after-sales/as_1/cancel']);
    expect(screen.queryByRole('button', { name: '撤销申请' })).toBeNull();
  });

  it('awaiting return: the address with a copy button, the return form checked, then 待商家收货', async () => {
    let current = afterSale({ status: 'awaiting_return', returnAddress: { name: '王五', phone: '021-12345678', address: '上海市 黄浦区 人民路 88 号 售后部' }, approvedBy: 'merchant' });
    const calls = mockApi({
      'GET /api/after-sales/as_1': () => ok(current),
      'POST /api/after-sales/as_1/return-shipment': (req) => {
        const body = req.body as { carrier: string; trackingNo: string };
        current = { ...current, status: 'returning', returnCarrier: body.carrier, returnTrackingNo: body.trackingNo, deadlineAt: null };
        return ok(current);
      },
    });
    renderWithClient(<AfterSaleDetailPage />);
    expect((await screen.findByTestId('as-status')).textContent).toBe('待寄回商品');
    expect(screen.getByText(/^请在 .+ 前寄回商品，超时申请将自动关闭$/)).toBeTruthy();
    const address = screen.getByTestId('return-address');
    expect(address.textContent).toContain('王五 021-12345678');
    fireEvent.click(within(address).getByText('复制'));
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: '王五 021-12345678 上海市 黄浦区 人民路 88 号 售后部' });
    expect(screen.getByRole('button', { name: '撤销申请' })).toBeTruthy();

    const submit = () => fireEvent.click(screen.getByRole('button', { name: /^(提交物流信息|提交中…)$/ }));
    submit();
    expect(screen.getByTestId('return-error').textContent).toBe('请填写物流公司');
    fireEvent.change(screen.getByPlaceholderText('如：顺丰速运'), { target: { value: '顺丰速运' } });
    fireEvent.change(screen.getByPlaceholderText('请输入物流单号'), { target: { value: 'SF 12' } });
    submit();
    expect(screen.getByTestId('return-error').textContent).toBe('请输入正确的物流单号（4–40 位字母、数字或 -）');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    fireEvent.change(screen.getByPlaceholderText('请输入物流单号'), { target: { value: 'SF1234567890' } });
    submit();
    await waitFor(() => expect(screen.getByTestId('as-status').textContent).toBe('待商家收货'));
    expect(calls.filter((c) => c.method === 'POST')[0].body).toEqual({ carrier: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(screen.queryByTestId('return-form')).toBeNull();
    expect(screen.getByTestId('return-shipment').textContent).toContain('SF1234567890');
    expect(screen.queryByRole('button', { name: '撤销申请' })).toBeNull();
  });

  it('rejected: the merchant reason, nothing to do; refunded: 退款成功 with the refund and where it went', async () => {
    mockApi({ 'GET /api/after-sales/as_1': () => ok(afterSale({ status: 'rejected', rejectReason: '商品已影响二次销售', deadlineAt: null })) });
    const first = renderWithClient(<AfterSaleDetailPage />);
    expect((await screen.findByTestId('as-status')).textContent).toBe('商家已拒绝');
    expect(screen.getByTestId('reject-reason').textContent).toBe('拒绝原因：商品已影响二次销售');
    expect(screen.getAllByTestId('as-step').map((s) => s.getAttribute('data-state'))).toEqual(['done', 'ended']);
    expect(screen.queryByRole('button', { name: '撤销申请' })).toBeNull();
    first.unmount();

    mockApi({
      'GET /api/after-sales/as_1': () => ok(afterSale({ kind: 'refund_only', status: 'refunded', refundId: 'rf_1', deadlineAt: null, refundedAt: NOW, photos: [] })),
      'GET /api/orders/o_1/refunds': () =>
        ok({ items: [{ id: 'rf_1', orderId: 'o_1', amount: 4900, reason: '售后', status: 'succeeded', createdAt: NOW, succeededAt: NOW, parts: [{ kind: 'balance', amount: 900, points: null }, { kind: 'channel', amount: 4000, points: null }] }], paidAmount: 10950, refundableAmount: 6050 }),
    });
    renderWithClient(<AfterSaleDetailPage />);
    expect((await screen.findByTestId('as-status')).textContent).toBe('退款成功');
    await waitFor(() => expect(screen.getByTestId('refund-status').textContent).toBe('已退款'));
    expect(screen.getByTestId('as-refund').textContent).toContain('余额 ¥9.00，原路退回 ¥40.00');
    expect(screen.getAllByTestId('as-step').map((s) => s.getAttribute('data-state'))).toEqual(['done', 'done', 'current']);
  });

  it('a missing request says so', async () => {
    mockApi({ 'GET /api/after-sales/as_1': () => problem(404, 'NOT_FOUND') });
    renderWithClient(<AfterSaleDetailPage />);
    await screen.findByText('售后单不存在或已删除');
  });
});

describe('after-sale steps', () => {
  it('label every state', () => {
    const labels = (kind: AfterSale['kind'], status: AfterSale['status']) => steps({ kind, status }).map((s) => `${s.label}:${s.state}`);
    expect(labels('refund_only', 'refunding')).toEqual(['提交申请:done', '商家处理:done', '退款中:current']);
    expect(labels('refund_only', 'refund_failed')).toEqual(['提交申请:done', '商家处理:done', '退款失败:current']);
    expect(labels('return_refund', 'returning')).toEqual(['提交申请:done', '商家处理:done', '寄回商品:done', '商家收货:current', '退款成功:todo']);
    expect(labels('return_refund', 'closed')).toEqual(['提交申请:done', '商家处理:done', '已关闭:ended']);
    expect(labels('refund_only', 'cancelled')).toEqual(['提交申请:done', '已撤销:ended']);
  });
});

describe('after-sale list', () => {
  it('lists the requests with their status and filters them by tab', async () => {
    mockApi({
      'GET /api/after-sales': () =>
        ok({
          items: [
            afterSale({ id: 'as_1', status: 'awaiting_return' }),
            afterSale({ id: 'as_2', kind: 'refund_only', status: 'refunded', amount: 350 }),
            afterSale({ id: 'as_3', status: 'rejected' }),
          ],
          nextCursor: null,
        }),
    });
    renderWithClient(<AfterSaleListPage />);
    await waitFor(() => expect(screen.getAllByTestId('as-item')).toHaveLength(3));
    expect(screen.getAllByTestId('as-item').map((i) => i.getAttribute('data-status'))).toEqual(['awaiting_return', 'refunded', 'rejected']);
    expect(screen.getByText('待寄回商品')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: '处理中' }));
    expect(screen.getAllByTestId('as-item').map((i) => i.getAttribute('data-status'))).toEqual(['awaiting_return']);
    fireEvent.click(screen.getByRole('tab', { name: '已完成' }));
    expect(screen.getAllByTestId('as-item').map((i) => i.getAttribute('data-status'))).toEqual(['refunded']);
    fireEvent.click(screen.getByRole('tab', { name: '已关闭' }));
    expect(screen.getAllByTestId('as-item').map((i) => i.getAttribute('data-status'))).toEqual(['rejected']);
    fireEvent.click(within(screen.getByTestId('as-item')).getByRole('button', { name: '查看详情' }));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/aftersale/detail?id=as_3' });
  });

  it('an empty list leads to the orders', async () => {
    mockApi({ 'GET /api/after-sales': () => ok({ items: [], nextCursor: null }) });
    renderWithClient(<AfterSaleListPage />);
    await screen.findByText('还没有售后记录');
  });
});

describe('after-sales offline', () => {
  const BANNER = '当前网络不可用，显示的内容可能不是最新的';
  const routes: Record<string, Route> = {
    'GET /api/after-sales': () => ok({ items: [afterSale({ status: 'awaiting_return' }), afterSale({ id: 'as_2', status: 'refunded' })], nextCursor: null }),
    'GET /api/after-sales/as_1': () => ok(afterSale()),
    'GET /api/orders/o_1': () => ok(paidOrder()),
    'GET /api/orders/o_1/refunds': () => ok(noRefunds),
  };
  const PAGES: OfflinePage[] = [
    ['list', AfterSaleListPage, {}, 'as-item'],
    ['detail', AfterSaleDetailPage, { id: 'as_1' }, 'as-status'],
    ['apply', AfterSaleApplyPage, { orderId: 'o_1' }, 'apply-line'],
  ];

  offlinePageTests(PAGES, routes, { home: true });

  it('list: the tabs stay usable on the cached requests while offline', async () => {
    taroMock.setRouterParams({});
    const net = switchableApi(routes);
    renderWithClient(<AfterSaleListPage />);
    await waitFor(() => expect(screen.getAllByTestId('as-item')).toHaveLength(2));
    net.off();
    fireEvent.click(screen.getByRole('tab', { name: '已完成' }));
    expect(screen.getAllByTestId('as-item').map((i) => i.getAttribute('data-status'))).toEqual(['refunded']);
    expect(screen.getByRole('status').textContent).toBe(BANNER);
  });
});
