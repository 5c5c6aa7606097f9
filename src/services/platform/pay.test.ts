import type { Payment } from '@contract';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { pay } from './pay';
import { h5PageUrl, payInSandboxRedirect } from './sandbox-pay';

const payment: Payment = {
  id: 'pay_1',
  orderId: 'po_1',
  channel: 'sandbox',
  amount: 12345,
  status: 'paying',
  expiresAt: Date.now() + 60_000,
  paidAt: null,
  clientParams: { cashierUrl: '/sandbox/pay/PN1', paymentNo: 'PN1' },
};

describe('sandbox pay adapter (mini-programs)', () => {
  it('confirms in a modal and posts the confirmation to the sandbox', async () => {
    const calls = mockApi({ 'POST /sandbox/pay/PN1/confirm': () => ok({ ok: true }) });
    await expect(pay(payment, { returnPath: '/pages/checkout/result?paymentId=pay_1' })).resolves.toEqual({ outcome: 'submitted' });
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '沙箱支付 ¥123.45' }));
    expect(calls).toHaveLength(1);
    expect(calls[0].header['Idempotency-Key']).toBeTruthy();
    expect(calls[0].body).toEqual({});
  });

  it('a cancelled modal cancels at the sandbox and reports cancelled', async () => {
    taroMock.setModalResult(false);
    const calls = mockApi({ 'POST /sandbox/pay/PN1/cancel': () => ok({ ok: true }) });
    await expect(pay(payment, { returnPath: '/x' })).resolves.toEqual({ outcome: 'cancelled' });
    expect(calls.map((c) => c.path)).toEqual(['/sandbox/pay/PN1/cancel']);
  });

  it('a refused confirmation reports failed with the message', async () => {
    mockApi({ 'POST /sandbox/pay/PN1/confirm': () => problem(409, 'PAYMENT_EXPIRED') });
    await expect(pay(payment, { returnPath: '/x' })).resolves.toEqual({ outcome: 'failed', message: '支付已超时' });
  });
});

describe('sandbox pay adapter (H5)', () => {
  it('leaves for the hosted cashier with the return URL of the result page', async () => {
    const navigate = jest.fn();
    const result = await payInSandboxRedirect(payment, { returnPath: '/pages/checkout/result?paymentId=pay_1' }, navigate);
    expect(result).toEqual({ outcome: 'submitted' });
    const back = `${window.location.origin}${window.location.pathname}#/pages/checkout/result?paymentId=pay_1`;
    expect(navigate).toHaveBeenCalledWith(`/sandbox/pay/PN1?return=${encodeURIComponent(back)}`);
  });

  it('builds hash-router URLs', () => {
    expect(h5PageUrl('pages/orders/index', { origin: 'http://a.test', pathname: '/' })).toBe('http://a.test/#/pages/orders/index');
  });
});
