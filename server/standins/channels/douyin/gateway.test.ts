import { createSign, createVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { createStandInContext as createSandboxContext } from '../context';
import { FaultController } from '../faults';
import { DOUYIN_NOTIFY_SCHEDULE_SECONDS, registerDouyinStandIn as registerDouyinSandbox } from '.';

/**
 * The gateway on its own, driven with plain fetch and node:crypto (not the adapter's code):
 * what a developer's server would see from the real platform.
 */
const KEYS = path.resolve(__dirname, '..', '..', '..', '..', 'sandbox-keys', 'douyin');
const read = (f: string) => readFileSync(path.join(KEYS, f), 'utf8');
const appPrivate = read('app_private_key.pem');
const platformPublic = read('platform_public_key.pem');
const ids = JSON.parse(read('ids.json')) as { appId: string; appSecret: string; keyVersion: string; merchantId: string };

const sign = (text: string, key: string) => createSign('RSA-SHA256').update(text).sign(key, 'base64');
const verify = (text: string, sig: string) => createVerify('RSA-SHA256').update(text).verify(platformPublic, sig, 'base64');

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let app: FastifyInstance;
let base = '';
let answerOk = true;
const deliveries: Delivery[] = [];
const ctx = createSandboxContext({ faults: new FaultController(), timeScale: 0.001, baseUrl: () => base, log: { info() {}, warn() {} } });

beforeAll(async () => {
  app = Fastify({ logger: false });
  registerDouyinSandbox(app, ctx);
  await app.register(async (scope) => {
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post('/notify/douyin', async (req, reply) => {
      deliveries.push({ headers: req.headers, body: String(req.body) });
      return answerOk ? reply.send({ err_no: 0, err_tips: 'success' }) : reply.code(500).send({ err_no: 1, err_tips: 'busy' });
    });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const a = app.server.address();
  if (!a || typeof a !== 'object') throw new Error('no address');
  base = `http://127.0.0.1:${a.port}`;
});
afterAll(async () => {
  ctx.stop();
  await app.close();
});

async function post(p: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function authorization(method: string, uri: string, body: string, key = appPrivate): string {
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = `N${Math.random().toString(36).slice(2).toUpperCase()}`;
  const signature = sign(`${method}\n${uri}\n${ts}\n${nonce}\n${body}\n`, key);
  return `SHA256-RSA2048 appid=${ids.appId},nonce_str=${nonce},timestamp=${ts},key_version=${ids.keyVersion},signature=${signature}`;
}

async function clientToken(): Promise<string> {
  const res = await post('/sandbox/douyin/oauth/client_token/', JSON.stringify({ client_key: ids.appId, client_secret: ids.appSecret, grant_type: 'client_credential' }));
  const json = JSON.parse(res.text);
  expect(json.data.error_code).toBe(0);
  expect(json.data.expires_in).toBe(7200);
  return json.data.access_token as string;
}

async function createOrder(outOrderNo: string, amount: number): Promise<string> {
  const data = JSON.stringify({
    skuList: [{ skuId: 'sku1', price: amount, quantity: 1, title: '商品', imageList: ['https://example.com/a.png'] }],
    outOrderNo,
    totalAmount: amount,
    payExpireSeconds: 600,
    payNotifyUrl: `${base}/notify/douyin`,
    orderEntrySchema: { path: 'pages/orders/detail', params: '{}' },
  });
  const res = await post('/sandbox/douyin/client/requestOrder', JSON.stringify({ data, byteAuthorization: authorization('POST', '/requestOrder', data) }));
  expect(res.status).toBe(200);
  return JSON.parse(res.text).data.orderId as string;
}

async function waitForDelivery(pred: (d: Delivery) => boolean, timeoutMs = 3000): Promise<Delivery> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const hit = deliveries.find(pred);
    if (hit) return hit;
    if (Date.now() > end) throw new Error('no delivery');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Douyin sandbox gateway', () => {
  it('publishes its retry schedule', () => {
    expect(DOUYIN_NOTIFY_SCHEDULE_SECONDS).toEqual([15, 30, 60, 120, 240, 480, 960, 1920, 3840, 7680]);
  });

  it('refuses API calls without a token, without or with a bad signature; answers are platform-signed', async () => {
    const p = '/api/trade_basic/v1/developer/order_query/';
    const body = JSON.stringify({ out_order_no: 'nope' });
    const noToken = await post(`/sandbox/douyin${p}`, body);
    expect(JSON.parse(noToken.text).err_no).toBe(28001003);

    const token = await clientToken();
    const unsigned = await post(`/sandbox/douyin${p}`, body, { 'access-token': token });
    expect(unsigned.status).toBe(401);
    expect(JSON.parse(unsigned.text)).toMatchObject({ err_no: 28001016, data: null });

    const wrongPath = await post(`/sandbox/douyin${p}`, body, { 'access-token': token, 'byte-authorization': authorization('POST', '/api/other/', body) });
    expect(wrongPath.status).toBe(401);

    const good = await post(`/sandbox/douyin${p}`, body, { 'access-token': token, 'byte-authorization': authorization('POST', p, body) });
    expect(good.status).toBe(200);
    expect(JSON.parse(good.text)).toMatchObject({ err_no: 28045001 });
    const ts = good.headers.get('byte-timestamp') ?? '';
    const nonce = good.headers.get('byte-nonce-str') ?? '';
    expect(verify(`${ts}\n${nonce}\n${good.text}\n`, good.headers.get('byte-signature') ?? '')).toBe(true);

    const badSecret = await post('/sandbox/douyin/oauth/client_token/', JSON.stringify({ client_key: ids.appId, client_secret: 'x', grant_type: 'client_credential' }));
    expect(JSON.parse(badSecret.text).data.error_code).not.toBe(0);
  });

  it('tt.requestOrder stand-in refuses data its byteAuthorization was not signed over', async () => {
    const data = JSON.stringify({ outOrderNo: 'x' });
    const res = await post('/sandbox/douyin/client/requestOrder', JSON.stringify({ data, byteAuthorization: authorization('POST', '/requestOrder', `${data} `) }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).err_no).toBe(28001016);
  });

  it('confirm pays and sends a payment callback that verifies with the platform public key; retries until acknowledged', async () => {
    const outOrderNo = `gw_${Date.now()}`;
    const orderId = await createOrder(outOrderNo, 1234);
    answerOk = false;
    const res = await post('/sandbox/douyin/confirm', JSON.stringify({ ref: outOrderNo, action: 'pay' }));
    expect(JSON.parse(res.text)).toEqual({ ok: true, paymentNo: outOrderNo });
    await waitForDelivery((d) => d.body.includes(outOrderNo));
    answerOk = true;
    await new Promise((r) => setTimeout(r, 200));
    const mine = deliveries.filter((d) => d.body.includes(outOrderNo));
    expect(mine.length).toBeGreaterThanOrEqual(2);
    const stamps = new Set(mine.map((d) => `${d.headers['byte-timestamp']}/${d.headers['byte-nonce-str']}`));
    expect(stamps.size).toBe(mine.length);
    for (const d of mine) {
      const sig = String(d.headers['byte-signature']);
      expect(verify(`${d.headers['byte-timestamp']}\n${d.headers['byte-nonce-str']}\n${d.body}\n`, sig)).toBe(true);
      const body = JSON.parse(d.body) as { msg: string; type: string; version: string };
      expect(body.type).toBe('payment');
      expect(body.version).toBe('3.0');
      expect(JSON.parse(body.msg)).toMatchObject({
        app_id: ids.appId,
        out_order_no: outOrderNo,
        order_id: orderId,
        status: 'SUCCESS',
        total_amount: 1234,
        merchant_uid: ids.merchantId,
        pay_channel: 10,
      });
    }
    const trade = await fetch(`${base}/sandbox/douyin/trades/${outOrderNo}`).then((r) => r.json());
    expect(trade).toMatchObject({ status: 'SUCCESS', orderId, totalAmount: 1234 });
    const acked = await fetch(`${base}/sandbox/douyin/trades/nope`);
    expect(acked.status).toBe(404);
    expect(acked.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('confirm answers problem+json for unknown orders and bad bodies', async () => {
    const unknown = await post('/sandbox/douyin/confirm', JSON.stringify({ ref: 'nope', action: 'pay' }));
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const bad = await post('/sandbox/douyin/confirm', JSON.stringify({ ref: 'x', action: 'steal' }));
    expect(bad.status).toBe(400);
  });

  it('refund_create: stable refund number, never more than paid; a refund callback follows', async () => {
    const outOrderNo = `gwr_${Date.now()}`;
    const orderId = await createOrder(outOrderNo, 100);
    await post('/sandbox/douyin/confirm', JSON.stringify({ ref: outOrderNo, action: 'pay' }));
    const token = await clientToken();
    const q = '/api/trade_basic/v1/developer/order_query/';
    const qBody = JSON.stringify({ out_order_no: outOrderNo });
    const order = JSON.parse((await post(`/sandbox/douyin${q}`, qBody, { 'access-token': token, 'byte-authorization': authorization('POST', q, qBody) })).text);
    const itemOrderId = order.data.item_order_list[0].item_order_id as string;
    const p = '/api/trade_basic/v1/developer/refund_create/';
    const refund = async (outRefundNo: string, amount: number) => {
      const body = JSON.stringify({
        order_id: orderId,
        out_refund_no: outRefundNo,
        cp_extra: outOrderNo,
        order_entry_schema: { path: 'pages/orders/detail' },
        notify_url: `${base}/notify/douyin`,
        refund_reason: [{ code: 999, text: '其他' }],
        refund_total_amount: amount,
        item_order_detail: [{ item_order_id: itemOrderId, refund_amount: amount }],
      });
      return JSON.parse((await post(`/sandbox/douyin${p}`, body, { 'access-token': token, 'byte-authorization': authorization('POST', p, body) })).text);
    };
    const a = await refund(`${outOrderNo}_r1`, 60);
    const b = await refund(`${outOrderNo}_r1`, 60);
    expect(a.err_no).toBe(0);
    expect(b.data.refund_id).toBe(a.data.refund_id);
    expect((await refund(`${outOrderNo}_r2`, 41)).err_no).toBe(28045003);
    expect((await refund(`${outOrderNo}_r2`, 40)).err_no).toBe(0);
    const d = await waitForDelivery((x) => x.body.includes(`${outOrderNo}_r1`));
    expect(JSON.parse(d.body).type).toBe('refund');
    expect(JSON.parse(JSON.parse(d.body).msg)).toMatchObject({ status: 'SUCCESS', refund_id: a.data.refund_id, out_refund_no: `${outOrderNo}_r1`, refund_total_amount: 60, cp_extra: outOrderNo });
    const trade = await fetch(`${base}/sandbox/douyin/trades/${outOrderNo}`).then((r) => r.json());
    expect(trade.refundedAmount).toBe(100);
    expect(trade.refunds).toHaveLength(2);
  });
});
