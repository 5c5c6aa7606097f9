import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { ParentOrder } from '@contract/order';
import type { Payment } from '@contract/payment';
import { NOTIFY_PATH, SIGNATURE_HEADER, devpayKey, signNotification, type DevpayNotification } from '../../channels/devpay/wire';
import { testApp, type TestApp } from '../../test/app';
import { makeSku, userToken } from '../order/testing';

/**
 * The notify endpoints answer a notification they refuse (bad or missing signature, stale
 * timestamp, garbage, a record that does not match) with a 4xx in the channel's failure
 * format, and keep 5xx for failures of ours a retry may get past (here: the payments table
 * is briefly gone), so monitoring can tell an attack from an outage.
 */
let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await testApp({ seed: false });
  key = devpayKey(t.config);
});
afterAll(async () => {
  await t.close();
});

/** Each channel's failure body (docs: payment-channels). */
const FAILURE_FORMAT: Record<string, (body: string) => void> = {
  wechatpay: (body) => expect(JSON.parse(body)).toMatchObject({ code: 'FAIL', message: expect.any(String) }),
  alipay: (body) => expect(body).toBe('fail'),
  douyin: (body) => expect(JSON.parse(body)).toMatchObject({ err_no: expect.any(Number), err_tips: expect.any(String) }),
  sandbox: (body) => expect(JSON.parse(body)).toMatchObject({ code: 'FAIL' }),
};
const CHANNELS = Object.keys(FAILURE_FORMAT);

async function post(channel: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) {
  const res = await fetch(`${t.baseUrl}/notify/${channel}`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

const nowSeconds = () => String(Math.floor(Date.now() / 1000));
/** Signature headers that look like each channel's, with a signature that is not genuine. */
const FORGED: Record<string, Record<string, string>> = {
  wechatpay: {
    'wechatpay-timestamp': nowSeconds(),
    'wechatpay-nonce': 'abcdef0123456789',
    'wechatpay-serial': 'PUB_KEY_ID_0000000000000000000000000000000000',
    'wechatpay-signature': randomBytes(256).toString('base64'),
  },
  alipay: {},
  douyin: { 'byte-timestamp': nowSeconds(), 'byte-nonce-str': 'abcdef0123456789', 'byte-signature': randomBytes(256).toString('base64') },
  sandbox: { [SIGNATURE_HEADER]: randomBytes(32).toString('hex') },
};

const GARBAGE: [string, string | Uint8Array<ArrayBuffer>, string][] = [
  ['an empty body', '', 'application/json'],
  ['text that is not JSON', 'hello, not a notification', 'application/json'],
  ['an empty JSON object', '{}', 'application/json'],
  ['a JSON array', '[1,2,3]', 'application/json'],
  ['a form', 'a=b&sign=c&sign_type=RSA2', 'application/x-www-form-urlencoded'],
  ['random bytes with NULs', new Uint8Array([0, 255, 0, 1, 2, 0xc3, 0x28, 0]), 'application/octet-stream'],
];

describe.each(CHANNELS)('%s: refused notifications answer 4xx in the channel format', (channel) => {
  it.each(GARBAGE)('%s', async (_what, body, type) => {
    for (const headers of [{ 'content-type': type }, { 'content-type': type, ...FORGED[channel] }]) {
      const res = await post(channel, body, headers);
      expect(res.status).toBe(400);
      FAILURE_FORMAT[channel](res.text);
    }
  });

  it('a plausible notification with a signature that is not genuine', async () => {
    const body =
      channel === 'alipay'
        ? new URLSearchParams({ notify_id: 'n1', app_id: 'x', out_trade_no: 'pay_x', trade_no: 't', trade_status: 'TRADE_SUCCESS', total_amount: '1.00', sign_type: 'RSA2', sign: randomBytes(256).toString('base64') }).toString()
        : JSON.stringify({ id: 'n1', event_type: 'TRANSACTION.SUCCESS', resource: {}, msg: '{}', type: 'payment', version: '3.0', paymentNo: 'pay_x', tradeNo: 'T', amount: 1, status: 'SUCCESS', paidAt: 1, nonce: 'abcdefgh', timestamp: Date.now() });
    const type = channel === 'alipay' ? 'application/x-www-form-urlencoded' : 'application/json';
    const res = await post(channel, body, { 'content-type': type, ...FORGED[channel] });
    expect(res.status).toBe(400);
    FAILURE_FORMAT[channel](res.text);
  });
});

describe('correctly signed notifications (sandbox channel)', () => {
  function notification(over: Partial<DevpayNotification> = {}): DevpayNotification {
    const now = Date.now();
    return { paymentNo: 'pay_unknown', tradeNo: 'T1', amount: 100, status: 'SUCCESS', paidAt: now, nonce: randomBytes(8).toString('hex'), timestamp: now, ...over };
  }
  const send = (n: DevpayNotification, text = JSON.stringify(n)) =>
    post('sandbox', text, { 'content-type': 'application/json', [SIGNATURE_HEADER]: signNotification(key, n.timestamp, n.nonce, text) });

  async function openPayment(): Promise<{ payment: Payment; paymentNo: string }> {
    const s = await userToken(t.db, t.config.tokenSecret);
    const sku = await makeSku(t.db, { price: 1000 });
    const order = await t.post<ParentOrder>('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } }, { token: s.token, idempotencyKey: `n-${Math.random()}` });
    expect(order.status).toBe(201);
    const p = await t.post<Payment>('/api/payments', { orderId: order.body.id, channel: 'sandbox' }, { token: s.token, idempotencyKey: `n-${Math.random()}` });
    expect(p.status).toBe(201);
    if (p.body.clientParams?.kind !== 'sandbox') throw new Error('no sandbox params');
    return { payment: p.body, paymentNo: p.body.clientParams.paymentNo };
  }
  const statusOf = async (id: string) => (await t.db.selectFrom('payments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('a stale timestamp, an unknown payment and a wrong amount are refused with 400; the payment stays open', async () => {
    const stale = await send(notification({ timestamp: Date.now() - 10 * 60_000 }));
    expect(stale.status).toBe(400);
    const unknown = await send(notification());
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toMatchObject({ code: 'FAIL', message: expect.stringMatching(/unknown payment/) });

    const { payment, paymentNo } = await openPayment();
    const wrong = await send(notification({ paymentNo, amount: payment.channelAmount + 1 }));
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.text)).toMatchObject({ code: 'FAIL', message: expect.stringMatching(/amount/) });
    expect(await statusOf(payment.id)).toBe('paying');
  });

  it('a genuine notification we cannot apply right now answers 5xx; the retry is handled', async () => {
    const { payment, paymentNo } = await openPayment();
    const n = notification({ paymentNo, amount: payment.channelAmount });
    await sql`alter table payments rename to payments_away`.execute(t.db);
    let res;
    try {
      res = await send(n);
    } finally {
      await sql`alter table payments_away rename to payments`.execute(t.db);
    }
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toMatchObject({ code: 'FAIL' });
    const retry = await send(n);
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.text)).toEqual({ code: 'SUCCESS' });
    expect(await statusOf(payment.id)).toBe('paid');
  });
});

it('the sandbox channel path is the one the tests post to', () => {
  expect(NOTIFY_PATH).toBe('/notify/sandbox');
});
