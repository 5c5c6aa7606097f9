import type { ClientParams, Payment } from '@contract';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { pay as payFallback } from './pay';
import { pay as payAlipay, tradePayResultCode } from './pay.alipay';
import { payH5, wechatH5Url } from './pay.h5';
import { pay as payTt, type TtPayApi } from './pay.tt';
import { pay as payWeapp } from './pay.weapp';
import { h5PageUrl } from './nav';
import { channelSandboxRef } from './sandbox-pay';

function payment(clientParams: ClientParams | null, over: Partial<Payment> = {}): Payment {
  const channel: Payment['channel'] =
    clientParams === null ? null
      : clientParams.kind.startsWith('wechatpay') ? 'wechatpay'
        : clientParams.kind.startsWith('alipay') ? 'alipay'
          : clientParams.kind === 'douyin_order' ? 'douyin' : 'sandbox';
  return {
    id: 'pay_1',
    orderId: 'po_1',
    amount: 12345,
    status: 'paying',
    tenders: [
      { kind: 'balance', amount: 2345, points: null, giftCard: null },
      { kind: 'channel', amount: 10000, points: null, giftCard: null },
    ],
    channel,
    channelAmount: 10000,
    expiresAt: Date.now() + 60_000,
    paidAt: null,
    endReason: null,
    clientParams,
    ...over,
  };
}

const jsapi: ClientParams = { kind: 'wechatpay_jsapi', appId: 'wx1', timeStamp: '1700000000', nonceStr: 'abc', package: 'prepay_id=wx201410272009395522657a690389285100', signType: 'RSA', paySign: 'U0lHTg==' };
const trade: ClientParams = { kind: 'alipay_trade', tradeNO: '2026112222001400000001' };
const douyin: ClientParams = { kind: 'douyin_order', data: JSON.stringify({ skuList: [], outOrderNo: 'PAY_OUT_1', totalAmount: 10000 }), byteAuthorization: 'SHA256-RSA2048 appid=tt1,nonce_str=n,timestamp=1,key_version=1,signature=s' };
const sandboxParams: ClientParams = { kind: 'sandbox', cashierUrl: '/sandbox/pay/PN1', paymentNo: 'PN1' };
const RETURN = '/pages/checkout/result?paymentId=pay_1&orderId=po_1';

const taro = Taro as unknown as Record<string, jest.Mock | undefined>;
let env: string | undefined;
beforeEach(() => {
  env = process.env.TARO_APP_SANDBOX;
});
afterEach(() => {
  process.env.TARO_APP_SANDBOX = env as '0' | '1';
  delete taro.requestPayment;
  delete taro.tradePay;
  delete (globalThis as { tt?: unknown }).tt;
});
const release = () => {
  process.env.TARO_APP_SANDBOX = '0';
};
const sandbox = () => {
  process.env.TARO_APP_SANDBOX = '1';
};

describe('the channel sandbox reference', () => {
  it('is the prepay id, the trade number, or the Douyin outOrderNo', () => {
    expect(channelSandboxRef(jsapi)).toBe('wx201410272009395522657a690389285100');
    expect(channelSandboxRef(trade)).toBe('2026112222001400000001');
    expect(channelSandboxRef(douyin)).toBe('PAY_OUT_1');
    expect(channelSandboxRef({ ...douyin, data: 'not json' } as ClientParams)).toBeNull();
    expect(channelSandboxRef(sandboxParams)).toBeNull();
  });
});

