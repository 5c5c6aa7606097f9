import { generateKeyPairSync } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { startAlipayHarness, type AlipayHarness, type ReceivedNotification } from '../../standins/channels/alipay/harness';
import { rsa2Sign, verifyParams } from '../../infra/alipay';
import { ChannelError, NotificationRejected, notifyAnswer, type VerifiedNotification } from '../../channels/types';
import { createAlipayAdapter } from '../../channels/alipay/adapter';
import { alipaySandboxKeys } from '../../channels/alipay/sandbox-keys';
import { cstTime, notifySignContent } from '../../channels/alipay/wire';

/**
 * The adapter against the Alipay gateway stand-in over real HTTP: prepay in both scenes, paying
 * through the confirm endpoint and the wap cashier page, the signed notification arriving and
 * verifying, query, close, refunds, every way a notification must be refused, and cross-checks
 * with alipay-sdk independently of the adapter's code path.
 */
let h: AlipayHarness;
let seq = 0;
const paymentNo = () => `pay_A${Date.now().toString(36).toUpperCase()}${(seq++).toString().padStart(4, '0')}`;
const keys = alipaySandboxKeys();
const BUYER = '2088102000000099';

beforeAll(async () => {
  h = await startAlipayHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.faults.clear();
  h.refuse.clear();
  h.accept = () => true;
});

const mini = (no: string, amount = 100) => ({ paymentNo: no, amount, description: '沙箱测试商品', expiresAt: Date.now() + 15 * 60_000, scene: 'mini' as const, payerId: BUYER });

