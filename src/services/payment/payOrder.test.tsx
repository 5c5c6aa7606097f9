import { act, renderHook } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { ApiError } from '../http';
import { payment } from '../checkout/test-support';
import { mockApi, ok, problem, testQueryClient } from '@/test/render';
import { MockNetworkError } from '@/test/taro-mock';
import { isRetryableFailure, leftForCashier, resultPath, usePayOrder } from './payOrder';

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={testQueryClient()}>{children}</QueryClientProvider>;
}

describe('payOrder helpers', () => {
  it('builds the result page path, carrying only a negative cue', () => {
    expect(resultPath('pay_1', 'po_1')).toBe('/pages/checkout/result?paymentId=pay_1&orderId=po_1');
    expect(resultPath('pay_1', 'po_1', 'submitted')).toBe('/pages/checkout/result?paymentId=pay_1&orderId=po_1');
    expect(resultPath('pay_1', 'po_1', 'cancelled')).toBe('/pages/checkout/result?paymentId=pay_1&orderId=po_1&outcome=cancelled');
  });

  it('knows which failures may succeed when sent again', () => {
    expect(isRetryableFailure(new ApiError({ code: 'NETWORK', status: 0 }))).toBe(true);
    expect(isRetryableFailure(new ApiError({ code: 'TIMEOUT', status: 0 }))).toBe(true);
    expect(isRetryableFailure(new ApiError({ code: 'INTERNAL', status: 500 }))).toBe(true);
    expect(isRetryableFailure(new ApiError({ code: 'IDEMPOTENCY_IN_PROGRESS', status: 409 }))).toBe(true);
    expect(isRetryableFailure(new ApiError({ code: 'ORDER_NOT_PAYABLE', status: 409 }))).toBe(false);
    expect(isRetryableFailure(new ApiError({ code: 'OUT_OF_STOCK', status: 409 }))).toBe(false);
  });

  it('only an H5 hand-over to the cashier means "do not navigate"', () => {
    const env = process.env.TARO_ENV;
    try {
      process.env.TARO_ENV = 'h5';
      expect(leftForCashier({ outcome: 'submitted' })).toBe(true);
      expect(leftForCashier({ outcome: 'failed' })).toBe(false);
      process.env.TARO_ENV = 'weapp';
      expect(leftForCashier({ outcome: 'submitted' })).toBe(false);
    } finally {
      process.env.TARO_ENV = env;
    }
  });
});

describe('usePayOrder', () => {
  it('joins a second tap to the call in flight, and reuses the key after a network failure only', async () => {
    let fail: 'network' | 'definitive' | null = 'network';
    const calls = mockApi({
      'POST /api/payments': () => {
        if (fail === 'network') throw new MockNetworkError('offline');
        if (fail === 'definitive') return problem(409, 'ORDER_NOT_PAYABLE');
        return ok(payment(), 201);
      },
      'POST /sandbox/pay/PN1/confirm': () => ok({ ok: true }),
    });
    const { result } = renderHook(() => usePayOrder(), { wrapper });
    const keysSent = () => calls.filter((c) => c.path === '/api/payments').map((c) => c.header['Idempotency-Key']);

    // Two taps at once: one request.
    await act(async () => {
      const a = result.current.start('po_1');
      const b = result.current.start('po_1');
      expect(b).toBe(a);
      await expect(a).rejects.toMatchObject({ code: 'NETWORK' });
    });
    expect(keysSent()).toHaveLength(1);

    // Retry after the network failure: same key.
    fail = 'definitive';
    await act(async () => {
      await expect(result.current.start('po_1')).rejects.toMatchObject({ code: 'ORDER_NOT_PAYABLE' });
    });
    expect(keysSent()[1]).toBe(keysSent()[0]);

    // After a definitive answer, the next tap is a new intent.
    fail = null;
    await act(async () => {
      const r = await result.current.start('po_1');
      expect(r.outcome).toBe('submitted');
      expect(r.payment.id).toBe('pay_1');
    });
    expect(keysSent()[2]).not.toBe(keysSent()[0]);
    expect(Taro.showModal).toHaveBeenCalledTimes(1);

    // And after a success too.
    await act(async () => {
      await result.current.start('po_1');
    });
    expect(keysSent()[3]).not.toBe(keysSent()[2]);
  });
});
