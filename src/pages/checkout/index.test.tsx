import type { Address, CheckoutBody, CreateOrderBody } from '@contract';
import { onlineManager } from '@tanstack/react-query';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { address, installTaroExtras, parentOrder, preview, pricedLine } from '@/services/checkout/test-support';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { MockNetworkError, taroMock } from '@/test/taro-mock';
import CheckoutPage from './index';

jest.mock('@tarojs/components', () => ({
  ...jest.requireActual('@tarojs/components'),
  ...jest.requireActual('@/services/checkout/test-support').formComponents(),
}));

const ITEMS = encodeURIComponent('sku_1:2,sku_2:1');

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const submitButton = () => screen.getByRole('button', { name: /提交订单|提交中…|重新提交/ });
const totalText = () => document.querySelector('.checkout__total')?.textContent ?? '';

beforeEach(() => {
  installTaroExtras();
  taroMock.setRouterParams({ items: ITEMS, fromCart: '1' });
  process.env.TARO_ENV = 'weapp';
});
afterAll(() => {
  process.env.TARO_ENV = 'h5';
});

describe('checkout confirmation', () => {
  it('renders the per-merchant breakdown and the total from the preview', async () => {
    const calls = mockApi({ 'POST /api/checkout/preview': () => ok(preview()) });
    renderWithClient(<CheckoutPage />);

    await screen.findByText('山野小铺');
    expect(screen.getByText('晨光文具')).toBeTruthy();
    expect(screen.getByText('纯棉T恤')).toBeTruthy();
    expect(screen.getByText('中性笔')).toBeTruthy();
    expect(screen.getAllByText('商品金额')).toHaveLength(2);
    expect(screen.getAllByText('运费')).toHaveLength(2);
    expect(screen.getAllByText('小计')).toHaveLength(2);
    const groups = screen.getAllByTestId('checkout-group');
    expect(groups[0].textContent).toContain('¥98.00');
    expect(groups[0].textContent).toContain('¥8.00');
    expect(groups[0].textContent).toContain('¥106.00');
    expect(groups[1].textContent).toContain('¥11.50');
    expect(totalText()).toContain('¥117.50');
    // The default address from the preview.
    expect(screen.getByText(/文三路 90 号/)).toBeTruthy();
    expect((submitButton() as HTMLButtonElement).disabled).toBe(false);
    // The preview was asked for exactly the lines of the query string.
    const body = calls[0].body as CheckoutBody;
    expect(body.items).toEqual([
      { skuId: 'sku_1', quantity: 2 },
      { skuId: 'sku_2', quantity: 1 },
    ]);
  });

  it('shows blocked lines with their reason and does not allow submitting', async () => {
    const blocked = preview({ canSubmit: false });
    blocked.groups[1].lines = [pricedLine({ skuId: 'sku_2', title: '中性笔', issue: 'out_of_stock' })];
    const calls = mockApi({ 'POST /api/checkout/preview': () => ok(blocked) });
    renderWithClient(<CheckoutPage />);

    await screen.findByText('已售罄');
    expect(screen.getByText('部分商品无法购买，请返回修改后再提交')).toBeTruthy();
    expect((submitButton() as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(submitButton());
    await act(async () => undefined);
    expect(calls.filter((c) => c.path === '/api/orders')).toHaveLength(0);
  });

  it('blocks submit even if the server said canSubmit while a line is unavailable', async () => {
    const inconsistent = preview({ canSubmit: true });
    inconsistent.groups[0].lines = [pricedLine({ issue: 'off_shelf' })];
    mockApi({ 'POST /api/checkout/preview': () => ok(inconsistent) });
    renderWithClient(<CheckoutPage />);
    await screen.findByText('已下架');
    expect((submitButton() as HTMLButtonElement).disabled).toBe(true);
  });

  it('a double tap creates one order with one idempotency key, the button is disabled while in flight, then the cashier opens', async () => {
    const orderResponse = deferred<ReturnType<typeof ok>>();
    const calls = mockApi({
      'POST /api/checkout/preview': () => ok(preview()),
      'POST /api/orders': () => orderResponse.promise,
    });
    renderWithClient(<CheckoutPage />);
    await screen.findByText('山野小铺');

    // Two taps in the same tick (one React batch: neither sees the other's re-render)...
    const button = submitButton();
    act(() => {
      fireEvent.click(button);
      fireEvent.click(button);
    });
    // ...and one more after the re-render.
    fireEvent.click(submitButton());
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/orders')).toHaveLength(1));
    expect(submitButton().textContent).toBe('提交中…');
    expect((submitButton() as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(submitButton());

    await act(async () => {
      orderResponse.resolve(ok(parentOrder(), 201));
    });
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalled());

    const orderCalls = calls.filter((c) => c.path === '/api/orders');
    expect(orderCalls).toHaveLength(1);
    expect(orderCalls[0].header['Idempotency-Key']).toMatch(/\S{8,}/);
    const body = orderCalls[0].body as CreateOrderBody;
    expect(body).toEqual({
      items: [
        { skuId: 'sku_1', quantity: 2 },
        { skuId: 'sku_2', quantity: 1 },
      ],
      fromCart: true,
      fulfilment: { type: 'delivery', addressId: 'adr_1' },
    });
    // The cashier pays the new parent order (tenders, channel): nothing is paid from here.
    expect(calls.filter((c) => c.path === '/api/payments')).toHaveLength(0);
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/cashier?orderId=po_1' });
  });

  it('a retry after a network failure reuses the key; changed input gets a new one', async () => {
    let fail = true;
    const calls = mockApi({
      'POST /api/checkout/preview': () => ok(preview()),
      'POST /api/orders': () => {
        if (fail) throw new MockNetworkError('offline');
        return problem(409, 'OUT_OF_STOCK');
      },
    });
    renderWithClient(<CheckoutPage />);
    await screen.findByText('山野小铺');

    fireEvent.click(submitButton());
    expect((await screen.findByTestId('submit-error')).textContent).toBe('订单未提交：网络不可用，请检查网络后重试');
    // The form is kept.
    expect(screen.getByText('山野小铺')).toBeTruthy();
    await waitFor(() => expect((submitButton() as HTMLButtonElement).disabled).toBe(false));

    fail = false;
    fireEvent.click(submitButton());
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/orders')).toHaveLength(2));
    const [first, second] = calls.filter((c) => c.path === '/api/orders');
    expect(second.header['Idempotency-Key']).toBe(first.header['Idempotency-Key']);

    // A definitive answer (409) shows its message; the next attempt, with a remark added, is a new intent.
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '库存不足' })));
    await waitFor(() => expect((submitButton() as HTMLButtonElement).disabled).toBe(false));
    fail = true;
    fireEvent.change(screen.getByPlaceholderText('选填，给商家留言（200 字以内）'), { target: { value: '请尽快发货' } });
    fireEvent.click(submitButton());
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/orders')).toHaveLength(3));
    const third = calls.filter((c) => c.path === '/api/orders')[2];
    expect(third.header['Idempotency-Key']).not.toBe(first.header['Idempotency-Key']);
    expect((third.body as CreateOrderBody).remark).toBe('请尽快发货');
  });

  it('offline: the submit resolves with a message and 重新提交; the order is never placed later by itself', async () => {
    let online = true;
    const calls = mockApi({
      'POST /api/checkout/preview': () => ok(preview()),
      'POST /api/orders': () => {
        if (!online) throw new MockNetworkError('offline');
        return ok(parentOrder(), 201);
      },
    });
    renderWithClient(<CheckoutPage />);
    await screen.findByText('山野小铺');
    online = false;
    act(() => onlineManager.setOnline(false));

    fireEvent.click(submitButton());
    const notice = await screen.findByTestId('submit-error');
    expect(notice.textContent).toBe('订单未提交：网络不可用，请检查网络后重试');
    const again = screen.getByRole('button', { name: '重新提交' }) as HTMLButtonElement;
    expect(again.disabled).toBe(false);
    expect(screen.queryByText('提交中…')).toBeNull();

    // The network returns: nothing is sent behind the shopper's back.
    online = true;
    act(() => onlineManager.setOnline(true));
    await new Promise((r) => setTimeout(r, 50));
    const orders = () => calls.filter((c) => c.path === '/api/orders');
    expect(orders()).toHaveLength(1);
    expect(Taro.redirectTo).not.toHaveBeenCalled();

    // The shopper retries: the same intent, the same key, one order.
    fireEvent.click(again);
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/cashier?orderId=po_1' }));
    expect(orders()).toHaveLength(2);
    expect(orders()[1].header['Idempotency-Key']).toBe(orders()[0].header['Idempotency-Key']);
    expect(screen.queryByTestId('submit-error')).toBeNull();
  });

  it('store pickup asks for a contact, prices as pickup and shows each merchant’s store', async () => {
    const calls = mockApi({
      'POST /api/checkout/preview': (req) => {
        const body = req.body as CheckoutBody;
        if (body.fulfilment?.type === 'pickup') {
          // As the server does: pickup is priced at once, submittable only with a contact.
          const f = body.fulfilment;
          const p = preview({ fulfilment: f, address: null, canSubmit: Boolean(f.contactName && f.contactPhone) });
          p.groups.forEach((g) => {
            g.amounts = { ...g.amounts, shippingAmount: 0, payableAmount: g.amounts.itemsAmount };
          });
          p.amounts = { itemsAmount: 10150, shippingAmount: 0, discountAmount: 0, payableAmount: 10150 };
          return ok(p);
        }
        return ok(preview());
      },
      'POST /api/orders': () => ok(parentOrder(), 201),
    });
    renderWithClient(<CheckoutPage />);
    await screen.findByText('山野小铺');

    fireEvent.click(screen.getByText('到店自提'));
    expect(screen.getByText('填写提货人和手机号后即可提交订单')).toBeTruthy();
    expect((submitButton() as HTMLButtonElement).disabled).toBe(true);
    // Priced as pickup before the contact is typed, but not yet submittable.
    await waitFor(() => expect(calls.some((c) => c.path === '/api/checkout/preview' && (c.body as CheckoutBody).fulfilment?.type === 'pickup')).toBe(true));
    expect((submitButton() as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(screen.getByPlaceholderText('请输入提货人姓名'), { target: { value: '李四' } });
    fireEvent.change(screen.getByPlaceholderText('请输入手机号'), { target: { value: '12900139000' } });
    expect(screen.getByText('请填写正确的手机号')).toBeTruthy();
    fireEvent.change(screen.getByPlaceholderText('请输入手机号'), { target: { value: '13900139000' } });
    expect(screen.queryByText('请填写正确的手机号')).toBeNull();
    await screen.findByText('山野小铺 人民路店');
    expect(screen.getByText('晨光文具 中山路店')).toBeTruthy();
    expect(screen.getAllByText('自提门店')).toHaveLength(2);
    expect(totalText()).toContain('¥101.50');
    await waitFor(() => expect((submitButton() as HTMLButtonElement).disabled).toBe(false));

    fireEvent.click(submitButton());
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/cashier?orderId=po_1' }));
    const order = calls.find((c) => c.path === '/api/orders');
    expect((order?.body as CreateOrderBody).fulfilment).toEqual({ type: 'pickup', contactName: '李四', contactPhone: '13900139000' });
  });

  it('an address chosen in the address list comes back through the event channel and reprices', async () => {
    const other: Address = { ...address, id: 'adr_2', name: '王五', detail: '中山路 1 号', isDefault: false };
    const calls = mockApi({
      'POST /api/checkout/preview': (req) => {
        const body = req.body as CheckoutBody;
        return ok(body.fulfilment?.type === 'delivery' && body.fulfilment.addressId === 'adr_2'
          ? preview({ fulfilment: body.fulfilment, address: other })
          : preview());
      },
    });
    renderWithClient(<CheckoutPage />);
    await screen.findByText('山野小铺');

    fireEvent.click(screen.getByText('更换地址'));
    expect(Taro.navigateTo).toHaveBeenCalledTimes(1);
    const opts = (Taro.navigateTo as jest.Mock).mock.calls[0][0] as { url: string; events: Record<string, (a: Address) => void> };
    expect(opts.url).toBe('/pages/checkout/address-list?select=1&selected=adr_1');
    const handlers = Object.values(opts.events);
    expect(handlers).toHaveLength(1);
    act(() => handlers[0](other));

    await screen.findByText(/中山路 1 号/);
    const last = calls[calls.length - 1].body as CheckoutBody;
    expect(last.fulfilment).toEqual({ type: 'delivery', addressId: 'adr_2' });
  });

  it('shows an empty state for a malformed items parameter and asks nothing', async () => {
    taroMock.setRouterParams({ items: 'garbage' });
    const calls = mockApi({});
    renderWithClient(<CheckoutPage />);
    expect(screen.getByText('没有要结算的商品')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });

  it('a failed preview shows the error with a retry', async () => {
    let attempts = 0;
    mockApi({
      'POST /api/checkout/preview': () => {
        attempts += 1;
        return attempts === 1 ? problem(409, 'CART_EMPTY') : ok(preview());
      },
    });
    renderWithClient(<CheckoutPage />);
    await screen.findByText('没有可结算的商品');
    fireEvent.click(screen.getByText('重试'));
    await screen.findByText('山野小铺');
  });
});

describe('checkout for a shopper without an address', () => {
  it('enables submit once an address is chosen in the address list', async () => {
    const fresh: Address = { ...address, id: 'adr_new', detail: '文三路 90 号 1 幢 101 室' };
    mockApi({
      'POST /api/checkout/preview': (req) => {
        const body = req.body as CheckoutBody;
        return ok(body.fulfilment
          ? preview({ fulfilment: body.fulfilment, address: fresh, canSubmit: true })
          : preview({ fulfilment: null, address: null, canSubmit: false }));
      },
    });
    renderWithClient(<CheckoutPage />);
    await screen.findByText('还没有收货地址，请选择或新增地址');
    expect((submitButton() as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByText('选择地址'));
    const opts = (Taro.navigateTo as jest.Mock).mock.calls[0][0] as { events: Record<string, (a: Address) => void> };
    act(() => Object.values(opts.events)[0](fresh));
    await screen.findByText(/文三路 90 号 1 幢 101 室/);
    await waitFor(() => expect((submitButton() as HTMLButtonElement).disabled).toBe(false));
  });
});
