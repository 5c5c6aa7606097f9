import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { wechatpaySandboxKeys } from '../../../channels/wechatpay/sandbox-keys';
import type { VerifiedNotification } from '../../../channels/types';
import { startWechatpayHarness, type WechatpayHarness } from './harness';

/**
 * Cross-checks with wechatpay-axios-plugin, independently of the adapter's code path:
 * - notifications the sandbox generates (node:crypto) verify with the library's Rsa.verify and
 *   decrypt with its AesGcm.decrypt, using only the published sandbox keys;
 * - a notification built with the library (AesGcm.encrypt, Rsa.sign) with WeChat Pay's sandbox
 *   key is accepted by the adapter's verifyNotification and by the notify receiver;
 * - the library's own API client (request signer and answer verifier) works against the
 *   sandbox gateway, so the gateway's request checks and signed answers follow WeChat's rules.
 */
const { AesGcm } = Aes;
const keys = wechatpaySandboxKeys();
let h: WechatpayHarness;
let seq = 0;
const paymentNo = () => `pay_X${Date.now().toString(36).toUpperCase()}${(seq++).toString().padStart(4, '0')}`;

beforeAll(async () => {
  h = await startWechatpayHarness();
});
afterAll(async () => {
  await h.close();
});

async function payViaSandbox(no: string, amount: number): Promise<string> {
  const params = await h.adapter.prepay({ paymentNo: no, amount, description: '交叉验证', expiresAt: Date.now() + 600_000, scene: 'mini', payerId: 'oCrossCheck00000000000000000' });
  if (params.kind !== 'wechatpay_jsapi') throw new Error('expected jsapi');
  const res = await fetch(`${h.baseUrl}/sandbox/wechatpay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: params.package.slice('prepay_id='.length), action: 'pay' }) });
  expect(res.status).toBe(200);
  return params.package;
}

interface Envelope {
  id: string;
  event_type: string;
  resource_type: string;
  resource: { algorithm: string; ciphertext: string; associated_data: string; nonce: string; original_type: string };
}

function libraryCheck(headers: Record<string, string>, rawBody: string): Record<string, unknown> {
  const message = Formatter.response(headers['wechatpay-timestamp'], headers['wechatpay-nonce'], rawBody);
  expect(headers['wechatpay-serial']).toBe(keys.publicKeyId);
  expect(Rsa.verify(message, headers['wechatpay-signature'], Rsa.from(keys.platformPublicKey, 'public'))).toBe(true);
  const env = JSON.parse(rawBody) as Envelope;
  expect(env.resource_type).toBe('encrypt-resource');
  expect(env.resource.algorithm).toBe('AEAD_AES_256_GCM');
  return JSON.parse(AesGcm.decrypt(env.resource.ciphertext, keys.apiV3Key, env.resource.nonce, env.resource.associated_data)) as Record<string, unknown>;
}

describe('sandbox notifications verify and decrypt with wechatpay-axios-plugin', () => {
  it('TRANSACTION.SUCCESS', async () => {
    const no = paymentNo();
    await payViaSandbox(no, 888);
    const got = await h.waitFor((r) => r.result.ok && r.result.notification.kind === 'payment' && r.result.notification.paymentNo === no);
    const plain = libraryCheck(got.headers, got.rawBody);
    expect((JSON.parse(got.rawBody) as Envelope).event_type).toBe('TRANSACTION.SUCCESS');
    expect(plain).toMatchObject({
      appid: 'wx-sandbox-app',
      mchid: keys.mchId,
      out_trade_no: no,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      payer: { openid: 'oCrossCheck00000000000000000' },
      amount: { total: 888, payer_total: 888, currency: 'CNY' },
    });
    expect(plain.success_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    // A signature that does not start with the probe prefix; a garbled one fails the library too.
    expect(Rsa.verify(Formatter.response(got.headers['wechatpay-timestamp'], got.headers['wechatpay-nonce'], `${got.rawBody} `), got.headers['wechatpay-signature'], Rsa.from(keys.platformPublicKey, 'public'))).toBe(false);
  });

  it('REFUND.SUCCESS', async () => {
    const no = paymentNo();
    await payViaSandbox(no, 500);
    await h.adapter.refund({ paymentNo: no, refundNo: `${no}R`, amount: 200, total: 500, reason: '交叉验证退款' });
    const got = await h.waitFor((r) => r.result.ok && r.result.notification.kind === 'refund' && r.result.notification.paymentNo === no);
    const plain = libraryCheck(got.headers, got.rawBody);
    expect((JSON.parse(got.rawBody) as Envelope).event_type).toBe('REFUND.SUCCESS');
    expect(plain).toMatchObject({ mchid: keys.mchId, out_trade_no: no, out_refund_no: `${no}R`, refund_status: 'SUCCESS', amount: { total: 500, refund: 200 } });
  });

  it('a corrupt_signature delivery fails the library check too', async () => {
    h.faults.add({ mode: 'corrupt_signature', count: 1, channel: 'wechatpay' });
    const no = paymentNo();
    const start = h.received.length;
    await payViaSandbox(no, 100);
    await h.waitFor((r) => r.result.ok && r.result.notification.kind === 'payment' && r.result.notification.paymentNo === no);
    const bad = h.received.slice(start)[0];
    expect(bad.result.ok).toBe(false);
    expect(Rsa.verify(Formatter.response(bad.headers['wechatpay-timestamp'], bad.headers['wechatpay-nonce'], bad.rawBody), bad.headers['wechatpay-signature'], Rsa.from(keys.platformPublicKey, 'public'))).toBe(false);
  });
});

describe('a notification signed with wechatpay-axios-plugin is accepted', () => {
  function libraryNotification(resource: object, eventType: string, originalType: string) {
    const nonce = Formatter.nonce(12);
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: '2025-11-23T10:00:00+08:00',
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: '支付成功',
      resource: { original_type: originalType, algorithm: 'AEAD_AES_256_GCM', ciphertext: AesGcm.encrypt(JSON.stringify(resource), keys.apiV3Key, nonce, originalType), associated_data: originalType, nonce },
    });
    const timestamp = String(Formatter.timestamp());
    const headerNonce = Formatter.nonce();
    return {
      headers: {
        'content-type': 'application/json',
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': headerNonce,
        'wechatpay-serial': keys.publicKeyId,
        'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
        'wechatpay-signature': Rsa.sign(Formatter.response(timestamp, headerNonce, body), Rsa.from(keys.platformPrivateKey, 'private')),
      },
      rawBody: body,
    };
  }

  const transaction = {
    appid: 'wx-sandbox-app',
    mchid: keys.mchId,
    out_trade_no: 'pay_LIBRARY0000000000000000001',
    transaction_id: '4200002222202511231234567890',
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: '2025-11-23T10:00:00+08:00',
    payer: { openid: 'oLibrary0000000000000000000' },
    amount: { total: 1234, payer_total: 1234, currency: 'CNY', payer_currency: 'CNY' },
  };

  it('by verifyNotification (payment)', () => {
    const n = h.adapter.verifyNotification(libraryNotification(transaction, 'TRANSACTION.SUCCESS', 'transaction'));
    expect(n).toMatchObject<Partial<VerifiedNotification>>({ kind: 'payment', paymentNo: transaction.out_trade_no, tradeNo: transaction.transaction_id, amount: 1234, status: 'SUCCESS', appId: 'wx-sandbox-app', merchantNo: keys.mchId });
    if (n.kind === 'payment') expect(n.paidAt).toBe(Date.parse('2025-11-23T02:00:00Z'));
  });

  it('by verifyNotification (refund)', () => {
    const refund = { mchid: keys.mchId, out_trade_no: transaction.out_trade_no, transaction_id: transaction.transaction_id, out_refund_no: 'rf_LIB1', refund_id: '50000000382019052709732678859', refund_status: 'SUCCESS', success_time: '2025-11-23T10:05:00+08:00', user_received_account: '支付用户零钱', amount: { total: 1234, refund: 234, payer_total: 1234, payer_refund: 234 } };
    expect(h.adapter.verifyNotification(libraryNotification(refund, 'REFUND.SUCCESS', 'refund'))).toMatchObject({ kind: 'refund', refundNo: 'rf_LIB1', amount: 234, status: 'SUCCESS', channelRefundId: refund.refund_id, merchantNo: keys.mchId });
  });

  it('by the notify receiver over HTTP (answered 200 {code: SUCCESS})', async () => {
    const n = libraryNotification({ ...transaction, out_trade_no: 'pay_LIBRARY0000000000000000002' }, 'TRANSACTION.SUCCESS', 'transaction');
    const res = await fetch(`${h.baseUrl}/notify/wechatpay`, { method: 'POST', headers: n.headers, body: n.rawBody });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 'SUCCESS', message: '成功' });
  });

  it('but not when AesGcm used another APIv3 key', () => {
    const n = libraryNotification(transaction, 'TRANSACTION.SUCCESS', 'transaction');
    const env = JSON.parse(n.rawBody) as Envelope;
    env.resource.ciphertext = AesGcm.encrypt(JSON.stringify(transaction), 'x'.repeat(32), env.resource.nonce, 'transaction');
    const body = JSON.stringify(env);
    const ts = n.headers['wechatpay-timestamp'];
    const nonce = n.headers['wechatpay-nonce'];
    const headers = { ...n.headers, 'wechatpay-signature': Rsa.sign(Formatter.response(ts, nonce, body), Rsa.from(keys.platformPrivateKey, 'private')) };
    expect(() => h.adapter.verifyNotification({ headers, rawBody: body })).toThrow(/decrypt/);
  });
});

describe("wechatpay-axios-plugin's own client against the sandbox gateway", () => {
  const client = () =>
    new Wechatpay({
      mchid: keys.mchId,
      serial: keys.mchSerial,
      privateKey: keys.mchPrivateKey,
      certs: { [keys.publicKeyId]: keys.platformPublicKey },
      baseURL: `${h.baseUrl}/sandbox/wechatpay/`,
    });

  it('signs requests the gateway accepts and verifies the gateway\'s signed answers', async () => {
    const wx = client();
    const no = paymentNo();
    const created = await wx.v3.pay.transactions.jsapi.post({
      appid: 'wx-sandbox-app',
      mchid: keys.mchId,
      description: '官方库下单',
      out_trade_no: no,
      notify_url: `${h.baseUrl}/notify/wechatpay`,
      amount: { total: 321, currency: 'CNY' },
      payer: { openid: 'oLibraryClient00000000000000' },
    });
    expect(created.status).toBe(200);
    expect((created.data as unknown as { prepay_id: string }).prepay_id).toMatch(/^wx/);

    const queried = await wx.v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid: keys.mchId }, out_trade_no: no });
    expect(queried.data).toMatchObject({ out_trade_no: no, trade_state: 'NOTPAY', amount: { total: 321 } });

    const closed = await wx.v3.pay.transactions.outTradeNo._out_trade_no_.close.post({ mchid: keys.mchId }, { out_trade_no: no });
    expect(closed.status).toBe(204);
    expect(await h.adapter.query(no)).toMatchObject({ state: 'closed' });
  });

  it('refuses the gateway\'s answers when it trusts another WeChat Pay key (the check is real)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const wx = new Wechatpay({ mchid: keys.mchId, serial: keys.mchSerial, privateKey: keys.mchPrivateKey, certs: { [keys.publicKeyId]: other }, baseURL: `${h.baseUrl}/sandbox/wechatpay/` });
    // (the library checks 2xx answers only)
    const no = paymentNo();
    await payViaSandbox(no, 100);
    await expect(wx.v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid: keys.mchId }, out_trade_no: no })).rejects.toMatchObject({ code: 'EV3_RES_HEADER_SIGNATURE_DIGEST' });
  });

  it('sees signed error answers (ORDER_NOT_EXIST) as WeChat sends them', async () => {
    const wx = client();
    await expect(wx.v3.pay.transactions.outTradeNo._out_trade_no_.get({ params: { mchid: keys.mchId }, out_trade_no: 'pay_NOSUCH000000000000000000001' })).rejects.toMatchObject({
      response: { status: 404, data: { code: 'ORDER_NOT_EXIST' } },
    });
  });
});
