import { generateKeyPairSync } from 'node:crypto';
import type { ClientParams } from '@contract/payment';
import { ChannelError, NotificationRejected, notifyAnswer, type PrepayInput } from '../../channels/types';
import { createDouyinAdapter } from '../../channels/douyin/adapter';
import { DOUYIN_ERR } from '../../channels/douyin/errors';
import { douyinSandboxKeys } from '../../channels/douyin/sandbox-keys';
import { startDouyinHarness, type DouyinHarness } from '../../standins/channels/douyin/harness';
import { parseByteAuthorization, platformSignContent, rsaSign } from '../../channels/douyin/wire';

let h: DouyinHarness;
let seq = 0;

beforeAll(async () => {
  h = await startDouyinHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  h.faults.clear();
});

function input(overrides: Partial<PrepayInput> = {}): PrepayInput {
  seq += 1;
  return {
    paymentNo: `pay_dy_${process.pid}_${seq}_${Date.now()}`,
    amount: 100,
    description: '测试商品 × 1',
    expiresAt: h.now() + 15 * 60_000,
    scene: 'mini',
    ...overrides,
  };
}

type DouyinOrder = Extract<ClientParams, { kind: 'douyin_order' }>;

async function prepay(overrides: Partial<PrepayInput> = {}): Promise<{ paymentNo: string; params: DouyinOrder }> {
  const i = input(overrides);
  const params = await h.adapter.prepay(i);
  if (params.kind !== 'douyin_order') throw new Error(`unexpected ${params.kind}`);
  return { paymentNo: i.paymentNo, params };
}

/** What the mini-program does with the client params: tt.requestOrder (its stand-in). */
async function requestOrder(params: DouyinOrder): Promise<string> {
  const res = await h.post('/sandbox/douyin/client/requestOrder', { data: params.data, byteAuthorization: params.byteAuthorization });
  expect(res.status).toBe(200);
  const data = res.json.data as { orderId: string };
  return data.orderId;
}

async function paidOrder(amount = 100): Promise<{ paymentNo: string; orderId: string }> {
  const { paymentNo, params } = await prepay({ amount });
  const orderId = await requestOrder(params);
  expect((await h.post('/sandbox/douyin/confirm', { ref: paymentNo, action: 'pay' })).json).toEqual({ ok: true, paymentNo });
  await h.waitFor((r) => r.ok && r.notification?.kind === 'payment' && r.notification.paymentNo === paymentNo);
  return { paymentNo, orderId };
}

async function expectChannelError(p: Promise<unknown>, code?: string): Promise<ChannelError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelError);
  if (code !== undefined) expect((err as ChannelError).channelCode).toBe(code);
  return err as ChannelError;
}

