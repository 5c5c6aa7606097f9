import { createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { ChannelError, NotificationRejected, notifyAnswer, type VerifiedNotification } from '../../channels/types';
import { startWechatpayHarness, type WechatpayHarness } from '../../standins/channels/wechatpay/harness';
import { createWechatpayAdapter } from '../../channels/wechatpay/adapter';
import { wechatpaySandboxKeys } from '../../channels/wechatpay/sandbox-keys';

/**
 * The adapter against the WeChat Pay gateway stand-in over real HTTP: prepay in both scenes,
 * paying through the confirm endpoint and the H5 page, the signed notification arriving and
 * verifying, query, close, refunds, and every way a notification must be refused.
 */
let h: WechatpayHarness;
let seq = 0;
const paymentNo = () => `pay_T${Date.now().toString(36).toUpperCase()}${(seq++).toString().padStart(4, '0')}`;
const keys = wechatpaySandboxKeys();

beforeAll(async () => {
  h = await startWechatpayHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.faults.clear();
});

/** A payment's deadline is fixed when it is opened, so asking again with it is the same request (WeChat compares time_expire too). */
const expiries = new Map<string, number>();
const expiryOf = (no: string) => expiries.get(no) ?? (expiries.set(no, Date.now() + 15 * 60_000), expiries.get(no) as number);
const mini = (no: string, amount = 100) => ({ paymentNo: no, amount, description: '沙箱测试商品', expiresAt: expiryOf(no), scene: 'mini' as const, payerId: 'oSandboxPayer000000000000000' });

async function confirm(ref: string, action: 'pay' | 'cancel' = 'pay') {
  const res = await fetch(`${h.baseUrl}/sandbox/wechatpay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref, action }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function prepayMini(no: string, amount = 100): Promise<string> {
  const params = await h.adapter.prepay(mini(no, amount));
  if (params.kind !== 'wechatpay_jsapi') throw new Error(`unexpected ${params.kind}`);
  return params.package.replace(/^prepay_id=/, '');
}

const paymentOf = (no: string) => (r: { result: { ok: boolean; notification?: VerifiedNotification } }) =>
  r.result.ok && r.result.notification?.kind === 'payment' && r.result.notification.paymentNo === no;

async function paid(no: string, amount = 100) {
  const prepayId = await prepayMini(no, amount);
  expect((await confirm(prepayId)).status).toBe(200);
  return h.waitFor(paymentOf(no));
}

describe('prepay', () => {
  it('JSAPI: answers wx.requestPayment arguments signed with the merchant key over appId\\ntimeStamp\\nnonceStr\\npackage\\n', async () => {
    const no = paymentNo();
    const params = await h.adapter.prepay(mini(no));
    expect(params.kind).toBe('wechatpay_jsapi');
    if (params.kind !== 'wechatpay_jsapi') return;
    expect(params.appId).toBe('wx-sandbox-app');
    expect(params.signType).toBe('RSA');
    expect(params.package).toMatch(/^prepay_id=wx\w+$/);
    expect(params.timeStamp).toMatch(/^\d{10}$/);
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(createVerify('RSA-SHA256').update(message).verify(keys.mchPublicKey, params.paySign, 'base64')).toBe(true);
    const trade = (await (await fetch(`${h.baseUrl}/sandbox/wechatpay/trades/${no}`)).json()) as Record<string, unknown>;
    expect(trade).toMatchObject({ outTradeNo: no, state: 'NOTPAY', total: 100, tradeType: 'JSAPI', mchid: keys.mchId, appid: 'wx-sandbox-app' });
  });

  it('the same parameters again name the same trade; changed parameters are refused', async () => {
    const no = paymentNo();
    const first = await prepayMini(no);
    expect(await prepayMini(no)).toBe(first);
    await expect(h.adapter.prepay(mini(no, 101))).rejects.toMatchObject({ name: 'ChannelError', channelCode: 'OUT_TRADE_NO_USED' });
  });

  it('JSAPI without the payer openid and H5 without the payer IP are refused before calling', async () => {
    await expect(h.adapter.prepay({ ...mini(paymentNo()), payerId: undefined })).rejects.toBeInstanceOf(ChannelError);
    await expect(h.adapter.prepay({ ...mini(paymentNo()), scene: 'h5', payerId: undefined })).rejects.toBeInstanceOf(ChannelError);
  });

  it('H5: the h5_url is the stand-in cashier page; confirming there notifies and returns to redirect_url', async () => {
    const no = paymentNo();
    const params = await h.adapter.prepay({ paymentNo: no, amount: 2345, description: '沙箱商户 H5 订单', expiresAt: Date.now() + 600_000, scene: 'h5', clientIp: '203.0.113.7', returnUrl: `${h.baseUrl}/checkout/result?no=${no}` });
    expect(params.kind).toBe('wechatpay_h5');
    if (params.kind !== 'wechatpay_h5') return;
    const url = new URL(params.h5Url);
    expect(url.pathname).toBe('/sandbox/wechatpay/checkmweb');
    expect(url.searchParams.get('redirect_url')).toBe(`${h.baseUrl}/checkout/result?no=${no}`);

    const pageRes = await fetch(params.h5Url);
    const html = await pageRes.text();
    expect(pageRes.status).toBe(200);
    expect(html).toContain('<meta name="viewport"');
    expect(html).toContain('id="sandbox-pay-confirm"');
    expect(html).toContain('id="sandbox-pay-cancel"');
    expect(html).toContain('确认支付');
    expect(html).toContain('取消支付');
    expect(html).toContain('¥23.45');
    expect(html).toContain('沙箱商户 H5 订单');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="http/);

    const form = new URLSearchParams({ prepay_id: url.searchParams.get('prepay_id') ?? '', action: 'pay', redirect_url: url.searchParams.get('redirect_url') ?? '' });
    const submit = await fetch(`${h.baseUrl}/sandbox/wechatpay/checkmweb`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
    expect(submit.status).toBe(303);
    expect(submit.headers.get('location')).toBe(`${h.baseUrl}/checkout/result?no=${no}`);
    const got = await h.waitFor(paymentOf(no));
    expect(got.result.ok && got.result.notification).toMatchObject({ kind: 'payment', amount: 2345, status: 'SUCCESS' });
  });

  it('the H5 page refuses to redirect to a foreign origin', async () => {
    const no = paymentNo();
    const params = await h.adapter.prepay({ paymentNo: no, amount: 10, description: 'x', expiresAt: Date.now() + 600_000, scene: 'h5', clientIp: '203.0.113.7', returnUrl: 'https://evil.example/steal' });
    if (params.kind !== 'wechatpay_h5') throw new Error('expected h5');
    const prepayId = new URL(params.h5Url).searchParams.get('prepay_id') ?? '';
    const form = new URLSearchParams({ prepay_id: prepayId, action: 'cancel', redirect_url: 'https://evil.example/steal' });
    const res = await fetch(`${h.baseUrl}/sandbox/wechatpay/checkmweb`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('订单已关闭');
    expect(await h.adapter.query(no)).toMatchObject({ state: 'closed' });
  });
});

describe('pay, query, close', () => {
  it('confirm sends TRANSACTION.SUCCESS; it verifies and names the trade, app id and merchant; query says paid', async () => {
    const no = paymentNo();
    const got = await paid(no, 4321);
    const n = got.result.ok ? got.result.notification : null;
    expect(n).toMatchObject({ kind: 'payment', paymentNo: no, amount: 4321, status: 'SUCCESS', appId: 'wx-sandbox-app', merchantNo: keys.mchId });
    if (n?.kind !== 'payment') return;
    expect(n.tradeNo).toMatch(/^4200\d{24}$/);
    expect(n.paidAt).toEqual(expect.any(Number));
    expect(n.notificationId).toEqual(expect.any(String));
    // The payer's openid, from the notification and the query alike (the referral payer signal reads it).
    expect(n.payerId).toEqual(expect.stringMatching(/^o/));
    const state = await h.adapter.query(no);
    expect(state).toEqual({ state: 'paid', tradeNo: n.tradeNo, amount: 4321, paidAt: n.paidAt, payerId: n.payerId });
    // The sandbox acknowledged delivery (200 with code SUCCESS) and did not retry.
    const deliveries = h.ctx.notifiers[0].deliveries.filter((d) => d.acked);
    expect(deliveries.length).toBeGreaterThan(0);
  });

  it('confirming twice pays once (one notification)', async () => {
    const no = paymentNo();
    const prepayId = await prepayMini(no);
    expect((await confirm(prepayId)).body).toEqual({ ok: true, paymentNo: no });
    expect((await confirm(prepayId)).body).toEqual({ ok: true, paymentNo: no });
    await h.waitFor(paymentOf(no));
    await new Promise((r) => setTimeout(r, 50));
    expect(h.received.filter(paymentOf(no))).toHaveLength(1);
  });

  it('confirm with an unknown prepay id is a 404 problem', async () => {
    const res = await confirm('wx-no-such-prepay');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('query: unpaid, and a trade never created is closed with no trade number', async () => {
    const no = paymentNo();
    await prepayMini(no);
    expect(await h.adapter.query(no)).toEqual({ state: 'unpaid', tradeNo: null, amount: 0, paidAt: null });
    expect(await h.adapter.query(paymentNo())).toEqual({ state: 'closed', tradeNo: null, amount: 0, paidAt: null });
  });

  it('close: an unpaid trade closes (then cannot be paid); a paid trade cannot be closed', async () => {
    const no = paymentNo();
    const prepayId = await prepayMini(no);
    await h.adapter.close(no);
    await h.adapter.close(no);
    expect(await h.adapter.query(no)).toMatchObject({ state: 'closed' });
    expect((await confirm(prepayId)).status).toBe(409);
    await expect(h.adapter.prepay(mini(no))).rejects.toMatchObject({ channelCode: 'ORDER_CLOSED' });

    const paidNo = paymentNo();
    await paid(paidNo);
    await expect(h.adapter.close(paidNo)).rejects.toMatchObject({ name: 'ChannelError', channelCode: 'ORDERPAID' });
    expect(await h.adapter.query(paidNo)).toMatchObject({ state: 'paid' });
  });

  it('cancel in the cashier closes the trade without a notification', async () => {
    const no = paymentNo();
    const prepayId = await prepayMini(no);
    expect((await confirm(prepayId, 'cancel')).body).toEqual({ ok: true, paymentNo: no });
    expect(await h.adapter.query(no)).toMatchObject({ state: 'closed' });
    await new Promise((r) => setTimeout(r, 30));
    expect(h.received.filter((r) => r.rawBody.includes(no))).toHaveLength(0);
  });
});

describe('refunds', () => {
  it('a refund retried with the same number refunds once; REFUND.SUCCESS arrives; at most the paid amount in total', async () => {
    const no = paymentNo();
    await paid(no, 1000);
    const first = await h.adapter.refund({ paymentNo: no, refundNo: `${no}R1`, amount: 300, total: 1000, reason: '部分退款' });
    expect(first.state).toBe('processing');
    expect(first.channelRefundId).toMatch(/^50\d+$/);
    const again = await h.adapter.refund({ paymentNo: no, refundNo: `${no}R1`, amount: 300, total: 1000, reason: '部分退款' });
    expect(again.channelRefundId).toBe(first.channelRefundId);

    const note = await h.waitFor((r) => r.result.ok && r.result.notification.kind === 'refund' && r.result.notification.refundNo === `${no}R1`);
    expect(note.result.ok && note.result.notification).toMatchObject({ kind: 'refund', paymentNo: no, amount: 300, status: 'SUCCESS', channelRefundId: first.channelRefundId, merchantNo: keys.mchId });
    expect(await h.adapter.queryRefund(no, `${no}R1`)).toEqual({ state: 'succeeded', channelRefundId: first.channelRefundId });
    // A retry after success still answers the same refund.
    expect(await h.adapter.refund({ paymentNo: no, refundNo: `${no}R1`, amount: 300, total: 1000, reason: '部分退款' })).toEqual({ state: 'succeeded', channelRefundId: first.channelRefundId });

    await expect(h.adapter.refund({ paymentNo: no, refundNo: `${no}R2`, amount: 701, total: 1000, reason: '超额' })).rejects.toMatchObject({ channelCode: 'INVALID_REQUEST', permanent: true });
    await expect(h.adapter.refund({ paymentNo: no, refundNo: `${no}R1`, amount: 301, total: 1000, reason: '改金额' })).rejects.toMatchObject({ channelCode: 'INVALID_REQUEST', permanent: true });
    expect(await h.adapter.refund({ paymentNo: no, refundNo: `${no}R2`, amount: 700, total: 1000, reason: '余额' })).toMatchObject({ state: 'processing' });

    const trade = (await (await fetch(`${h.baseUrl}/sandbox/wechatpay/trades/${no}`)).json()) as { state: string; refunds: { refund: number }[] };
    expect(trade.state).toBe('REFUND');
    expect(trade.refunds.map((r) => r.refund)).toEqual([300, 700]);
    expect(await h.adapter.query(no)).toMatchObject({ state: 'refunded', amount: 1000 });
  });

  it('refunding an unpaid trade or an unknown refund number fails', async () => {
    const no = paymentNo();
    await prepayMini(no);
    await expect(h.adapter.refund({ paymentNo: no, refundNo: `${no}R1`, amount: 1, total: 100, reason: 'x' })).rejects.toBeInstanceOf(ChannelError);
    await expect(h.adapter.queryRefund(no, `${no}R9`)).rejects.toMatchObject({ channelCode: 'RESOURCE_NOT_EXISTS' });
  });
});

describe('verifyNotification refuses', () => {
  let genuine: { headers: Record<string, string>; rawBody: string };
  beforeAll(async () => {
    const got = await paid(paymentNo());
    genuine = { headers: got.headers, rawBody: got.rawBody };
  });
  const reason = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      if (err instanceof NotificationRejected) return err.reason;
      throw err;
    }
    throw new Error('accepted');
  };
  const sign = (key: string, ts: string, nonce: string, body: string) => createSign('RSA-SHA256').update(`${ts}\n${nonce}\n${body}\n`).sign(key, 'base64');

  it('accepts the genuine one (within 5 minutes)', () => {
    expect(h.adapter.verifyNotification(genuine).kind).toBe('payment');
    expect(h.adapter.verifyNotification(genuine, Number(genuine.headers['wechatpay-timestamp']) * 1000 + 299_000).kind).toBe('payment');
  });

  it('a tampered body', () => {
    const body = genuine.rawBody.replace('"TRANSACTION.SUCCESS"', '"TRANSACTION.SUCCESS" ');
    expect(reason(() => h.adapter.verifyNotification({ ...genuine, rawBody: body }))).toMatch(/signature/);
  });

  it('a body signed with another key', () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { 'wechatpay-timestamp': ts, 'wechatpay-nonce': nonce } = genuine.headers;
    const headers = { ...genuine.headers, 'wechatpay-signature': sign(stranger, ts, nonce, genuine.rawBody) };
    expect(reason(() => h.adapter.verifyNotification({ headers, rawBody: genuine.rawBody }))).toMatch(/signature does not verify/);
  });

  it('a stale (or future) timestamp, even correctly signed', () => {
    const ts = String(Math.floor(Date.now() / 1000) - 301);
    const headers = { ...genuine.headers, 'wechatpay-timestamp': ts, 'wechatpay-signature': sign(keys.platformPrivateKey, ts, genuine.headers['wechatpay-nonce'], genuine.rawBody) };
    expect(reason(() => h.adapter.verifyNotification({ headers, rawBody: genuine.rawBody }))).toMatch(/5 minutes/);
    expect(reason(() => h.adapter.verifyNotification(genuine, Date.now() + 10 * 60_000))).toMatch(/5 minutes/);
  });

  it('a WECHATPAY/SIGNTEST/ probe, an unknown serial, missing headers, a body that is not a notification', () => {
    const probe = { ...genuine.headers, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${genuine.headers['wechatpay-signature']}` };
    expect(reason(() => h.adapter.verifyNotification({ headers: probe, rawBody: genuine.rawBody }))).toMatch(/probe/);
    const serial = { ...genuine.headers, 'wechatpay-serial': 'PUB_KEY_ID_0000000000000000000000000000000000' };
    expect(reason(() => h.adapter.verifyNotification({ headers: serial, rawBody: genuine.rawBody }))).toMatch(/Serial/);
    const { 'wechatpay-signature': _s, ...unsigned } = genuine.headers;
    expect(reason(() => h.adapter.verifyNotification({ headers: unsigned, rawBody: genuine.rawBody }))).toMatch(/missing/);
    const ts = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({ hello: 'world' });
    const headers = { ...genuine.headers, 'wechatpay-timestamp': ts, 'wechatpay-signature': sign(keys.platformPrivateKey, ts, 'n', body), 'wechatpay-nonce': 'n' };
    expect(reason(() => h.adapter.verifyNotification({ headers, rawBody: body }))).toMatch(/not a WeChat Pay notification/);
  });

  it('the receiver answers refusals with a 4xx {code: FAIL} (WeChat retries any failure)', async () => {
    const res = await fetch(`${h.baseUrl}/notify/wechatpay`, { method: 'POST', headers: { ...genuine.headers, 'wechatpay-signature': 'WECHATPAY/SIGNTEST/abc' }, body: genuine.rawBody });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'FAIL' });
    expect(notifyAnswer(h.adapter.notifyFormat, 'handled')).toEqual({ status: 200, contentType: 'application/json', body: JSON.stringify({ code: 'SUCCESS', message: '成功' }) });
    expect(notifyAnswer(h.adapter.notifyFormat, 'unavailable', 'down')).toEqual({ status: 500, contentType: 'application/json', body: JSON.stringify({ code: 'FAIL', message: 'down' }) });
  });
});

