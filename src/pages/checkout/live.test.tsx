import type { CheckoutBody, CreateOrderBody } from '@contract';
import { screen, waitFor, fireEvent } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { keys } from '@/services/keys';
import { installTaroExtras, parentOrder, preview, pricedLine } from '@/services/checkout/test-support';
import { checkoutUrl, parseLiveParam } from '@/services/checkout/items';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import CheckoutPage from './index';

jest.mock('@tarojs/components', () => ({
  ...jest.requireActual('@tarojs/components'),
  ...jest.requireActual('@/services/checkout/test-support').formComponents(),
}));

const submitButton = () => screen.getByRole('button', { name: /提交订单|提交中…|重新提交/ });

/** What the live room's 马上抢 opens: one line, the session in `live`. */
function openFromRoom() {
  const url = checkoutUrl([{ skuId: 'sku_1', quantity: 2 }], false, 'ls_1');
  const query = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  // The hosts hand the query's values as they are in the URL (still encoded).
  taroMock.setRouterParams({ items: encodeURIComponent(query.get('items') ?? ''), live: query.get('live') ?? '' });
}

/** The preview as the server prices a live line: the session price. */
const livePreview = () => {
  const p = preview();
  p.groups = [{ ...p.groups[0], lines: [pricedLine({ unitPrice: 3900, quantity: 2, lineAmount: 7800 })] }];
  return p;
};

beforeEach(() => {
  installTaroExtras();
  openFromRoom();
  process.env.TARO_ENV = 'weapp';
});
afterAll(() => {
  process.env.TARO_ENV = 'h5';
});

describe('checkout from a live room', () => {
  it('the room opens it with the session: the URL carries it, malformed values are a normal checkout', () => {
    expect(checkoutUrl([{ skuId: 'sku_1', quantity: 2 }], false, 'ls_1')).toBe('/pages/checkout/index?items=sku_1%3A2&live=ls_1');
    expect(checkoutUrl([{ skuId: 'sku_1', quantity: 2 }], true)).toBe('/pages/checkout/index?items=sku_1%3A2&fromCart=1');
    expect(parseLiveParam('ls_1')).toBe('ls_1');
    expect(parseLiveParam(undefined)).toBeNull();
    expect(parseLiveParam('ls 1')).toBeNull();
    expect(parseLiveParam('%E0%A4%A')).toBeNull();
  });

  it('sends liveSessionId with the preview and the order, shows the session price the server answers, and drops the room cache', async () => {
    const calls = mockApi({
      'POST /api/checkout/preview': () => ok(livePreview()),
      'POST /api/orders': () => ok(parentOrder(), 201),
    });
    const { client } = renderWithClient(<CheckoutPage />);
    client.setQueryData(keys.live.session('ls_1'), { id: 'ls_1' });
    await screen.findByTestId('checkout-live');
    expect(screen.getByTestId('checkout-group').textContent).toContain('¥39.00');
    expect((calls[0].body as CheckoutBody).liveSessionId).toBe('ls_1');

    fireEvent.click(submitButton());
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/cashier?orderId=po_1' }));
    const order = calls.find((c) => c.path === '/api/orders')?.body as CreateOrderBody;
    expect(order).toMatchObject({ items: [{ skuId: 'sku_1', quantity: 2 }], liveSessionId: 'ls_1', fromCart: false });
    expect(client.getQueryState(keys.live.session('ls_1'))?.isInvalidated).toBe(true);
  });

  it('LIVE_SOLD_OUT and LIVE_LIMIT_REACHED say so (catalog messages) and show the lines again', async () => {
    for (const code of ['LIVE_SOLD_OUT', 'LIVE_LIMIT_REACHED'] as const) {
      (Taro.showToast as jest.Mock).mockClear();
      const calls = mockApi({
        'POST /api/checkout/preview': () => ok(livePreview()),
        'POST /api/orders': () => problem(409, code, { skuId: 'sku_1' }),
      });
      const { unmount } = renderWithClient(<CheckoutPage />);
      await screen.findByTestId('checkout-live');
      fireEvent.click(submitButton());
      const text = code === 'LIVE_SOLD_OUT' ? '直播专享库存已抢光' : '已达到本场直播的限购数量';
      await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: text })));
      await waitFor(() => expect(calls.filter((c) => c.path === '/api/checkout/preview').length).toBeGreaterThanOrEqual(2));
      expect(Taro.redirectTo).not.toHaveBeenCalled();
      unmount();
    }
  });

  it('LIVE_BUSY shows its message with 重新提交, which tries again with a new key and goes through', async () => {
    let busy = true;
    const calls = mockApi({
      'POST /api/checkout/preview': () => ok(livePreview()),
      'POST /api/orders': () => (busy ? problem(429, 'LIVE_BUSY') : ok(parentOrder(), 201)),
    });
    renderWithClient(<CheckoutPage />);
    await screen.findByTestId('checkout-live');
    fireEvent.click(submitButton());
    expect((await screen.findByTestId('submit-error')).textContent).toBe('太火爆了，请稍后再试');
    expect(submitButton().textContent).toBe('重新提交');

    busy = false;
    fireEvent.click(submitButton());
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/checkout/cashier?orderId=po_1' }));
    const keysSent = calls.filter((c) => c.path === '/api/orders').map((c) => c.header['Idempotency-Key']);
    expect(keysSent).toHaveLength(2);
    expect(keysSent[0]).not.toBe(keysSent[1]);
  });
});