describe('Douyin adapter against the gateway stand-in', () => {
  it('prepay (mini-program) signs the order data for tt.requestOrder; H5 is not offered', async () => {
    const { paymentNo, params } = await prepay({ amount: 2345 });
    const data = JSON.parse(params.data);
    expect(data).toMatchObject({
      outOrderNo: paymentNo,
      totalAmount: 2345,
      payNotifyUrl: `${h.base}/notify/douyin`,
      merchantUid: douyinSandboxKeys().merchantId,
      skuList: [{ skuId: paymentNo, price: 2345, quantity: 1, title: '测试商品 × 1' }],
      orderEntrySchema: { path: 'pages/orders/detail' },
    });
    expect(data.payExpireSeconds).toBeGreaterThanOrEqual(899);
    expect(data.payExpireSeconds).toBeLessThanOrEqual(900);
    const auth = parseByteAuthorization(params.byteAuthorization);
    expect(auth).toMatchObject({ appId: h.config.appId, keyVersion: '1' });
    expect(Math.abs(Number(auth?.timestamp) * 1000 - h.now())).toBeLessThan(2000);

    await expectChannelError(h.adapter.prepay(input({ scene: 'h5' })), 'SCENE_UNSUPPORTED');
    await expectChannelError(h.adapter.prepay(input({ expiresAt: h.now() - 1 })), 'EXPIRED');
  });

  it('tt.requestOrder with the same data is the same order; changed data for the same number is refused', async () => {
    const { paymentNo, params } = await prepay();
    const first = await requestOrder(params);
    expect(await requestOrder(params)).toBe(first);
    // Prepaying again signs a fresh authorization for identical data: still the same order.
    const again = await h.adapter.prepay({ paymentNo, amount: 100, description: '测试商品 × 1', expiresAt: h.now() + 15 * 60_000, scene: 'mini' });
    if (again.kind !== 'douyin_order') throw new Error('kind');
    const changed = await h.adapter.prepay({ paymentNo, amount: 101, description: '测试商品 × 1', expiresAt: h.now() + 15 * 60_000, scene: 'mini' });
    if (changed.kind !== 'douyin_order') throw new Error('kind');
    const res = await h.post('/sandbox/douyin/client/requestOrder', { data: changed.data, byteAuthorization: changed.byteAuthorization });
    expect(res.status).toBe(400);
    expect(res.json.err_no).toBe(DOUYIN_ERR.orderConflict);
    // A byteAuthorization that does not match the data is refused.
    const forged = await h.post('/sandbox/douyin/client/requestOrder', { data: changed.data, byteAuthorization: params.byteAuthorization });
    expect(forged.json.err_no).toBe(DOUYIN_ERR.badSignature);
  });

  it('pay via confirm: a signed payment callback arrives and verifies; query says paid', async () => {
    const { paymentNo, params } = await prepay({ amount: 990 });
    const orderId = await requestOrder(params);
    expect(await h.adapter.query(paymentNo)).toEqual({ state: 'unpaid', tradeNo: orderId, amount: 0, paidAt: null });

    expect((await h.post('/sandbox/douyin/confirm', { ref: paymentNo, action: 'pay' })).json).toEqual({ ok: true, paymentNo });
    const r = await h.waitFor((x) => x.notification?.kind === 'payment' && x.notification.paymentNo === paymentNo);
    expect(r.ok).toBe(true);
    expect(r.notification).toMatchObject({
      kind: 'payment',
      paymentNo,
      tradeNo: orderId,
      amount: 990,
      status: 'SUCCESS',
      appId: h.config.appId,
      merchantNo: h.config.merchantId,
    });
    expect(r.headers['byte-identifyname']).toBe('/common/trade/payment_callback');
    const body = JSON.parse(r.rawBody);
    expect(body.type).toBe('payment');
    expect(body.version).toBe('3.0');
    expect(typeof body.msg).toBe('string');

    const state = await h.adapter.query(paymentNo);
    expect(state).toMatchObject({ state: 'paid', tradeNo: orderId, amount: 990 });
    expect(state.paidAt).toEqual(expect.any(Number));
    // Paying again is idempotent and sends nothing new.
    expect((await h.post('/sandbox/douyin/confirm', { ref: paymentNo, action: 'pay' })).json).toEqual({ ok: true, paymentNo });
    // A paid order cannot be cancelled in the stand-in's cashier.
    expect((await h.post('/sandbox/douyin/confirm', { ref: paymentNo, action: 'cancel' })).status).toBe(409);

    const trade = await h.get(`/sandbox/douyin/trades/${paymentNo}`);
    expect(trade.json).toMatchObject({ outOrderNo: paymentNo, orderId, status: 'SUCCESS', totalAmount: 990 });
  });

  it('close: never created or cancelled -> done; payable -> not closable; paid -> refused', async () => {
    const never = await prepay();
    await expect(h.adapter.close(never.paymentNo)).resolves.toBeUndefined();
    expect(await h.adapter.query(never.paymentNo)).toEqual({ state: 'closed', tradeNo: null, amount: 0, paidAt: null });

    const open = await prepay();
    const orderId = await requestOrder(open.params);
    await expectChannelError(h.adapter.close(open.paymentNo), 'ORDER_NOT_CLOSABLE');
    expect((await h.post('/sandbox/douyin/confirm', { ref: open.paymentNo, action: 'cancel' })).json).toEqual({ ok: true, paymentNo: open.paymentNo });
    const r = await h.waitFor((x) => x.notification?.kind === 'payment' && x.notification.paymentNo === open.paymentNo);
    expect(r.notification).toMatchObject({ status: 'CLOSED', tradeNo: orderId, paidAt: null });
    await expect(h.adapter.close(open.paymentNo)).resolves.toBeUndefined();
    expect(await h.adapter.query(open.paymentNo)).toMatchObject({ state: 'closed', tradeNo: orderId });
    expect((await h.post('/sandbox/douyin/confirm', { ref: open.paymentNo, action: 'pay' })).status).toBe(409);

    const paid = await paidOrder();
    await expectChannelError(h.adapter.close(paid.paymentNo), 'ORDER_PAID');
    expect((await h.post('/sandbox/douyin/confirm', { ref: 'pay_unknown', action: 'pay' })).status).toBe(404);
  });

  it('an unpaid order times out at the expiry it was signed with (CANCEL callback), then close succeeds', async () => {
    const { paymentNo, params } = await prepay({ expiresAt: h.now() + 60_000 });
    await requestOrder(params);
    await expectChannelError(h.adapter.close(paymentNo), 'ORDER_NOT_CLOSABLE');
    h.advance(61_000);
    try {
      expect(await h.adapter.query(paymentNo)).toMatchObject({ state: 'closed' });
      const r = await h.waitFor((x) => x.notification?.kind === 'payment' && x.notification.paymentNo === paymentNo);
      expect(r.notification).toMatchObject({ status: 'CLOSED' });
      await expect(h.adapter.close(paymentNo)).resolves.toBeUndefined();
      // The signed data can no longer create an order after its pay window.
      const late = await prepay({ expiresAt: h.now() + 1000 });
      h.advance(5_000);
      const res = await h.post('/sandbox/douyin/client/requestOrder', { data: late.params.data, byteAuthorization: late.params.byteAuthorization });
      expect(res.json.err_no).toBe(DOUYIN_ERR.orderExpired);
    } finally {
      h.advance(-66_000);
    }
  });

  it('refund: processing, then a signed refund callback; a retry with the same number refunds once', async () => {
    const { paymentNo, orderId } = await paidOrder(100);
    const refundNo = `rfd_${paymentNo}`;
    const first = await h.adapter.refund({ paymentNo, refundNo, amount: 30, total: 100, reason: '不想要了' });
    expect(first.state).toBe('processing');
    expect(first.channelRefundId).toMatch(/^rf\d+$/);
    const retry = await h.adapter.refund({ paymentNo, refundNo, amount: 30, total: 100, reason: '不想要了' });
    expect(retry.channelRefundId).toBe(first.channelRefundId);

    const r = await h.waitFor((x) => x.notification?.kind === 'refund' && x.notification.refundNo === refundNo);
    expect(r.ok).toBe(true);
    expect(r.notification).toEqual({
      kind: 'refund',
      paymentNo,
      refundNo,
      amount: 30,
      status: 'SUCCESS',
      channelRefundId: first.channelRefundId,
      appId: h.config.appId,
      merchantNo: h.config.merchantId,
      notificationId: expect.any(String),
    });
    expect(await h.adapter.queryRefund(paymentNo, refundNo)).toEqual({ state: 'succeeded', channelRefundId: first.channelRefundId });
    const trade = await h.get(`/sandbox/douyin/trades/${paymentNo}`);
    expect(trade.json.refundedAmount).toBe(30);
    expect((trade.json.refunds as unknown[]).length).toBe(1);
    expect(await h.adapter.query(paymentNo)).toMatchObject({ state: 'paid', tradeNo: orderId });

    // Same number, other amount: refused. More than what is left: refused.
    expect(await expectChannelError(h.adapter.refund({ paymentNo, refundNo, amount: 31, total: 100, reason: 'x' }), String(DOUYIN_ERR.refundConflict))).toMatchObject({ permanent: true });
    expect(await expectChannelError(h.adapter.refund({ paymentNo, refundNo: `${refundNo}_2`, amount: 71, total: 100, reason: 'x' }), String(DOUYIN_ERR.refundExceeds))).toMatchObject({ permanent: true });
    // The rest: the order reads as refunded.
    await h.adapter.refund({ paymentNo, refundNo: `${refundNo}_3`, amount: 70, total: 100, reason: 'x' });
    await h.waitFor((x) => x.notification?.kind === 'refund' && x.notification.refundNo === `${refundNo}_3`);
    expect(await h.adapter.query(paymentNo)).toMatchObject({ state: 'refunded' });
    expect(await expectChannelError(h.adapter.queryRefund(paymentNo, 'rfd_none'), 'REFUND_NOT_FOUND')).toMatchObject({ permanent: false });
  });

  it('refund of an unpaid or unknown order is refused', async () => {
    const { paymentNo, params } = await prepay();
    expect(await expectChannelError(h.adapter.refund({ paymentNo, refundNo: `r_${paymentNo}`, amount: 1, total: 100, reason: 'x' }), String(DOUYIN_ERR.orderNotFound))).toMatchObject({ permanent: true });
    await requestOrder(params);
    expect(await expectChannelError(h.adapter.refund({ paymentNo, refundNo: `r_${paymentNo}`, amount: 1, total: 100, reason: 'x' }), String(DOUYIN_ERR.orderNotPaid))).toMatchObject({ permanent: true });
  });

  it('rejects a tampered body, a wrong key and a stale timestamp', async () => {
    const { paymentNo } = await paidOrder(500);
    const good = h.received.find((x) => x.ok && x.notification?.kind === 'payment' && x.notification.paymentNo === paymentNo);
    if (!good) throw new Error('no notification');
    const headers = good.headers;
    const ts = Number(headers['byte-timestamp']) * 1000;
    expect(h.adapter.verifyNotification({ headers, rawBody: good.rawBody }, ts)).toMatchObject({ amount: 500 });
    const reject = (fn: () => unknown, reason: RegExp) => {
      let err: unknown = null;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NotificationRejected);
      expect((err as NotificationRejected).reason).toMatch(reason);
    };
    reject(() => h.adapter.verifyNotification({ headers, rawBody: good.rawBody.replace('500', '5') }, ts), /does not verify/);
    reject(() => h.adapter.verifyNotification({ headers, rawBody: good.rawBody }, ts + 6 * 60_000), /5 minutes/);

    const wrongKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const nonce = String(headers['byte-nonce-str']);
    const tsText = String(headers['byte-timestamp']);
    const forged = rsaSign(platformSignContent(tsText, nonce, good.rawBody), wrongKey);
    reject(() => h.adapter.verifyNotification({ headers: { ...headers, 'byte-signature': forged }, rawBody: good.rawBody }, ts), /does not verify/);
    // Signed by the app key instead of the platform key: refused too.
    const appSigned = rsaSign(platformSignContent(tsText, nonce, good.rawBody), douyinSandboxKeys().appPrivateKey);
    reject(() => h.adapter.verifyNotification({ headers: { ...headers, 'byte-signature': appSigned }, rawBody: good.rawBody }, ts), /does not verify/);
    // Correctly signed but an unknown type or version: refused.
    const other = JSON.stringify({ msg: '{}', type: 'settle', version: '3.0' });
    const otherSig = rsaSign(platformSignContent(tsText, nonce, other), douyinSandboxKeys().platformPrivateKey);
    reject(() => h.adapter.verifyNotification({ headers: { ...headers, 'byte-signature': otherSig }, rawBody: other }, ts), /unsupported callback type/);
  });

  it('fault corrupt_signature: the first delivery is rejected, the genuine retry is accepted', async () => {
    h.faults.add({ mode: 'corrupt_signature', count: 1, channel: 'douyin' });
    const { paymentNo, params } = await prepay({ amount: 321 });
    await requestOrder(params);
    await h.post('/sandbox/douyin/confirm', { ref: paymentNo, action: 'pay' });
    const good = await h.waitFor((x) => x.ok && x.notification?.kind === 'payment' && x.notification.paymentNo === paymentNo);
    expect(good.notification).toMatchObject({ amount: 321 });
    const bad = h.received.filter((x) => !x.ok && x.rawBody.includes(paymentNo));
    expect(bad.length).toBe(1);
    expect(bad[0].reason).toMatch(/does not verify/);
  });

  it('fault change_amount: the notification verifies but reports one fen more', async () => {
    h.faults.add({ mode: 'change_amount', count: 1, channel: 'douyin' });
    const { paymentNo, params } = await prepay({ amount: 100 });
    await requestOrder(params);
    await h.post('/sandbox/douyin/confirm', { ref: paymentNo, action: 'pay' });
    const r = await h.waitFor((x) => x.ok && x.notification?.kind === 'payment' && x.notification.paymentNo === paymentNo);
    expect(r.notification).toMatchObject({ amount: 101 });
  });

  it('answers in the platform format', () => {
    expect(notifyAnswer(h.adapter.notifyFormat, 'handled')).toEqual({ status: 200, contentType: 'application/json', body: '{"err_no":0,"err_tips":"success"}' });
    const no = notifyAnswer(h.adapter.notifyFormat, 'refused', 'amount mismatch');
    expect(no.status).toBe(400);
    expect(JSON.parse(no.body)).toEqual({ err_no: 400, err_tips: 'amount mismatch' });
    const later = notifyAnswer(h.adapter.notifyFormat, 'unavailable', 'down');
    expect([later.status, JSON.parse(later.body)]).toEqual([500, { err_no: 500, err_tips: 'down' }]);
  });

  it('server calls fail as ChannelError: wrong app key, wrong platform key on answers, wrong secret, unreachable', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherPrivate = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const otherPublic = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();

    const wrongAppKey = createDouyinAdapter({ ...h.config, appPrivateKey: otherPrivate }, { now: h.now });
    await expectChannelError(wrongAppKey.query('pay_x'), String(DOUYIN_ERR.badSignature));

    const wrongPlatformKey = createDouyinAdapter({ ...h.config, platformPublicKey: otherPublic }, { now: h.now });
    await expectChannelError(wrongPlatformKey.query('pay_x'), 'BAD_ANSWER_SIGNATURE');

    const wrongSecret = createDouyinAdapter({ ...h.config, appSecret: 'nope' }, { now: h.now });
    await expectChannelError(wrongSecret.query('pay_x'));

    const down = createDouyinAdapter({ ...h.config, apiBase: 'http://127.0.0.1:1' }, { now: h.now });
    await expectChannelError(down.query('pay_x'));
  });

  it('fetches a new access-token when the platform refuses the cached one, and renews before expiry', async () => {
    const { paymentNo, params } = await prepay();
    await requestOrder(params);
    let tokenCalls = 0;
    let spoil = true;
    const fetchImpl: typeof fetch = async (url, init) => {
      if (String(url).endsWith('/oauth/client_token/')) tokenCalls += 1;
      const headers = new Headers(init?.headers);
      if (spoil && headers.has('access-token')) {
        spoil = false;
        headers.set('access-token', 'clt.revoked');
      }
      return fetch(url, { ...init, headers });
    };
    const adapter = createDouyinAdapter(h.config, { now: h.now, fetchImpl });
    expect(await adapter.query(paymentNo)).toMatchObject({ state: 'unpaid' });
    expect(tokenCalls).toBe(2);
    expect(await adapter.query(paymentNo)).toMatchObject({ state: 'unpaid' });
    expect(tokenCalls).toBe(2);
    // Tokens live 7200 s; the adapter renews five minutes early, before the platform refuses it.
    h.advance(7200_000 - 4 * 60_000);
    try {
      expect(await adapter.query(paymentNo)).toMatchObject({ state: 'closed' });
      expect(tokenCalls).toBe(3);
    } finally {
      h.advance(-(7200_000 - 4 * 60_000));
    }
  });
});