describe('fault options', () => {
  it('corrupt_signature: the first delivery is refused, the genuine retry is accepted', async () => {
    h.faults.add({ mode: 'corrupt_signature', count: 1, channel: 'wechatpay' });
    const no = paymentNo();
    const prepayId = await prepayMini(no);
    const start = h.received.length;
    await confirm(prepayId);
    await h.waitFor(paymentOf(no));
    const since = h.received.slice(start);
    expect(since[0].result).toEqual({ ok: false, reason: 'signature does not verify' });
    expect(since.filter(paymentOf(no))).toHaveLength(1);
  });

  it('change_amount: a correctly signed notification whose amount differs from the trade', async () => {
    h.faults.add({ mode: 'change_amount', count: 1, channel: 'wechatpay' });
    const no = paymentNo();
    const prepayId = await prepayMini(no, 500);
    await confirm(prepayId);
    const got = await h.waitFor(paymentOf(no));
    expect(got.result.ok && got.result.notification).toMatchObject({ kind: 'payment', amount: 501 });
    expect(await h.adapter.query(no)).toMatchObject({ state: 'paid', amount: 500 });
  });
});

describe('transport and answer checks', () => {
  it('a transport failure is a ChannelError', async () => {
    const cfg = { ...h.config, apiBase: 'http://127.0.0.1:9' };
    await expect(createWechatpayAdapter(cfg, { timeoutMs: 2000 }).query('pay_X0000001')).rejects.toMatchObject({ name: 'ChannelError', channelCode: 'TRANSPORT', permanent: false });
  });

  it('an answer altered in transit (signature no longer verifies) is a ChannelError', async () => {
    const tampering: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const text = (await res.text()).replace('"NOTPAY"', '"SUCCESS"');
      return new Response(text, { status: res.status, headers: res.headers });
    };
    const no = paymentNo();
    await prepayMini(no);
    await expect(createWechatpayAdapter(h.config, { fetchImpl: tampering }).query(no)).rejects.toMatchObject({ channelCode: 'SIGNATURE' });
  });

  it('an answer signed by another key is a ChannelError', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const adapter = createWechatpayAdapter({ ...h.config, platformPublicKey: stranger });
    await expect(adapter.query(paymentNo())).rejects.toMatchObject({ channelCode: 'SIGNATURE' });
  });

  it('the gateway refuses unsigned and badly signed requests with 401 SIGN_ERROR (signed answers)', async () => {
    const url = `${h.baseUrl}/sandbox/wechatpay/v3/pay/transactions/out-trade-no/pay_X0000001?mchid=${keys.mchId}`;
    const unsigned = await fetch(url);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ code: 'SIGN_ERROR' });
    expect(unsigned.headers.get('wechatpay-serial')).toBe(keys.publicKeyId);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const adapter = createWechatpayAdapter({ ...h.config, mchPrivateKey: other });
    await expect(adapter.query('pay_X0000001')).rejects.toMatchObject({ channelCode: 'SIGN_ERROR' });
  });
});