async function confirm(ref: string, action: 'pay' | 'cancel' = 'pay') {
  const res = await fetch(`${h.baseUrl}/sandbox/alipay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref, action }) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
}

async function trade(no: string) {
  const res = await fetch(`${h.baseUrl}/sandbox/alipay/trades/${no}`);
  return (await res.json()) as Record<string, unknown>;
}

async function prepayMini(no: string, amount = 100): Promise<string> {
  const params = await h.adapter.prepay(mini(no, amount));
  if (params.kind !== 'alipay_trade') throw new Error(`unexpected ${params.kind}`);
  return params.tradeNO;
}

const verifiedFor = (no: string, status: 'SUCCESS' | 'CLOSED' = 'SUCCESS') => (r: ReceivedNotification) =>
  r.result.ok && r.result.notification.kind === 'payment' && r.result.notification.paymentNo === no && r.result.notification.status === status;

function verified(r: ReceivedNotification): VerifiedNotification {
  if (!r.result.ok) throw new Error(`rejected: ${r.result.reason}`);
  return r.result.notification;
}

async function paid(no: string, amount = 100) {
  const tradeNo = await prepayMini(no, amount);
  expect((await confirm(tradeNo)).status).toBe(200);
  return { tradeNo, received: await h.waitFor(verifiedFor(no)) };
}

/** A notification body signed with `key` over Alipay's notification content. */
function notificationBody(fields: Record<string, string>, key = keys.alipayPrivateKey): string {
  const params: Record<string, string> = {
    notify_time: cstTime(Date.now()),
    notify_type: 'trade_status_sync',
    notify_id: `n${Date.now()}${seq++}`,
    app_id: keys.appId,
    charset: 'utf-8',
    version: '1.0',
    sign_type: 'RSA2',
    trade_no: '2026010122001400000000000001',
    out_trade_no: 'pay_handmade',
    trade_status: 'TRADE_SUCCESS',
    total_amount: '12.34',
    seller_id: keys.sellerId,
    gmt_payment: '2026-01-01 12:00:00',
    ...fields,
  };
  params.sign = rsa2Sign(notifySignContent(params), key);
  return new URLSearchParams(params).toString();
}

const verify = (rawBody: string, now?: number) => h.adapter.verifyNotification({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody }, now);
const rejection = (rawBody: string, now?: number): string => {
  try {
    verify(rawBody, now);
  } catch (err) {
    if (err instanceof NotificationRejected) return err.reason;
    throw err;
  }
  throw new Error('accepted');
};

describe('prepay', () => {
  it('mini-program: alipay.trade.create (JSAPI_PAY) answers the trade_no for my.tradePay', async () => {
    const no = paymentNo();
    const tradeNo = await prepayMini(no, 1234);
    expect(tradeNo).toMatch(/^\d{8}22001\d{15}$/);
    expect(await trade(no)).toMatchObject({
      tradeNo,
      outTradeNo: no,
      productCode: 'JSAPI_PAY',
      totalAmount: 1234,
      status: 'WAIT_BUYER_PAY',
      buyerId: BUYER,
      appId: keys.appId,
      sellerId: keys.sellerId,
      notifyUrl: `${h.baseUrl}/notify/alipay`,
    });
    expect(await h.adapter.query(no)).toEqual({ state: 'unpaid', tradeNo, amount: 0, paidAt: null });
  });

  it('an open_id payer goes as buyer_open_id', async () => {
    const no = paymentNo();
    await h.adapter.prepay({ ...mini(no), payerId: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5' });
    expect(await trade(no)).toMatchObject({ buyerId: null, buyerOpenId: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5' });
  });

  it('the same parameters again name the same trade; changed parameters are refused', async () => {
    const no = paymentNo();
    const first = await prepayMini(no);
    expect(await prepayMini(no)).toBe(first);
    await expect(h.adapter.prepay(mini(no, 101))).rejects.toMatchObject({ name: 'ChannelError', channel: 'alipay', channelCode: 'ACQ.CONTEXT_INCONSISTENT' });
  });

  it('a paid trade cannot be created again', async () => {
    const no = paymentNo();
    await paid(no);
    await expect(h.adapter.prepay(mini(no))).rejects.toMatchObject({ channelCode: 'ACQ.TRADE_HAS_SUCCESS' });
  });

  it('a mini-program payment without the buyer id is refused before calling', async () => {
    await expect(h.adapter.prepay({ ...mini(paymentNo()), payerId: undefined })).rejects.toBeInstanceOf(ChannelError);
  });

  it('H5: the pay URL is the signed alipay.trade.wap.pay gateway link; the cashier page pays, redirects with signed return parameters and notifies', async () => {
    const no = paymentNo();
    const returnUrl = `${h.baseUrl}/#/pages/checkout/result?paymentId=${no}`;
    const params = await h.adapter.prepay({ paymentNo: no, amount: 2345, description: 'H5 订单 + 50% 优惠', expiresAt: Date.now() + 600_000, scene: 'h5', returnUrl });
    expect(params.kind).toBe('alipay_wap');
    if (params.kind !== 'alipay_wap') return;
    const url = new URL(params.payUrl);
    expect(`${url.origin}${url.pathname}`).toBe(h.config.gateway);
    const signed = Object.fromEntries(url.searchParams);
    expect(signed).toMatchObject({ method: 'alipay.trade.wap.pay', app_id: keys.appId, sign_type: 'RSA2', charset: 'utf-8', return_url: returnUrl, notify_url: `${h.baseUrl}/notify/alipay` });
    expect(JSON.parse(signed.biz_content)).toMatchObject({ out_trade_no: no, total_amount: '23.45', product_code: 'QUICK_WAP_WAY', quit_url: returnUrl });
    // Signed with the app key over the sorted parameters (independently of the SDK).
    expect(verifyParams(signed, keys.appPublicKey)).toBe(true);

    const page = await fetch(params.payUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('¥23.45');
    expect(html).toContain('H5 订单 + 50% 优惠');
    expect(html).toMatch(/<button id="sandbox-pay-confirm"[^>]*>确认支付<\/button>/);
    expect(html).toMatch(/<button id="sandbox-pay-cancel"[^>]*>取消支付<\/button>/);
    expect(html).not.toMatch(/<(script|link|img)\b/);
    const action = /<form method="post" action="([^"]+)"><button id="sandbox-pay-confirm"/.exec(html)?.[1];
    expect(action).toBeDefined();

    const res = await fetch(`${h.baseUrl}${action}`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location') ?? '';
    expect(location.endsWith(`#/pages/checkout/result?paymentId=${no}`)).toBe(true);
    const back = Object.fromEntries(new URL(location).searchParams);
    expect(back).toMatchObject({ method: 'alipay.trade.wap.pay.return', out_trade_no: no, total_amount: '23.45', seller_id: keys.sellerId });
    const sdk = new AlipaySdk({ appId: keys.appId, privateKey: keys.appPrivateKey, keyType: 'PKCS8', alipayPublicKey: keys.alipayPublicKey });
    expect(sdk.checkNotifySignV2(back)).toBe(true);

    const n = verified(await h.waitFor(verifiedFor(no)));
    expect(n).toMatchObject({ kind: 'payment', paymentNo: no, amount: 2345, status: 'SUCCESS', appId: keys.appId, merchantNo: keys.sellerId, tradeNo: back.trade_no });
    expect(await trade(no)).toMatchObject({ productCode: 'QUICK_WAP_WAY', status: 'TRADE_SUCCESS', buyerId: '2088102000000001' });
  });

  it('H5: cancelling in the cashier closes the trade, notifies TRADE_CLOSED and goes back to quit_url', async () => {
    const no = paymentNo();
    const returnUrl = `${h.baseUrl}/#/pages/checkout/result?paymentId=${no}`;
    const params = await h.adapter.prepay({ paymentNo: no, amount: 500, description: '取消测试', expiresAt: Date.now() + 600_000, scene: 'h5', returnUrl });
    if (params.kind !== 'alipay_wap') throw new Error(params.kind);
    const html = await (await fetch(params.payUrl)).text();
    const action = /<form method="post" action="([^"]+)"><button id="sandbox-pay-cancel"/.exec(html)?.[1];
    const res = await fetch(`${h.baseUrl}${action}`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(returnUrl);
    const n = verified(await h.waitFor(verifiedFor(no, 'CLOSED')));
    expect(n).toMatchObject({ kind: 'payment', status: 'CLOSED', amount: 500, paidAt: null });
    expect((await h.adapter.query(no)).state).toBe('closed');
  });

  it('H5 without a return URL in the input uses ALIPAY_RETURN_URL', async () => {
    const params = await h.adapter.prepay({ paymentNo: paymentNo(), amount: 1, description: 'x', expiresAt: Date.now() + 600_000, scene: 'h5' });
    if (params.kind !== 'alipay_wap') throw new Error(params.kind);
    expect(new URL(params.payUrl).searchParams.get('return_url')).toBe(`${h.baseUrl}/`);
  });
});