describe('weapp: WeChat Pay JSAPI', () => {
  it('calls requestPayment with the signed fields', async () => {
    release();
    taro.requestPayment = jest.fn(() => Promise.resolve({ errMsg: 'requestPayment:ok' }));
    await expect(payWeapp(payment(jsapi), { returnPath: RETURN })).resolves.toEqual({ outcome: 'submitted' });
    expect(taro.requestPayment).toHaveBeenCalledWith({
      timeStamp: '1700000000',
      nonceStr: 'abc',
      package: 'prepay_id=wx201410272009395522657a690389285100',
      signType: 'RSA',
      paySign: 'U0lHTg==',
    });
    expect(Taro.showModal).not.toHaveBeenCalled();
  });

  it('a cancel is a cancel; any other failure is a failure', async () => {
    release();
    taro.requestPayment = jest.fn(() => Promise.reject({ errMsg: 'requestPayment:fail cancel' }));
    await expect(payWeapp(payment(jsapi), { returnPath: RETURN })).resolves.toEqual({ outcome: 'cancelled' });
    taro.requestPayment = jest.fn(() => Promise.reject({ errMsg: 'requestPayment:fail system error' }));
    await expect(payWeapp(payment(jsapi), { returnPath: RETURN })).resolves.toMatchObject({ outcome: 'failed' });
  });

  it('in a sandbox build confirms in-app and tells the WeChat Pay sandbox the prepay id', async () => {
    sandbox();
    taro.requestPayment = jest.fn();
    const calls = mockApi({ 'POST /sandbox/wechatpay/confirm': () => ok({ ok: true }) });
    await expect(payWeapp(payment(jsapi), { returnPath: RETURN })).resolves.toEqual({ outcome: 'submitted' });
    expect(taro.requestPayment).not.toHaveBeenCalled();
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '沙箱 · 微信支付', content: '沙箱支付 ¥100.00' }));
    expect(calls).toHaveLength(1);
    expect(calls[0].body).toEqual({ ref: 'wx201410272009395522657a690389285100', action: 'pay' });
  });

  it('a kind this platform cannot open fails with a message', async () => {
    release();
    await expect(payWeapp(payment(trade), { returnPath: RETURN })).resolves.toEqual({ outcome: 'failed', message: '当前环境不支持该支付方式' });
  });
});

describe('alipay: tradePay', () => {
  it('calls tradePay with the trade number; 9000 is a cue, 6001 a cancel', async () => {
    release();
    taro.tradePay = jest.fn(() => Promise.resolve({ resultCode: '9000' }));
    await expect(payAlipay(payment(trade), { returnPath: RETURN })).resolves.toEqual({ outcome: 'submitted' });
    expect(taro.tradePay).toHaveBeenCalledWith({ tradeNO: '2026112222001400000001' });

    taro.tradePay = jest.fn(() => Promise.resolve({ resultCode: '6001' }));
    await expect(payAlipay(payment(trade), { returnPath: RETURN })).resolves.toEqual({ outcome: 'cancelled' });
    taro.tradePay = jest.fn(() => Promise.resolve({ response: { resultCode: 4000 } }));
    await expect(payAlipay(payment(trade), { returnPath: RETURN })).resolves.toMatchObject({ outcome: 'failed' });
    // "Unknown, maybe paid": let the server say.
    taro.tradePay = jest.fn(() => Promise.resolve({ resultCode: '8000' }));
    await expect(payAlipay(payment(trade), { returnPath: RETURN })).resolves.toEqual({ outcome: 'submitted' });
  });

  it('reads resultCode at the top level or under response', () => {
    expect(tradePayResultCode({ resultCode: '9000' })).toBe('9000');
    expect(tradePayResultCode({ response: { resultCode: 6001 } })).toBe('6001');
    expect(tradePayResultCode(null)).toBe('');
  });

  it('in a sandbox build a cancelled confirmation tells the Alipay sandbox to cancel', async () => {
    sandbox();
    taroMock.setModalResult(false);
    const calls = mockApi({ 'POST /sandbox/alipay/confirm': () => ok({ ok: true }) });
    await expect(payAlipay(payment(trade), { returnPath: RETURN })).resolves.toEqual({ outcome: 'cancelled' });
    expect(calls.map((c) => c.body)).toEqual([{ ref: '2026112222001400000001', action: 'cancel' }]);
  });
});

