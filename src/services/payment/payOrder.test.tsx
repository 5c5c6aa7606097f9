import type { CreatePaymentBody } from '@contract';
import { act, renderHook } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { ApiError } from '../http';
import { payment } from '../checkout/test-support';
import { mockApi, ok, problem, testQueryClient } from '@/test/render';
import { MockNetworkError } from '@/test/taro-mock';
import { cashierPath, isRetryableFailure, leftForCashier, needsChannel, resultPath, useStartPayment } from './payOrder';

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={testQueryClient()}>{children}</QueryClientProvider>;
}

const body: CreatePaymentBody = { orderId: 'po_1', tenders: { balance: true, points: false, giftCards: [] }, channel: 'wechatpay', scene: 'mini' };

describe('payOrder helpers', () => {
  it('builds the result and cashier paths, carrying only a negative cue', () => {
    expect(resultPath('pay_1', 'po_1')).toBe('/pages/checkout/result?paymentId=pay_1&orderId=po_1');
    expect(resultPath('pay_1', 'po_1', 'submitted')).toBe('/pages/checkout/result?paymentId=pay_1&orderId=po_1');
    expect(resultPath('pay_1', 'po_1', 'cancelled')).toBe('/pages/checkout/result?paymentId=pay_1&orderId=po_1&outcome=cancelled');
    expect(cashierPath('o_1')).toBe('/pages/checkout/cashier?orderId=o_1');
  });

  it('knows which failures may succeed when sent again', () => {
    expect(isRetryableFailure(new ApiError({ code: 'NETWORK', status: 0 }))).toBe(true);
    expect(isRetryableFailure(new ApiError({ code: 'TIMEOUT', status: 0 }))).toBe(true);
    expect(isRetryableFailure(new ApiError({ code: 'INTERNAL', status: 500 }))).toBe(true);
    expect(isRetryableFailure(new ApiError({ code: 'IDEMPOTENCY_IN_PROGRESS', status: 409 }))).toBe(true);
    expect(isRetryableFailure(new ApiError({ code: 'ORDER_NOT_PAYABLE', status: 409 }))).toBe(false);
    expect(isRetryableFailure(new ApiError({ code: 'INSUFFICIENT_FUNDS', status: 409 }))).toBe(false);
  });

  it('only an H5 hand-over to a channel cashier means "do not navigate"', () => {
    const env = process.env.TARO_ENV;
    try {
      process.env.TARO_ENV = 'h5';
      expect(leftForCashier({ outcome: 'submitted' })).toBe(true);
      expect(leftForCashier({ outcome: 'submitted', viaChannel: false })).toBe(false);
      expect(leftForCashier({ outcome: 'failed' })).toBe(false);
      process.env.TARO_ENV = 'weapp';
      expect(leftForCashier({ outcome: 'submitted' })).toBe(false);
    } finally {
      process.env.TARO_ENV = env;
    }
  });

  it('a payment needs the channel only while paying with client parameters', () => {
    expect(needsChannel(payment())).toBe(true);
    expect(needsChannel(payment({ status: 'paid', clientParams: null, channel: null }))).toBe(false);
    expect(needsChannel(payment({ clientParams: null }))).toBe(false);
  });
});

describe('useStartPayment', () => {
  it('joins a second tap to the call in flight, and reuses the key after a network failure only', async () => {
    let fail: 'network' | 'definitive' | null = 'network';
    const calls = mockApi({
      'POST /api/payments': () => {
        if (fail === 'network') throw new MockNetworkError('offline');
        if (fail === 'definitive') return problem(409, 'INSUFFICIENT_FUNDS');
        return ok(payment(), 201);
      },
      'POST /sandbox/wechatpay/confirm': () => ok({ ok: true }),
    });
    const { result } = renderHook(() => useStartPayment(), { wrapper });
    const keysSent = () => calls.filter((c) => c.path === '/api/payments').map((c) => c.header['Idempotency-Key']);

    // Two taps at once: one request.
    await act(async () => {
      const a = result.current.start(body);
      const b = result.current.start(body);
      expect(b).toBe(a);
      await expect(a).rejects.toMatchObject({ code: 'NETWORK' });
    });
    expect(keysSent()).toHaveLength(1);

    // Retry after the network failure: same key.
    fail = 'definitive';
    await act(async () => {
      await expect(result.current.start(body)).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS', message: '余额、积分或礼品卡余额有变动，请重新选择' });
    });
    expect(keysSent()[1]).toBe(keysSent()[0]);

    // After a definitive answer, the next tap is a new intent; the channel part opens the adapter.
    fail = null;
    await act(async () => {
      const r = await result.current.start(body);
      expect(r).toMatchObject({ outcome: 'submitted', viaChannel: true });
      expect(r.payment.id).toBe('pay_1');
    });
    expect(keysSent()[2]).not.toBe(keysSent()[0]);
    expect(calls.filter((c) => c.path === '/api/payments')[2].body).toEqual(body);
    expect(Taro.showModal).toHaveBeenCalledTimes(1);

    // And after a success too.
    await act(async () => {
      await result.current.start(body);
    });
    expect(keysSent()[3]).not.toBe(keysSent()[2]);
  });

  it('a changed body after a network failure is a new intent with a new key', async () => {
    const calls = mockApi({ 'POST /api/payments': () => { throw new MockNetworkError('offline'); } });
    const { result } = renderHook(() => useStartPayment(), { wrapper });
    await act(async () => {
      await expect(result.current.start(body)).rejects.toMatchObject({ code: 'NETWORK' });
      await expect(result.current.start({ ...body, tenders: { balance: false, points: true, giftCards: [] } })).rejects.toMatchObject({ code: 'NETWORK' });
    });
    const sent = calls.map((c) => c.header['Idempotency-Key']);
    expect(sent).toHaveLength(2);
    expect(sent[1]).not.toBe(sent[0]);
  });

  it('a payment the internal tenders paid opens no adapter', async () => {
    mockApi({
      'POST /api/payments': () =>
        ok(payment({ status: 'paid', channel: null, channelAmount: 0, clientParams: null, tenders: [{ kind: 'balance', amount: 11750, points: null, giftCard: null }] }), 201),
    });
    const { result } = renderHook(() => useStartPayment(), { wrapper });
    await act(async () => {
      const r = await result.current.start({ ...body, channel: undefined });
      expect(r).toMatchObject({ outcome: 'submitted', viaChannel: false });
    });
    expect(Taro.showModal).not.toHaveBeenCalled();
  });
});
