import type { Wallet } from '@contract';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { installTaroExtras, order, parentOrder, payment } from '@/services/checkout/test-support';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import CashierPage from './cashier';

jest.mock('@tarojs/components', () => ({
  ...jest.requireActual('@tarojs/components'),
  ...jest.requireActual('@/services/checkout/test-support').formComponents(),
}));

const CARD = '6200123412345678';
const wallet = (over: Partial<Wallet> = {}): Wallet => ({ balance: 3000, points: 5000, pointsRule: { pointsPerYuan: 100, capPercent: 50 }, ...over });
const pendingChild = (over: Parameters<typeof order>[0] = {}) => order({ expiresAt: Date.now() + 10 * 60_000, ...over });

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const submitButton = () => screen.getByRole('button', { name: /^(确认支付|确认抵扣|正在支付)/ });
const remainder = () => screen.getByTestId('split-remainder').textContent;
const toggle = (tender: 'balance' | 'points') => fireEvent.click(within(screen.getByTestId(`tender-${tender}`)).getByRole('switch'));
const paymentCalls = (calls: ReturnType<typeof mockApi>) => calls.filter((c) => c.method === 'POST' && c.path === '/api/payments');

beforeEach(() => {
  installTaroExtras();
  process.env.TARO_ENV = 'weapp';
  taroMock.setRouterParams({ orderId: 'o_1' });
});
afterAll(() => {
  process.env.TARO_ENV = 'h5';
});