describe('tt: Douyin general trade', () => {
  function installTt(over: Partial<TtPayApi> = {}) {
    const api = {
      canIUse: jest.fn(() => true),
      requestOrder: jest.fn((o: Parameters<TtPayApi['requestOrder']>[0]) => o.success?.({ orderId: 'DY_ORDER_1' })),
      getOrderPayment: jest.fn((o: Parameters<TtPayApi['getOrderPayment']>[0]) => o.success?.({})),
      ...over,
    };
    (globalThis as { tt?: unknown }).tt = api;
    return api;
  }

  it('creates the Douyin order from the signed data, then opens its payment', async () => {
    release();
    const api = installTt();
    await expect(payTt(payment(douyin), { returnPath: RETURN })).resolves.toEqual({ outcome: 'submitted' });
    expect(api.requestOrder).toHaveBeenCalledWith(expect.objectContaining({ data: douyin.kind === 'douyin_order' ? douyin.data : '', byteAuthorization: 'SHA256-RSA2048 appid=tt1,nonce_str=n,timestamp=1,key_version=1,signature=s' }));
    expect(api.getOrderPayment).toHaveBeenCalledWith(expect.objectContaining({ orderId: 'DY_ORDER_1' }));
    expect(api.canIUse).toHaveBeenCalledWith('requestOrder');
    expect(api.canIUse).toHaveBeenCalledWith('getOrderPayment');
  });

  it('a host without requestOrder asks to upgrade; a cancel in the cashier is a cancel', async () => {
    release();
    const old = installTt({ canIUse: jest.fn((name: string) => name !== 'requestOrder') });
    await expect(payTt(payment(douyin), { returnPath: RETURN })).resolves.toEqual({ outcome: 'failed', message: '当前版本不支持支付，请升级到最新版本后重试' });
    expect(old.requestOrder).not.toHaveBeenCalled();

    installTt({ getOrderPayment: jest.fn((o: Parameters<TtPayApi['getOrderPayment']>[0]) => o.fail?.({ errMsg: 'getOrderPayment:fail cancel', errNo: 1 })) });
    await expect(payTt(payment(douyin), { returnPath: RETURN })).resolves.toEqual({ outcome: 'cancelled' });
  });

  it('in a sandbox build creates the order at the sandbox’s requestOrder stand-in, then confirms the outOrderNo', async () => {
    sandbox();
    const api = installTt();
    const calls = mockApi({
      'POST /sandbox/douyin/client/requestOrder': () => ok({ err_no: 0, err_tips: 'success', data: { orderId: 'ot1', outOrderNo: 'PAY_OUT_1' } }),
      'POST /sandbox/douyin/confirm': () => ok({ ok: true }),
    });
    await expect(payTt(payment(douyin), { returnPath: RETURN })).resolves.toEqual({ outcome: 'submitted' });
    expect(api.requestOrder).not.toHaveBeenCalled();
    expect(calls.map((c) => [c.path, c.body])).toEqual([
      ['/sandbox/douyin/client/requestOrder', { data: douyin.kind === 'douyin_order' ? douyin.data : '', byteAuthorization: 'SHA256-RSA2048 appid=tt1,nonce_str=n,timestamp=1,key_version=1,signature=s' }],
      ['/sandbox/douyin/confirm', { ref: 'PAY_OUT_1', action: 'pay' }],
    ]);
  });

  it('a refused sandbox order or confirmation reports failed with a message', async () => {
    sandbox();
    const calls = mockApi({ 'POST /sandbox/douyin/client/requestOrder': () => ({ statusCode: 400, data: { err_no: 10002, err_tips: 'bad signature', data: null } }) });
    await expect(payTt(payment(douyin), { returnPath: RETURN })).resolves.toMatchObject({ outcome: 'failed' });
    expect(calls.map((c) => c.path)).toEqual(['/sandbox/douyin/client/requestOrder']);
    expect(Taro.showModal).not.toHaveBeenCalled();

    mockApi({
      'POST /sandbox/douyin/client/requestOrder': () => ok({ err_no: 0, err_tips: 'success', data: { orderId: 'ot1', outOrderNo: 'PAY_OUT_1' } }),
      'POST /sandbox/douyin/confirm': () => problem(409, 'PAYMENT_EXPIRED'),
    });
    await expect(payTt(payment(douyin), { returnPath: RETURN })).resolves.toEqual({ outcome: 'failed', message: '支付已超时' });
  });
});

