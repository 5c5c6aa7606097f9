import { generateKeyPairSync } from 'node:crypto';
import { AlipaySdk } from 'alipay-sdk';
import { alipaySandboxKeys } from '../../../channels/alipay/sandbox-keys';
import { cstTime } from '../../../channels/alipay/wire';
import { signParams, verifiedResponseNode } from '../../../infra/alipay';
import { startAlipayHarness, type AlipayHarness } from './harness';

/**
 * The sandbox gateway on its own terms: Alipay's official SDK (its own HTTP client) talks to it
 * unchanged, requests are verified as Alipay does, it shares gateway.do with the login sandbox,
 * and the hosted cashier and confirm endpoints behave.
 */
const keys = alipaySandboxKeys();
let h: AlipayHarness;
let seq = 0;
const paymentNo = () => `pay_G${Date.now().toString(36).toUpperCase()}${(seq++).toString().padStart(4, '0')}`;

beforeAll(async () => {
  // Stands in for the login sandbox's POST gateway.do (alipay.system.oauth.token), registered first.
  h = await startAlipayHarness({
    beforeGateway: (app) => {
      app.post('/sandbox/alipay/gateway.do', async (req) => ({ servedBy: 'login', method: (req.body as Record<string, string> | undefined)?.method ?? null }));
    },
  });
});
afterAll(async () => {
  await h.close();
});

const sdk = () =>
  new AlipaySdk({ appId: keys.appId, privateKey: keys.appPrivateKey, keyType: 'PKCS8', alipayPublicKey: keys.alipayPublicKey, signType: 'RSA2', gateway: h.config.gateway, camelcase: false });