describe('cashier', () => {
  it('shows the amount due and countdown, and recomputes the split live as tenders are toggled', async () => {
    mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      'GET /api/wallet': () => ok(wallet()),
    });
    renderWithClient(<CashierPage />);

    await screen.findByText('¥30.00', { exact: false });
    expect(screen.getByTestId('cashier-due').textContent).toBe('¥106.00');
    expect(screen.getByTestId('cashier-countdown').textContent).toMatch(/^剩余支付时间 (09:5\d|10:00)$/);
    expect(screen.getByText('共 5000 积分，可抵 ¥50.00')).toBeTruthy();
    expect(remainder()).toBe('还需支付¥106.00');
    expect(submitButton().textContent).toBe('确认支付 ¥106.00');
    // The platform's own channel: WeChat Pay on weapp.
    expect(within(screen.getByTestId('channels')).getAllByRole('radio').map((r) => r.textContent)).toEqual(['微信支付']);

    toggle('points');
    expect(screen.getByTestId('split').textContent).toContain('积分抵扣（5000 积分）-¥50.00');
    expect(remainder()).toBe('还需支付¥56.00');
    toggle('balance');
    expect(screen.getByTestId('split').textContent).toContain('余额支付-¥30.00');
    expect(remainder()).toBe('还需支付¥26.00');
    expect(submitButton().textContent).toBe('确认支付 ¥26.00');
    toggle('points');
    expect(screen.getByTestId('split').textContent).not.toContain('积分抵扣');
    expect(remainder()).toBe('还需支付¥76.00');
  });

  it('caps points at the rule’s share of the amount due', async () => {
    mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      'GET /api/wallet': () => ok(wallet({ balance: 0, points: 100_000, pointsRule: { pointsPerYuan: 10, capPercent: 30 } })),
    });
    renderWithClient(<CashierPage />);
    await screen.findByText('共 100000 积分，可抵 ¥10000.00');
    // 30% of ¥106.00 is ¥31.80; 10 points per yuan makes one point 10 fen: ¥31.80 = 318 points.
    expect(screen.getByTestId('points-cap').textContent).toBe('积分最多抵扣应付金额的 30%，本单最多抵 ¥31.80');
    toggle('points');
    expect(screen.getByTestId('split').textContent).toContain('积分抵扣（318 积分）-¥31.80');
    expect(remainder()).toBe('还需支付¥74.20');
  });

  it('adds a gift card after verifying it: a wrong PIN shows the message; a good one joins the split and can be removed', async () => {
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      'GET /api/wallet': () => ok(wallet({ balance: 0, points: 0 })),
      'POST /api/gift-cards/verify': (req) => {
        const body = req.body as { number: string; pin: string };
        return body.pin === '123456'
          ? ok({ maskedNumber: '**** **** **** 5678', balance: 5000, expiresAt: Date.UTC(2027, 11, 31, 4) })
          : problem(400, 'GIFT_CARD_INVALID');
      },
    });
    renderWithClient(<CashierPage />);
    await screen.findByTestId('split');
    const number = screen.getByPlaceholderText('请输入 16 位卡号');
    const pin = screen.getByPlaceholderText('6 位密码');
    const add = () => fireEvent.click(screen.getByRole('button', { name: /^(添加|验证中…)$/ }));

    // Checked on the device first: a short number never reaches the server.
    fireEvent.change(number, { target: { value: '6200 1234' } });
    fireEvent.change(pin, { target: { value: '123456' } });
    add();
    expect(screen.getByTestId('gift-card-error').textContent).toBe('请输入 16 位礼品卡卡号');
    expect(calls.filter((c) => c.path === '/api/gift-cards/verify')).toHaveLength(0);

    fireEvent.change(number, { target: { value: '6200 1234 1234 5678' } });
    fireEvent.change(pin, { target: { value: '000000' } });
    add();
    await waitFor(() => expect(screen.getByTestId('gift-card-error').textContent).toBe('礼品卡卡号或密码错误'));
    expect(screen.queryAllByTestId('gift-card')).toHaveLength(0);
    expect(remainder()).toBe('还需支付¥106.00');

    fireEvent.change(pin, { target: { value: '123456' } });
    add();
    const card = await screen.findByTestId('gift-card');
    expect(card.textContent).toContain('**** **** **** 5678');
    expect(card.textContent).toContain('余额 ¥50.00');
    expect(card.textContent).toContain('有效期至 2027-12-31');
    expect(screen.queryByTestId('gift-card-error')).toBeNull();
    expect(screen.getByTestId('split').textContent).toContain('礼品卡 **** **** **** 5678-¥50.00');
    expect(remainder()).toBe('还需支付¥56.00');
    expect(calls.filter((c) => c.path === '/api/gift-cards/verify').map((c) => c.body)).toEqual([
      { number: CARD, pin: '000000' },
      { number: CARD, pin: '123456' },
    ]);

    // The same card again is refused on the device.
    fireEvent.change(number, { target: { value: CARD } });
    fireEvent.change(pin, { target: { value: '123456' } });
    add();
    expect(screen.getByTestId('gift-card-error').textContent).toBe('这张礼品卡已经添加过了');

    fireEvent.click(within(card).getByText('移除'));
    expect(screen.queryAllByTestId('gift-card')).toHaveLength(0);
    expect(remainder()).toBe('还需支付¥106.00');
  });

  it('a payment the internal tenders cover needs no channel and goes straight to the result', async () => {
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      'GET /api/wallet': () => ok(wallet({ balance: 20_000 })),
      'POST /api/payments': () =>
        ok(payment({ id: 'pay_9', orderId: 'o_1', amount: 10600, status: 'paid', paidAt: Date.now(), channel: null, channelAmount: 0, clientParams: null,
          tenders: [{ kind: 'balance', amount: 10600, points: null, giftCard: null }] }), 201),
    });
    renderWithClient(<CashierPage />);
    await screen.findByTestId('split');
    toggle('balance');
    expect(remainder()).toBe('还需支付¥0.00');
    expect(screen.getByText('已全部抵扣，无需再通过第三方支付')).toBeTruthy();
    expect(submitButton().textContent).toBe('确认抵扣 ¥106.00');

    fireEvent.click(submitButton());
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/result?paymentId=pay_9&orderId=o_1' }));
    const sent = paymentCalls(calls);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toEqual({ orderId: 'o_1', tenders: { balance: true, points: false, giftCards: [] }, scene: 'mini' });
    expect(sent[0].header['Idempotency-Key']).toBeTruthy();
    expect(Taro.showModal).not.toHaveBeenCalled();
    // The wallet and the order moved: both are asked again.
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/wallet')).toHaveLength(2));
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/orders/o_1')).toHaveLength(2));
  });

  it('disables submit while the request is in flight; a double tap sends one request; then opens the channel', async () => {
    const answer = deferred<ReturnType<typeof ok>>();
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      'GET /api/wallet': () => ok(wallet()),
      'POST /api/payments': () => answer.promise,
      'POST /sandbox/wechatpay/confirm': () => ok({ ok: true }),
    });
    renderWithClient(<CashierPage />);
    await screen.findByTestId('split');
    toggle('points');

    const button = submitButton();
    act(() => {
      fireEvent.click(button);
      fireEvent.click(button);
    });
    await waitFor(() => expect(paymentCalls(calls)).toHaveLength(1));
    expect(submitButton().textContent).toBe('正在支付…');
    expect((submitButton() as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(submitButton());

    await act(async () => {
      answer.resolve(ok(payment({ id: 'pay_2', orderId: 'o_1', amount: 10600, channelAmount: 5600 }), 201));
    });
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/result?paymentId=pay_2&orderId=o_1' }));
    expect(paymentCalls(calls)).toHaveLength(1);
    expect(paymentCalls(calls)[0].body).toEqual({
      orderId: 'o_1',
      tenders: { balance: false, points: true, giftCards: [] },
      channel: 'wechatpay',
      scene: 'mini',
    });
    // The in-app (sandbox) confirmation of the WeChat Pay part, and the sandbox told with the prepay id.
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '沙箱支付 ¥56.00' }));
    expect(calls.find((c) => c.path === '/sandbox/wechatpay/confirm')?.body).toEqual({ ref: 'PREPAY1', action: 'pay' });
  });

  it('a refused payment shows the friendly message, refreshes the wallet and allows another try with a new key', async () => {
    let walletCalls = 0;
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      'GET /api/wallet': () => {
        walletCalls += 1;
        return ok(wallet());
      },
      'POST /api/payments': () => problem(409, 'INSUFFICIENT_FUNDS'),
    });
    renderWithClient(<CashierPage />);
    await screen.findByTestId('split');
    toggle('balance');
    fireEvent.click(submitButton());
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '余额、积分或礼品卡余额有变动，请重新选择' })));
    await waitFor(() => expect(walletCalls).toBe(2));
    await waitFor(() => expect((submitButton() as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(submitButton());
    await waitFor(() => expect(paymentCalls(calls)).toHaveLength(2));
    const [a, b] = paymentCalls(calls);
    expect(b.header['Idempotency-Key']).not.toBe(a.header['Idempotency-Key']);
  });

  it('pays every unpaid child of a parent order (a part-paid child for its remainder); H5 offers Alipay first, then WeChat Pay', async () => {
    process.env.TARO_ENV = 'h5';
    taroMock.setRouterParams({ orderId: 'po_1' });
    const parent = parentOrder([
      pendingChild({ id: 'o_1', merchantName: '山野小铺', paidAmount: 600 }),
      pendingChild({ id: 'o_2', merchantName: '晨光文具', amounts: { itemsAmount: 350, shippingAmount: 800, discountAmount: 0, payableAmount: 1150 } }),
      pendingChild({ id: 'o_3', merchantName: '已付小店', status: 'paid', paidAmount: 10600 }),
    ]);
    const calls = mockApi({
      'GET /api/parent-orders/po_1': () => ok({ ...parent, expiresAt: Date.now() + 10 * 60_000 }),
      'GET /api/wallet': () => ok(wallet()),
      'POST /api/payments': () => problem(503, 'CHANNEL_UNAVAILABLE'),
    });
    renderWithClient(<CashierPage />);
    await screen.findByText('晨光文具');
    expect(screen.getByTestId('cashier-due').textContent).toBe('¥111.50');
    const radios = within(screen.getByTestId('channels')).getAllByRole('radio');
    expect(radios.map((r) => [r.textContent, r.getAttribute('aria-checked')])).toEqual([['支付宝', 'true'], ['微信支付', 'false']]);
    // Each channel shows its brand's logo in the brand's colour.
    const logos = radios.map((r) => Buffer.from((r.querySelector('img')?.getAttribute('src') ?? ',').split(',')[1], 'base64').toString('utf8'));
    expect(logos[0]).toContain('fill="#1677FF"');
    expect(logos[1]).toContain('fill="#07C160"');
    fireEvent.click(radios[1]);
    fireEvent.click(submitButton());
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '支付渠道暂时不可用，请稍后再试' })));
    expect(paymentCalls(calls)[0].body).toEqual({
      orderId: 'po_1',
      tenders: { balance: false, points: false, giftCards: [] },
      channel: 'wechatpay',
      scene: 'h5',
    });
  });

  it('an order with nothing left to pay says so; a missing id shows an empty state', async () => {
    mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild({ status: 'closed' })),
      'GET /api/wallet': () => ok(wallet()),
    });
    const first = renderWithClient(<CashierPage />);
    await screen.findByText('订单已取消或已关闭，无法支付');
    expect(screen.queryByRole('button', { name: /确认支付/ })).toBeNull();
    fireEvent.click(screen.getByText('查看订单'));
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/orders/index?status=all' });
    first.unmount();

    taroMock.setRouterParams({});
    renderWithClient(<CashierPage />);
    expect(screen.getByText('缺少订单编号')).toBeTruthy();
  });
});