describe('pay, notify, query', () => {
  it('paying through the confirm endpoint sends a signed notification that verifies and is acknowledged with "success"', async () => {
    const no = paymentNo();
    const before = Date.now();
    const { tradeNo, received } = await paid(no, 4321);
    const n = verified(received);
    expect(n).toMatchObject({ kind: 'payment', paymentNo: no, tradeNo, amount: 4321, status: 'SUCCESS', appId: keys.appId, merchantNo: keys.sellerId });
    if (n.kind !== 'payment') return;
    expect(n.paidAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(n.notificationId).toMatch(/^[0-9a-f]{32}$/);
    expect(received.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    const q = await h.adapter.query(no);
    expect(q).toMatchObject({ state: 'paid', tradeNo, amount: 4321 });
    expect(q.paidAt).toBe(n.paidAt);
    for (const notifier of h.notifiers) await notifier.settle();
    const deliveries = h.notifiers.flatMap((x) => x.deliveries).filter((d) => d.acked);
    expect(deliveries.length).toBeGreaterThan(0);
    // Paying again is idempotent.
    expect((await confirm(tradeNo)).body).toEqual({ ok: true, paymentNo: no });
  });

  it('an unacknowledged notification is sent again on the (compressed) retry schedule with a fresh notify_id and time', async () => {
    const no = paymentNo();
    h.refuse.add(no);
    const tradeNo = await prepayMini(no);
    await confirm(tradeNo);
    await h.waitFor((r) => r.result.ok && r.result.notification.paymentNo === no && h.received.filter((x) => x.result.ok && x.result.notification.paymentNo === no).length >= 3);
    h.refuse.delete(no);
    const all = h.received.filter((x) => x.result.ok && x.result.notification.paymentNo === no).map((x) => verified(x).notificationId);
    expect(new Set(all).size).toBe(all.length);
  });

  it('query of a trade Alipay does not know answers closed', async () => {
    expect(await h.adapter.query(paymentNo())).toEqual({ state: 'closed', tradeNo: null, amount: 0, paidAt: null });
  });
});

describe('close', () => {
  it('closes an open trade; the buyer can no longer pay it; closing again is fine', async () => {
    const no = paymentNo();
    const tradeNo = await prepayMini(no);
    await h.adapter.close(no);
    expect((await h.adapter.query(no)).state).toBe('closed');
    const res = await confirm(tradeNo);
    expect(res.status).toBe(409);
    expect(res.contentType).toMatch(/application\/problem\+json/);
    await expect(h.adapter.close(no)).resolves.toBeUndefined();
  });

  it('closing a paid trade fails', async () => {
    const no = paymentNo();
    await paid(no);
    await expect(h.adapter.close(no)).rejects.toMatchObject({ name: 'ChannelError', channelCode: 'ACQ.TRADE_STATUS_ERROR' });
    expect((await h.adapter.query(no)).state).toBe('paid');
  });

  it('a wap trade whose cashier was never opened does not exist yet: closing it succeeds', async () => {
    const no = paymentNo();
    await h.adapter.prepay({ paymentNo: no, amount: 1, description: 'x', expiresAt: Date.now() + 600_000, scene: 'h5' });
    await expect(h.adapter.close(no)).resolves.toBeUndefined();
  });
});

describe('refund', () => {
  it('refunds; a retry with the same refund number answers the same refund and never refunds twice', async () => {
    const no = paymentNo();
    await paid(no, 1000);
    const input = { paymentNo: no, refundNo: `rf_${no}_1`, amount: 300, total: 1000, reason: '七天无理由' };
    expect(await h.adapter.refund(input)).toEqual({ state: 'succeeded', channelRefundId: null });
    expect(await h.adapter.refund(input)).toEqual({ state: 'succeeded', channelRefundId: null });
    expect(await h.adapter.refund(input)).toEqual({ state: 'succeeded', channelRefundId: null });
    expect(await trade(no)).toMatchObject({ refundedAmount: 300, status: 'TRADE_SUCCESS' });
    expect((await trade(no)).refunds).toHaveLength(1);
    expect(await h.adapter.queryRefund(no, input.refundNo)).toEqual({ state: 'succeeded', channelRefundId: null });
    // Same number, other amount: refused.
    await expect(h.adapter.refund({ ...input, amount: 301 })).rejects.toMatchObject({ channelCode: 'ACQ.CONTEXT_INCONSISTENT' });
    // More than what is left: refused.
    await expect(h.adapter.refund({ ...input, refundNo: `rf_${no}_2`, amount: 701 })).rejects.toMatchObject({ channelCode: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' });
    expect((await h.adapter.query(no)).state).toBe('paid');
    // The rest: the trade is fully refunded (TRADE_CLOSED with a payment date).
    expect(await h.adapter.refund({ ...input, refundNo: `rf_${no}_3`, amount: 700 })).toEqual({ state: 'succeeded', channelRefundId: null });
    expect(await h.adapter.query(no)).toMatchObject({ state: 'refunded', amount: 1000 });
    expect(await trade(no)).toMatchObject({ refundedAmount: 1000, status: 'TRADE_CLOSED' });
    // A replay after the trade closed still answers the same refund.
    expect(await h.adapter.refund(input)).toEqual({ state: 'succeeded', channelRefundId: null });
    expect((await trade(no)).refundedAmount).toBe(1000);
  });

  it('a refund Alipay does not know is unknown, not failed (sending it with the same number is safe); refunding an unpaid trade fails', async () => {
    const no = paymentNo();
    await prepayMini(no);
    await expect(h.adapter.queryRefund(no, 'rf_none')).rejects.toMatchObject({ channelCode: 'REFUND_NOT_FOUND' });
    await expect(h.adapter.refund({ paymentNo: no, refundNo: 'rf_x', amount: 1, total: 100, reason: 'x' })).rejects.toMatchObject({ channelCode: 'ACQ.TRADE_STATUS_ERROR' });
    await expect(h.adapter.queryRefund(paymentNo(), 'rf_none')).rejects.toMatchObject({ channelCode: 'ACQ.TRADE_NOT_EXIST' });
  });

  it('business refusals of a refund are permanent; an unknown refund and transport failures are not', async () => {
    const no = paymentNo();
    await paid(no, 1000);
    const input = { paymentNo: no, refundNo: `rf_${no}_1`, amount: 300, total: 1000, reason: '七天无理由' };
    expect(await h.adapter.refund(input)).toEqual({ state: 'succeeded', channelRefundId: null });
    await expect(h.adapter.refund({ ...input, amount: 301 })).rejects.toMatchObject({ channelCode: 'ACQ.CONTEXT_INCONSISTENT', permanent: true });
    await expect(h.adapter.refund({ ...input, refundNo: `rf_${no}_2`, amount: 701 })).rejects.toMatchObject({ channelCode: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', permanent: true });
    // The trade closes when fully refunded; a new refund of it is refused for good.
    expect(await h.adapter.refund({ ...input, refundNo: `rf_${no}_3`, amount: 700 })).toEqual({ state: 'succeeded', channelRefundId: null });
    await expect(h.adapter.refund({ ...input, refundNo: `rf_${no}_4`, amount: 1 })).rejects.toMatchObject({ channelCode: 'ACQ.TRADE_HAS_CLOSE', permanent: true });
    const unpaid = paymentNo();
    await prepayMini(unpaid);
    await expect(h.adapter.refund({ paymentNo: unpaid, refundNo: 'rf_x', amount: 1, total: 100, reason: 'x' })).rejects.toMatchObject({ channelCode: 'ACQ.TRADE_STATUS_ERROR', permanent: true });
    // Not refusals: the query of an unknown refund, and a gateway that cannot be reached.
    await expect(h.adapter.queryRefund(no, 'rf_none')).rejects.toMatchObject({ channelCode: 'REFUND_NOT_FOUND', permanent: false });
    const down = createAlipayAdapter(h.config, { fetchImpl: async () => new Response('oops', { status: 502 }) });
    await expect(down.refund(input)).rejects.toMatchObject({ permanent: false });
  });
});

describe('verifyNotification refuses', () => {
  let genuine: string;
  beforeAll(async () => {
    const no = paymentNo();
    genuine = (await paid(no, 888)).received.rawBody;
  });

  it('a tampered body', () => {
    expect(verify(genuine).kind).toBe('payment');
    const tampered = genuine.replace(/total_amount=8\.88/, 'total_amount=0.01');
    expect(tampered).not.toBe(genuine);
    expect(rejection(tampered)).toMatch(/signature/);
    expect(rejection(genuine.replace(/out_trade_no=[^&]+/, 'out_trade_no=pay_other'))).toMatch(/signature/);
  });

  it('a notification signed with another key', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(rejection(notificationBody({}, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()))).toMatch(/signature/);
    expect(rejection(notificationBody({}, keys.appPrivateKey))).toMatch(/signature/);
  });

  it('a stale or future notify_time (more than 5 minutes off)', () => {
    const t = Date.now();
    expect(verify(notificationBody({ notify_time: cstTime(t - 4 * 60_000) }), t).kind).toBe('payment');
    expect(rejection(notificationBody({ notify_time: cstTime(t - 6 * 60_000) }), t)).toMatch(/5 minutes/);
    expect(rejection(notificationBody({ notify_time: cstTime(t + 6 * 60_000) }), t)).toMatch(/5 minutes/);
    expect(rejection(genuine, Date.now() + 6 * 60_000)).toMatch(/5 minutes/);
  });

  it('unsigned, non-RSA2, duplicated or malformed notifications and signature probes', () => {
    const unsigned = new URLSearchParams(genuine);
    unsigned.delete('sign');
    expect(rejection(unsigned.toString())).toMatch(/not signed/);
    const rsa1 = new URLSearchParams(genuine);
    rsa1.set('sign_type', 'RSA');
    expect(rejection(rsa1.toString())).toMatch(/RSA2/);
    expect(rejection(`${genuine}&out_trade_no=pay_x`)).toMatch(/twice/);
    expect(rejection('sign=AAAA&sign_type=RSA2&notify_type=trade_status_sync')).toMatch(/signature/);
    expect(rejection('')).toMatch(/not signed/);
    expect(rejection(notificationBody({ notify_time: '2026/01/01 10:00:00' }))).toMatch(/malformed/);
    expect(rejection(notificationBody({ notify_type: 'trade_refund' }))).toMatch(/notify_type/);
    expect(rejection(notificationBody({ seller_id: '' }))).toMatch(/seller_id/);
    expect(rejection(notificationBody({ total_amount: '12.345' }))).toMatch(/total_amount/);
    expect(rejection(notificationBody({ trade_status: 'WAIT_BUYER_PAY' }))).toMatch(/final/);
  });

  it('TRADE_FINISHED is paid, TRADE_CLOSED closed; refund-caused notifications are refunds', () => {
    expect(verify(notificationBody({ trade_status: 'TRADE_FINISHED' }))).toMatchObject({ kind: 'payment', status: 'SUCCESS', amount: 1234 });
    expect(verify(notificationBody({ trade_status: 'TRADE_CLOSED', gmt_payment: '' }))).toMatchObject({ kind: 'payment', status: 'CLOSED', paidAt: null });
    expect(verify(notificationBody({ out_biz_no: 'rf_1', refund_fee: '2.00', gmt_refund: '2026-01-01 12:00:00.000' }))).toMatchObject({ kind: 'refund', refundNo: 'rf_1', amount: 200, status: 'SUCCESS', paymentNo: 'pay_handmade' });
  });
});

describe('fault options', () => {
  it('corrupt_signature: the first delivery is rejected, the retry is genuine', async () => {
    h.faults.add({ mode: 'corrupt_signature', channel: 'alipay', count: 1 });
    const no = paymentNo();
    const tradeNo = await prepayMini(no);
    await confirm(tradeNo);
    const bad = await h.waitFor((r) => !r.result.ok && r.rawBody.includes(`out_trade_no=${no}`));
    expect(bad.result).toEqual({ ok: false, reason: 'the signature does not verify' });
    await h.waitFor(verifiedFor(no));
  });

  it('change_amount: a correctly signed notification whose amount differs (the payment module refuses it), then the genuine one', async () => {
    h.faults.add({ mode: 'change_amount', channel: 'alipay', count: 1 });
    const no = paymentNo();
    h.accept = (n) => n.amount === 500;
    const tradeNo = await prepayMini(no, 500);
    await confirm(tradeNo);
    const first = verified(await h.waitFor((r) => r.result.ok && r.result.notification.paymentNo === no && r.result.notification.amount === 501));
    expect(first).toMatchObject({ kind: 'payment', status: 'SUCCESS' });
    // Refused by the receiver here as the payment module would: Alipay retries with the real amount.
    await h.waitFor((r) => r.result.ok && r.result.notification.paymentNo === no && r.result.notification.amount === 500);
  });
});

describe('cross-check with alipay-sdk', () => {
  const sdk = new AlipaySdk({ appId: keys.appId, privateKey: keys.appPrivateKey, keyType: 'PKCS8', alipayPublicKey: keys.alipayPublicKey, signType: 'RSA2' });

  it("the stand-in's notifications verify with checkNotifySign; altered ones do not", async () => {
    const no = paymentNo();
    const { received } = await paid(no, 999);
    const params = Object.fromEntries(new URLSearchParams(received.rawBody));
    expect(params).toMatchObject({ out_trade_no: no, total_amount: '9.99', trade_status: 'TRADE_SUCCESS', notify_type: 'trade_status_sync', sign_type: 'RSA2' });
    expect(sdk.checkNotifySign(params)).toBe(true);
    expect(sdk.checkNotifySignV2(params)).toBe(true);
    expect(sdk.checkNotifySign({ ...params, total_amount: '0.01' })).toBe(false);
  });

  it("a notification signed with alipay-sdk's signing helper (Alipay's sandbox key) is accepted", () => {
    const asAlipay = new AlipaySdk({ appId: keys.appId, privateKey: keys.alipayPrivateKey, keyType: 'PKCS8', signType: 'RSA2' });
    const body = asAlipay.sdkExecute(
      'alipay.trade.notify',
      {
        notify_time: cstTime(Date.now()),
        notify_type: 'trade_status_sync',
        notify_id: 'sdk0001',
        trade_no: '2026010122001400000000000777',
        out_trade_no: 'pay_sdk_signed',
        trade_status: 'TRADE_SUCCESS',
        total_amount: '66.60',
        seller_id: keys.sellerId,
        gmt_payment: cstTime(Date.now()),
      },
      { bizContentAutoSnakeCase: false },
    );
    expect(verify(body)).toMatchObject({ kind: 'payment', paymentNo: 'pay_sdk_signed', amount: 6660, status: 'SUCCESS', appId: keys.appId, merchantNo: keys.sellerId, notificationId: 'sdk0001' });
    const wrong = new AlipaySdk({ appId: keys.appId, privateKey: keys.appPrivateKey, keyType: 'PKCS8', signType: 'RSA2' });
    expect(() => verify(wrong.sdkExecute('alipay.trade.notify', { notify_type: 'trade_status_sync', notify_time: cstTime(Date.now()) }, { bizContentAutoSnakeCase: false }))).toThrow(NotificationRejected);
  });
});

describe('transport and answers', () => {
  it('an unreachable gateway, an HTTP error, a forged answer and a request signed with the wrong key are ChannelErrors', async () => {
    const unreachable = createAlipayAdapter({ ...h.config, gateway: 'http://127.0.0.1:9/gateway.do', timeoutMs: 2000 });
    await expect(unreachable.query('pay_x')).rejects.toMatchObject({ name: 'ChannelError', message: expect.stringMatching(/could not be reached/) });

    const http500 = createAlipayAdapter(h.config, { fetchImpl: async () => new Response('oops', { status: 502 }) });
    await expect(http500.query('pay_x')).rejects.toMatchObject({ name: 'ChannelError', message: expect.stringMatching(/HTTP 502/) });

    // The real answer with its trade_status changed: the signature no longer matches.
    const no = paymentNo();
    await prepayMini(no);
    const forged = createAlipayAdapter(h.config, {
      fetchImpl: async (input, init) => {
        const res = await fetch(input, init);
        return new Response((await res.text()).replace('WAIT_BUYER_PAY', 'TRADE_SUCCESS'), { status: 200 });
      },
    });
    await expect(forged.query(no)).rejects.toMatchObject({ name: 'ChannelError', message: expect.stringMatching(/signature does not verify/) });

    // Answers checked with a key that is not Alipay's.
    const wrongAlipayKey = createAlipayAdapter({ ...h.config, alipayPublicKey: keys.appPublicKey });
    await expect(wrongAlipayKey.query(no)).rejects.toMatchObject({ name: 'ChannelError' });

    // Requests signed with a key Alipay does not know: the gateway refuses the signature.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongAppKey = createAlipayAdapter({ ...h.config, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    await expect(wrongAppKey.query(no)).rejects.toMatchObject({ name: 'ChannelError', channelCode: 'isv.invalid-signature' });
  });

  it('answers "success" as bare text, anything else is a failure', () => {
    expect(notifyAnswer(h.adapter.notifyFormat, 'handled')).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', body: 'success' });
    expect(notifyAnswer(h.adapter.notifyFormat, 'refused', 'bad')).toMatchObject({ status: 400, body: 'fail' });
    expect(notifyAnswer(h.adapter.notifyFormat, 'unavailable')).toMatchObject({ status: 500, body: 'fail' });
  });

  it('names its app and merchant', () => {
    expect(h.adapter.channel).toBe('alipay');
    expect(h.adapter.appId).toBe(keys.appId);
    expect(h.adapter.merchantNo).toBe(keys.sellerId);
  });
});