/** A gateway request built by hand (all parameters in the form body, as the login client sends them). */
async function post(params: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(h.config.gateway, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return { status: res.status, text: await res.text() };
}

const base = (method: string, biz: Record<string, unknown>) => ({
  app_id: keys.appId,
  method,
  charset: 'utf-8',
  sign_type: 'RSA2',
  timestamp: cstTime(Date.now()),
  version: '1.0',
  biz_content: JSON.stringify(biz),
});

describe('the official SDK against the sandbox gateway', () => {
  it('exec: create, query, close, with the answers\' signatures validated by the SDK', async () => {
    const no = paymentNo();
    const created = await sdk().exec(
      'alipay.trade.create',
      { notify_url: `${h.baseUrl}/notify/alipay`, bizContent: { out_trade_no: no, total_amount: '0.01', subject: 'SDK 下单', product_code: 'JSAPI_PAY', buyer_id: '2088102000000123' } },
      { validateSign: true },
    );
    expect(created).toMatchObject({ code: '10000', msg: 'Success', out_trade_no: no });
    expect(created.trade_no).toMatch(/^\d{28}$/);
    const queried = await sdk().exec('alipay.trade.query', { bizContent: { trade_no: created.trade_no } }, { validateSign: true });
    expect(queried).toMatchObject({ code: '10000', trade_status: 'WAIT_BUYER_PAY', total_amount: '0.01', out_trade_no: no });
    const closed = await sdk().exec('alipay.trade.close', { bizContent: { out_trade_no: no } }, { validateSign: true });
    expect(closed).toMatchObject({ code: '10000', trade_no: created.trade_no });
    const again = await sdk().exec('alipay.trade.close', { bizContent: { out_trade_no: no } }, { validateSign: true });
    expect(again).toMatchObject({ code: '40004', sub_code: 'ACQ.TRADE_STATUS_ERROR' });
    const missing = await sdk().exec('alipay.trade.query', { bizContent: { out_trade_no: paymentNo() } }, { validateSign: true });
    expect(missing).toMatchObject({ code: '40004', msg: 'Business Failed', sub_code: 'ACQ.TRADE_NOT_EXIST' });
  });

  it('exec: refund and refund query after the buyer paid', async () => {
    const no = paymentNo();
    const created = await sdk().exec('alipay.trade.create', { bizContent: { out_trade_no: no, total_amount: '10.00', subject: 'x', product_code: 'JSAPI_PAY', buyer_id: '2088102000000123' } });
    const paid = await fetch(`${h.baseUrl}/sandbox/alipay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: created.trade_no, action: 'pay' }) });
    expect(paid.status).toBe(200);
    const refund = { out_trade_no: no, refund_amount: '2.50', out_request_no: 'R1', refund_reason: '测试' };
    expect(await sdk().exec('alipay.trade.refund', { bizContent: refund }, { validateSign: true })).toMatchObject({ code: '10000', fund_change: 'Y', refund_fee: '2.50', send_back_fee: '2.50' });
    expect(await sdk().exec('alipay.trade.refund', { bizContent: refund }, { validateSign: true })).toMatchObject({ code: '10000', fund_change: 'N', refund_fee: '2.50' });
    expect(await sdk().exec('alipay.trade.fastpay.refund.query', { bizContent: { out_trade_no: no, out_request_no: 'R1' } }, { validateSign: true })).toMatchObject({
      code: '10000',
      refund_status: 'REFUND_SUCCESS',
      refund_amount: '2.50',
      total_amount: '10.00',
    });
  });

  it('pageExecute POST: the auto-submitting form the SDK renders opens the cashier (form post to gateway.do)', async () => {
    const no = paymentNo();
    const html = sdk().pageExecute('alipay.trade.wap.pay', 'POST', {
      bizContent: { out_trade_no: no, total_amount: '1.00', subject: '表单支付', product_code: 'QUICK_WAP_WAY' },
      returnUrl: `${h.baseUrl}/done`,
    });
    const action = /action="([^"]+)"/.exec(html)?.[1] ?? '';
    const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&quot;/g, '"')]));
    const res = await fetch(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    const page = await res.text();
    expect(page).toContain('id="sandbox-pay-confirm"');
    expect(page).toContain('¥1.00');
  });
});

describe('request verification', () => {
  it('unsigned, badly signed, wrong app and wrong sign type requests get signed error answers', async () => {
    const biz = { out_trade_no: paymentNo() };
    const node = 'alipay_trade_query_response';
    const read = (text: string) => verifiedResponseNode(text, node, keys.alipayPublicKey);

    expect(read((await post(base('alipay.trade.query', biz))).text)).toMatchObject({ code: '40001', sub_code: 'isv.missing-signature' });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const wrongKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(read((await post(signParams(base('alipay.trade.query', biz), wrongKey))).text)).toMatchObject({ code: '40002', sub_code: 'isv.invalid-signature' });
    expect(read((await post(signParams({ ...base('alipay.trade.query', biz), app_id: '2021999999999999' }, keys.appPrivateKey))).text)).toMatchObject({ sub_code: 'isv.invalid-app-id' });
    expect(read((await post(signParams({ ...base('alipay.trade.query', biz), sign_type: 'RSA' }, keys.appPrivateKey))).text)).toMatchObject({ sub_code: 'isv.invalid-signature-type' });
    // A changed parameter after signing.
    const signed = signParams(base('alipay.trade.query', biz), keys.appPrivateKey);
    expect(read((await post({ ...signed, biz_content: JSON.stringify({ out_trade_no: 'pay_other' }) })).text)).toMatchObject({ sub_code: 'isv.invalid-signature' });
    // All in the form body works as well as the SDK's query/body split.
    expect(read((await post(signed)).text)).toMatchObject({ code: '40004', sub_code: 'ACQ.TRADE_NOT_EXIST' });
  });

  it('shares gateway.do with the login sandbox: other methods reach the login route, before or after registration', async () => {
    const login = await post({ method: 'alipay.system.oauth.token', app_id: keys.appId, code: 'sandbox-x' });
    expect(JSON.parse(login.text)).toEqual({ servedBy: 'login', method: 'alipay.system.oauth.token' });

    const after = await startAlipayHarness({ afterGateway: (app) => app.post('/sandbox/alipay/gateway.do', async () => ({ servedBy: 'login' })) });
    try {
      const res = await fetch(after.config.gateway, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'method=alipay.system.oauth.token' });
      expect(await res.json()).toEqual({ servedBy: 'login' });
      await expect(after.adapter.query(paymentNo())).resolves.toMatchObject({ state: 'closed' });
    } finally {
      await after.close();
    }
  });

  it('GET with an unknown method answers error_response; a badly signed wap link shows an error page', async () => {
    const res = await fetch(`${h.config.gateway}?method=alipay.trade.pay&app_id=${keys.appId}`);
    expect(verifiedResponseNode(await res.text(), 'error_response', keys.alipayPublicKey)).toMatchObject({ sub_code: 'isv.invalid-method' });
    const biz = { out_trade_no: paymentNo(), total_amount: '1.00', subject: 'x', product_code: 'QUICK_WAP_WAY' };
    const signed = signParams(base('alipay.trade.wap.pay', biz), keys.appPrivateKey);
    const page = await fetch(`${h.config.gateway}?${new URLSearchParams({ ...signed, biz_content: JSON.stringify({ ...biz, total_amount: '0.01' }) })}`);
    const html = await page.text();
    expect(html).toContain('isv.invalid-signature');
    expect(html).not.toContain('id="sandbox-pay-confirm"');
  });
});

describe('trades, cashier and confirm', () => {
  async function createTrade(extra: Record<string, unknown> = {}) {
    const no = paymentNo();
    const r = await sdk().exec('alipay.trade.create', { notify_url: `${h.baseUrl}/notify/alipay`, bizContent: { out_trade_no: no, total_amount: '3.00', subject: '收银台', product_code: 'JSAPI_PAY', buyer_id: '2088102000000123', ...extra } });
    return { no, tradeNo: String(r.trade_no), answer: r };
  }

  it('a trade past time_expire is closed and cannot be paid', async () => {
    const { no, tradeNo } = await createTrade({ time_expire: cstTime(Date.now() + 1500) });
    await new Promise((r) => setTimeout(r, 2100));
    const res = await fetch(`${h.baseUrl}/sandbox/alipay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: tradeNo, action: 'pay' }) });
    expect(res.status).toBe(409);
    expect((await h.adapter.query(no)).state).toBe('closed');
  });

  it('the hosted cashier page for a mini-program trade; after paying it says so', async () => {
    const { tradeNo } = await createTrade();
    const page = await (await fetch(`${h.baseUrl}/sandbox/alipay/cashier/${tradeNo}`)).text();
    expect(page).toContain('id="sandbox-pay-confirm"');
    expect(page).toContain('id="sandbox-pay-cancel"');
    const res = await fetch(`${h.baseUrl}/sandbox/alipay/cashier/${tradeNo}/pay`, { method: 'POST', redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('支付成功');
    expect(await (await fetch(`${h.baseUrl}/sandbox/alipay/cashier/${tradeNo}`)).text()).toContain('交易已支付');
    const cancel = await fetch(`${h.baseUrl}/sandbox/alipay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: tradeNo, action: 'cancel' }) });
    expect(cancel.status).toBe(409);
  });

  it('confirm and trades answer 404 problem+json for unknown references, 400 for a bad body', async () => {
    const res = await fetch(`${h.baseUrl}/sandbox/alipay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: '2026000000000000000000000000', action: 'pay' }) });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const bad = await fetch(`${h.baseUrl}/sandbox/alipay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: 'x', action: 'refund' }) });
    expect(bad.status).toBe(400);
    const trade = await fetch(`${h.baseUrl}/sandbox/alipay/trades/pay_unknown`);
    expect(trade.status).toBe(404);
    expect(trade.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('refunds do not notify by default; with refundNotifications the refund-caused trade notification arrives as a refund', async () => {
    const quiet = h.received.length;
    const { no, tradeNo } = await createTrade();
    await fetch(`${h.baseUrl}/sandbox/alipay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: tradeNo, action: 'pay' }) });
    await h.waitFor((r) => r.result.ok && r.result.notification.paymentNo === no);
    await h.adapter.refund({ paymentNo: no, refundNo: 'R-quiet', amount: 100, total: 300, reason: 'x' });
    for (const n of h.notifiers) await n.settle();
    await new Promise((r) => setTimeout(r, 100));
    expect(h.received.slice(quiet).filter((r) => r.result.ok && r.result.notification.kind === 'refund')).toHaveLength(0);

    const loud = await startAlipayHarness({ sandbox: { refundNotifications: true } });
    try {
      const p = await loud.adapter.prepay({ paymentNo: no, amount: 300, description: 'x', expiresAt: Date.now() + 600_000, scene: 'mini', payerId: '2088102000000123' });
      if (p.kind !== 'alipay_trade') throw new Error(p.kind);
      await fetch(`${loud.baseUrl}/sandbox/alipay/confirm`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ref: p.tradeNO, action: 'pay' }) });
      await loud.adapter.refund({ paymentNo: no, refundNo: 'R-loud', amount: 300, total: 300, reason: 'x' });
      const r = await loud.waitFor((x) => x.result.ok && x.result.notification.kind === 'refund');
      expect(r.result).toMatchObject({ ok: true, notification: { kind: 'refund', paymentNo: no, refundNo: 'R-loud', amount: 300, status: 'SUCCESS' } });
      expect(new URLSearchParams(r.rawBody).get('trade_status')).toBe('TRADE_CLOSED');
    } finally {
      await loud.close();
    }
  });
});