describe('h5: the channel web cashier', () => {
  const back = `${window.location.origin}${window.location.pathname}#${RETURN}`;

  it('opens Alipay wap pay at its gateway URL', async () => {
    const navigate = jest.fn();
    await expect(payH5(payment({ kind: 'alipay_wap', payUrl: 'https://openapi.alipay.test/gateway.do?x=1' }), { returnPath: RETURN }, navigate)).resolves.toEqual({ outcome: 'submitted' });
    expect(navigate).toHaveBeenCalledWith('https://openapi.alipay.test/gateway.do?x=1');
  });

  it('opens WeChat Pay H5 with a redirect_url back to the result page', async () => {
    const navigate = jest.fn();
    await payH5(payment({ kind: 'wechatpay_h5', h5Url: 'https://wx.tenpay.test/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1&package=2' }), { returnPath: RETURN }, navigate);
    expect(navigate).toHaveBeenCalledWith(`https://wx.tenpay.test/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1&package=2&redirect_url=${encodeURIComponent(back)}`);
    expect(wechatH5Url('/sandbox/wechatpay/h5/P1', 'http://a/#/x')).toBe(`/sandbox/wechatpay/h5/P1?redirect_url=${encodeURIComponent('http://a/#/x')}`);
    // The server's own redirect_url wins.
    expect(wechatH5Url('/sandbox/wechatpay/checkmweb?prepay_id=1&redirect_url=x', 'http://a/#/x')).toBe('/sandbox/wechatpay/checkmweb?prepay_id=1&redirect_url=x');
  });

  it('opens the local sandbox cashier with the return URL', async () => {
    const navigate = jest.fn();
    await payH5(payment(sandboxParams), { returnPath: RETURN }, navigate);
    expect(navigate).toHaveBeenCalledWith(`/sandbox/pay/PN1?return=${encodeURIComponent(back)}`);
  });

  it('never opens a mini-program kind, and builds hash-router URLs', async () => {
    const navigate = jest.fn();
    await expect(payH5(payment(jsapi), { returnPath: RETURN }, navigate)).resolves.toMatchObject({ outcome: 'failed' });
    expect(navigate).not.toHaveBeenCalled();
    expect(h5PageUrl('pages/orders/index', { origin: 'http://a.test', pathname: '/' })).toBe('http://a.test/#/pages/orders/index');
  });
});

describe('fallback adapter (other hosts)', () => {
  it('confirms the local sandbox channel in a modal and posts to its cashier', async () => {
    const calls = mockApi({ 'POST /sandbox/pay/PN1/confirm': () => ok({ ok: true }) });
    await expect(payFallback(payment(sandboxParams), { returnPath: RETURN })).resolves.toEqual({ outcome: 'submitted' });
    expect(calls.map((c) => c.path)).toEqual(['/sandbox/pay/PN1/confirm']);
    expect(calls[0].header['Idempotency-Key']).toBeTruthy();
  });

  it('a cancelled modal cancels at the local sandbox', async () => {
    taroMock.setModalResult(false);
    const calls = mockApi({ 'POST /sandbox/pay/PN1/cancel': () => ok({ ok: true }) });
    await expect(payFallback(payment(sandboxParams), { returnPath: RETURN })).resolves.toEqual({ outcome: 'cancelled' });
    expect(calls.map((c) => c.path)).toEqual(['/sandbox/pay/PN1/cancel']);
  });
});