describe('cashier with a payment left open', () => {
  /** Points ¥50.00 and balance ¥30.00 held; ¥26.00 waiting at WeChat Pay. */
  const leftOpen = (over: Parameters<typeof payment>[0] = {}) =>
    payment({
      id: 'pay_open',
      orderId: 'o_1',
      amount: 10600,
      channelAmount: 2600,
      tenders: [
        { kind: 'points', amount: 5000, points: 5000, giftCard: null },
        { kind: 'balance', amount: 3000, points: null, giftCard: null },
        { kind: 'channel', amount: 2600, points: null, giftCard: null },
      ],
      ...over,
    });

  it('shows the open payment with the tenders it holds, and continues it (no new payment)', async () => {
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      // What the wallet reads while the attempt holds its tenders.
      'GET /api/wallet': () => ok(wallet({ balance: 0, points: 0 })),
      'GET /api/orders/o_1/open-payments': () => ok({ items: [leftOpen()] }),
      'POST /sandbox/wechatpay/confirm': () => ok({ ok: true }),
    });
    renderWithClient(<CashierPage />);
    const open = await screen.findByTestId('open-payment');
    expect(open.textContent).toContain('你有一笔支付尚未完成');
    expect(open.textContent).toContain('这笔支付占用的余额和积分会保留到支付完成或取消');
    expect(open.textContent).toContain('积分抵扣（5000 积分）-¥50.00已占用');
    expect(open.textContent).toContain('余额-¥30.00已占用');
    expect(open.textContent).toContain('微信支付待支付¥26.00');
    // No fresh split on an emptied wallet, and nothing that would send the whole amount to the channel.
    expect(screen.queryByTestId('split')).toBeNull();
    expect(screen.queryByRole('button', { name: /^确认支付/ })).toBeNull();
    expect(screen.getByTestId('cashier-due').textContent).toBe('¥106.00');

    fireEvent.click(within(open).getByRole('button', { name: '继续支付' }));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/result?paymentId=pay_open&orderId=o_1' }));
    expect(calls.find((c) => c.path === '/sandbox/wechatpay/confirm')?.body).toEqual({ ref: 'PREPAY1', action: 'pay' });
    expect(paymentCalls(calls)).toHaveLength(0);
  });

  it('cancels the open payment: its tenders come back and the shopper chooses again', async () => {
    let cancelled = false;
    const calls = mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      'GET /api/wallet': () => ok(cancelled ? wallet() : wallet({ balance: 0, points: 0 })),
      'GET /api/orders/o_1/open-payments': () => ok({ items: cancelled ? [] : [leftOpen()] }),
      'POST /api/payments/pay_open/cancel': () => {
        cancelled = true;
        return ok(leftOpen({ status: 'closed', endReason: 'cancelled' }));
      },
    });
    renderWithClient(<CashierPage />);
    const open = await screen.findByTestId('open-payment');
    fireEvent.click(within(open).getByRole('button', { name: '取消这笔支付' }));
    // It names what comes back: balance and points, no gift card was used.
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已取消，占用的余额和积分已退回' })));
    await screen.findByTestId('split');
    expect(screen.queryByTestId('open-payment')).toBeNull();
    await screen.findByText('可用 ¥30.00');
    expect(screen.getByText('共 5000 积分，可抵 ¥50.00')).toBeTruthy();
    expect(calls.filter((c) => c.path === '/api/payments/pay_open/cancel')).toHaveLength(1);
    expect(submitButton().textContent).toBe('确认支付 ¥106.00');
  });

  it('a payment still closing: its tenders show as 退回中 beside the wallet until they are back', async () => {
    let polls = 0;
    mockApi({
      'GET /api/orders/o_1': () => ok(pendingChild()),
      'GET /api/wallet': () => ok(polls > 1 ? wallet() : wallet({ balance: 0, points: 0 })),
      'GET /api/orders/o_1/open-payments': () => {
        polls += 1;
        return ok({ items: polls > 1 ? [] : [leftOpen({ status: 'closing', endReason: 'cancelled' })] });
      },
    });
    renderWithClient(<CashierPage />);
    const closing = await screen.findByTestId('closing-payment');
    expect(closing.textContent).toContain('上一笔支付正在取消');
    expect(closing.textContent).toContain('占用的余额和积分确认后自动退回');
    expect(within(screen.getByTestId('tender-balance')).getByText('¥30.00 退回中')).toBeTruthy();
    expect(within(screen.getByTestId('tender-points')).getByText('5000 积分退回中')).toBeTruthy();
    // Asked again until it is closed; then the wallet is read again.
    await waitFor(() => expect(screen.queryByTestId('closing-payment')).toBeNull(), { timeout: 5000 });
    await screen.findByText('可用 ¥30.00');
  });
});
