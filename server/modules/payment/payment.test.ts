import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Order, ParentOrder } from '@contract/order';
import type { Payment } from '@contract/payment';
import { testApp, type TestApp } from '../../test/app';
import { closeExpiredOrders } from '../order/service';
import { makeSku, stockOf, userToken } from '../order/testing';
import { NOTIFY_PATH, SIGNATURE_HEADER, sandboxPayKey, signNotification, type SandboxNotification } from './channel';
import { applyNotification } from './service';

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await testApp({ seed: false });
  key = sandboxPayKey(t.config);
});
afterAll(async () => {
  await t.close();
});

let n = 0;
const newKey = () => `pay-${process.pid}-${Date.now()}-${++n}`;
const pickup = { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } as const;
const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function placeOrder(token: string, skus: { skuId: string; quantity: number }[]): Promise<ParentOrder> {
  const res = await t.post<ParentOrder>('/api/orders', { items: skus, fulfilment: pickup }, { token, idempotencyKey: newKey() });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${res.text}`);
  return res.body;
}

/** A payment, or a problem (code) when refused. */
type PaymentOrProblem = Payment & { code?: string };

async function pay(token: string, orderId: string) {
  return t.post<PaymentOrProblem>('/api/payments', { orderId, channel: 'sandbox' }, { token, idempotencyKey: newKey() });
}

function notification(paymentNo: string, amount: number, over: Partial<SandboxNotification> = {}): SandboxNotification {
  const now = Date.now();
  return { paymentNo, tradeNo: `T${paymentNo}`, amount, status: 'SUCCESS', paidAt: now, nonce: randomBytes(8).toString('hex'), timestamp: now, ...over };
}

async function sendNotification(body: SandboxNotification, signingKey = key) {
  const text = JSON.stringify(body);
  return t.request<{ code: string; outcome?: string }>('POST', NOTIFY_PATH, {
    payload: text,
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signNotification(signingKey, body.timestamp, body.nonce, text) },
  });
}

const orderStatus = async (id: string) => (await t.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const paymentStatus = async (id: string) => (await t.db.selectFrom('payments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('createPayment', () => {
  it('pays a parent: one payment for every unpaid child; a repeat returns the open payment', async () => {
    const token = await t.login();
    const a = await makeSku(t.db, { merchantId: 'm_y1', price: 2000 });
    const b = await makeSku(t.db, { merchantId: 'm_y2', price: 15000 });
    const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }, { skuId: b.skuId, quantity: 1 }]);
    const res = await pay(token, parent.id);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ orderId: parent.id, channel: 'sandbox', amount: parent.amounts.payableAmount, status: 'paying', paidAt: null, expiresAt: parent.expiresAt });
    expect(res.body.clientParams.cashierUrl).toBe(`${t.baseUrl}/sandbox/pay/${res.body.clientParams.paymentNo}`);
    const again = await pay(token, parent.id);
    expect(again.body.id).toBe(res.body.id);
    const got = await t.get<Payment>(`/api/payments/${res.body.id}`, { token });
    expect(got.body).toEqual(res.body);

    // Paying one child instead replaces the parent's open payment (a child is never paid twice).
    const child = await pay(token, parent.children[0].id);
    expect(child.body.amount).toBe(parent.children[0].amounts.payableAmount);
    expect(await paymentStatus(res.body.id)).toBe('closed');
  });

  it('refuses orders that are not payable or past their deadline, and other users', async () => {
    const alice = userToken(t.config.tokenSecret);
    const bob = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db);
    const cancelled = await placeOrder(alice.token, [{ skuId: a.skuId, quantity: 1 }]);
    await t.post(`/api/orders/${cancelled.children[0].id}/cancel`, undefined, { token: alice.token, idempotencyKey: newKey() });
    let res = await pay(alice.token, cancelled.id);
    expect([res.status, res.body]).toEqual([409, expect.objectContaining({ code: 'ORDER_NOT_PAYABLE' })]);

    const expired = await placeOrder(alice.token, [{ skuId: a.skuId, quantity: 1 }]);
    await t.db.updateTable('orders').set({ expires_at: Date.now() - 1 }).where('parent_id', '=', expired.id).execute();
    res = await pay(alice.token, expired.id);
    expect([res.status, res.body]).toEqual([409, expect.objectContaining({ code: 'PAYMENT_EXPIRED' })]);

    const open = await placeOrder(alice.token, [{ skuId: a.skuId, quantity: 1 }]);
    res = await pay(bob.token, open.id);
    expect([res.status, res.body.code]).toEqual([404, 'NOT_FOUND']);
    res = await pay(bob.token, open.children[0].id);
    expect([res.status, res.body.code]).toEqual([404, 'NOT_FOUND']);
    const mine = await pay(alice.token, open.id);
    const peek = await t.get(`/api/payments/${mine.body.id}`, { token: bob.token });
    expect([peek.status, peek.body.code]).toEqual([404, 'NOT_FOUND']);
    const bad = await t.post('/api/payments', { orderId: open.id, channel: 'wechat' }, { token: alice.token, idempotencyKey: newKey() });
    expect(bad.status).toBe(400);
    const noKey = await t.post('/api/payments', { orderId: open.id, channel: 'sandbox' }, { token: alice.token });
    expect(noKey.status).toBe(400);
  });
});

describe('sandbox channel and notifications', () => {
  it('confirm -> signed notification over HTTP -> order paid; the client never marks it paid', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db, { merchantId: 'm_y3', merchantName: '沙箱测试店', price: 4590 });
    const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 2 }]);
    const payment = (await pay(token, parent.id)).body;

    const page = await t.get(`/sandbox/pay/${payment.clientParams.paymentNo}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="sandbox-pay-confirm"');
    expect(page.text).toContain('id="sandbox-pay-cancel"');
    expect(page.text).toContain('确认支付');
    expect(page.text).toContain('沙箱测试店');
    expect(page.text).toContain(`¥${(parent.amounts.payableAmount / 100).toFixed(2)}`);

    const res = await t.post<{ delivered: boolean; paymentStatus: string }>(`/sandbox/pay/${payment.clientParams.paymentNo}/confirm`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delivered: true, paymentStatus: 'paid' });
    const paid = await t.get<Payment>(`/api/payments/${payment.id}`, { token });
    expect(paid.body.status).toBe('paid');
    expect(paid.body.paidAt).not.toBeNull();
    const child = (await t.get<Order>(`/api/orders/${parent.children[0].id}`, { token })).body;
    expect(child.status).toBe('paid');
    expect(child.timeline.map((e) => e.status)).toEqual(['pending_payment', 'paid']);
    expect((await t.get<ParentOrder>(`/api/parent-orders/${parent.id}`, { token })).body.status).toBe('paid');

    // Confirming again charges nothing and changes nothing.
    const twice = await t.post<{ delivered: boolean; paymentStatus: string }>(`/sandbox/pay/${payment.clientParams.paymentNo}/confirm`, {});
    expect(twice.body).toMatchObject({ delivered: false, paymentStatus: 'paid' });
    const after = (await t.get<Order>(`/api/orders/${parent.children[0].id}`, { token })).body;
    expect(after.timeline).toHaveLength(2);
    const again = await pay(token, parent.id);
    expect([again.status, again.body.code]).toEqual([409, 'ORDER_NOT_PAYABLE']);
  });

  it('applies a duplicate notification once; refuses forged signatures, changed amounts and stale timestamps', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db, { price: 1234 });
    const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }]);
    const payment = (await pay(token, parent.id)).body;
    const childId = parent.children[0].id;

    const forged = await sendNotification(notification(payment.clientParams.paymentNo, payment.amount), 'not-the-sandbox-key-at-all');
    expect([forged.status, forged.body.code]).toEqual([400, 'NOTIFY_REJECTED']);
    const changed = await sendNotification(notification(payment.clientParams.paymentNo, payment.amount - 1));
    expect([changed.status, changed.body.code]).toEqual([400, 'NOTIFY_REJECTED']);
    const stale = await sendNotification(notification(payment.clientParams.paymentNo, payment.amount, { timestamp: Date.now() - 10 * 60 * 1000 }));
    expect(stale.status).toBe(400);
    const unknown = await sendNotification(notification('SBXNOPE', payment.amount));
    expect(unknown.status).toBe(400);
    const unsigned = await t.request('POST', NOTIFY_PATH, { payload: JSON.stringify(notification(payment.clientParams.paymentNo, payment.amount)), headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(400);
    expect(await orderStatus(childId)).toBe('pending_payment');
    expect(await paymentStatus(payment.id)).toBe('paying');

    const real = notification(payment.clientParams.paymentNo, payment.amount);
    const first = await sendNotification(real);
    expect(first.body).toEqual({ code: 'SUCCESS', outcome: 'applied' });
    const dup = await sendNotification(real);
    expect([dup.status, dup.body]).toEqual([200, { code: 'SUCCESS', outcome: 'duplicate' }]);
    const events = await t.db.selectFrom('order_events').select('status').where('order_id', '=', childId).execute();
    expect(events.map((e) => e.status)).toEqual(['pending_payment', 'paid']);
    expect(await paymentStatus(payment.id)).toBe('paid');
  });

  it('cancel at the cashier closes the payment; the order stays payable with a new payment', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db);
    const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }]);
    const payment = (await pay(token, parent.id)).body;
    const res = await t.post<{ paymentStatus: string }>(`/sandbox/pay/${payment.clientParams.paymentNo}/cancel`, {});
    expect(res.body.paymentStatus).toBe('closed');
    expect(await orderStatus(parent.children[0].id)).toBe('pending_payment');
    const next = await pay(token, parent.id);
    expect(next.status).toBe(201);
    expect(next.body.id).not.toBe(payment.id);
    const declined = await t.post<{ paymentStatus: string }>(`/sandbox/pay/${next.body.clientParams.paymentNo}/fail`, {});
    expect(declined.body.paymentStatus).toBe('failed');
  });

  it('the cashier form redirects to a same-origin return URL only', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db);
    const p1 = (await pay(token, (await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }])).id)).body;
    const form = (no: string, ret: string) =>
      fetch(`${t.baseUrl}/sandbox/pay/${no}/confirm?return=${encodeURIComponent(ret)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual' });
    const ok = await form(p1.clientParams.paymentNo, '/pages/checkout/result/index?id=1');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/pages/checkout/result/index?id=1');
    const p2 = (await pay(token, (await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }])).id)).body;
    const evil = await form(p2.clientParams.paymentNo, 'https://evil.example/steal');
    expect(evil.status).toBe(200);
    expect(await evil.text()).toContain('支付成功');
    expect((await t.get('/sandbox/pay/SBXUNKNOWN')).status).toBe(404);
    const unknownForm = await form('SBXUNKNOWN', '/x');
    expect(unknownForm.status).toBe(404);
    expect(await unknownForm.text()).toContain('支付单不存在');
    const unknownJson = await t.post('/sandbox/pay/SBXUNKNOWN/confirm', {});
    expect([unknownJson.status, unknownJson.body.code]).toEqual([404, 'NOT_FOUND']);
  });

  it('retries a notification the server failed to take', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db);
    const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }]);
    const payment = (await pay(token, parent.id)).body;
    // A gateway in front of the notify URL that is down for the first delivery.
    let calls = 0;
    const target = t.baseUrl;
    const gateway = http.createServer((req, res) => {
      calls += 1;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (calls === 1) {
          res.writeHead(503).end();
          return;
        }
        void fetch(`${target}${req.url}`, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: String(req.headers[SIGNATURE_HEADER]) }, body: Buffer.concat(chunks).toString('utf8') })
          .then(async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()));
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const original = t.config.publicBaseUrl;
    t.config.publicBaseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${target}/sandbox/pay/${payment.clientParams.paymentNo}/confirm`, { method: 'POST' });
      expect(((await res.json()) as { delivered: boolean }).delivered).toBe(false);
      for (let i = 0; i < 40 && (await paymentStatus(payment.id)) !== 'paid'; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await paymentStatus(payment.id)).toBe('paid');
      expect(await orderStatus(parent.children[0].id)).toBe('paid');
      expect(calls).toBe(2);
    } finally {
      t.config.publicBaseUrl = original;
      await new Promise((resolve) => gateway.close(resolve));
    }
  });
});

describe('payment vs close', () => {
  it('a notification after the close job does not resurrect the order', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 5 });
    const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 2 }]);
    const payment = (await pay(token, parent.id)).body;
    expect(await stockOf(t.db, a.skuId)).toBe(3);
    await closeExpiredOrders(t.db, parent.expiresAt + 1);
    expect(await orderStatus(parent.children[0].id)).toBe('closed');
    expect(await paymentStatus(payment.id)).toBe('closed');
    expect(await stockOf(t.db, a.skuId)).toBe(5);

    const late = await sendNotification(notification(payment.clientParams.paymentNo, payment.amount));
    expect([late.status, late.body]).toEqual([200, { code: 'SUCCESS', outcome: 'late' }]);
    expect(await orderStatus(parent.children[0].id)).toBe('closed');
    expect(await paymentStatus(payment.id)).toBe('closed');
    expect(await stockOf(t.db, a.skuId)).toBe(5);
    const confirm = await t.post(`/sandbox/pay/${payment.clientParams.paymentNo}/confirm`, {});
    expect(confirm.body).toMatchObject({ delivered: false, paymentStatus: 'closed' });
  });

  it('cancelling an order closes its open payment', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db);
    const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }]);
    const payment = (await pay(token, parent.id)).body;
    await t.post(`/api/orders/${parent.children[0].id}/cancel`, undefined, { token, idempotencyKey: newKey() });
    expect(await paymentStatus(payment.id)).toBe('closed');
  });

  it('a payment confirmation racing the close: exactly one wins, consistently', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db, { stock: 100 });
    for (let i = 0; i < 8; i++) {
      const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }]);
      const payment = (await pay(token, parent.id)).body;
      const body = notification(payment.clientParams.paymentNo, payment.amount);
      const [outcome] = await Promise.all([
        applyNotification(t.db, body, JSON.stringify(body), silentLog),
        closeExpiredOrders(t.db, parent.expiresAt + 1),
      ]);
      const order = await orderStatus(parent.children[0].id);
      const pay_ = await paymentStatus(payment.id);
      if (outcome === 'applied') expect([order, pay_]).toEqual(['paid', 'paid']);
      else expect([outcome, order, pay_]).toEqual(['late', 'closed', 'closed']);
    }
    // Paid orders keep their unit; closed ones gave it back.
    const rows = await t.db.selectFrom('orders').innerJoin('order_lines', 'order_lines.order_id', 'orders.id').select('orders.status').where('order_lines.sku_id', '=', a.skuId).execute();
    const paid = rows.filter((o) => o.status === 'paid').length;
    expect(rows.filter((o) => o.status === 'closed').length).toBe(8 - paid);
    expect(await stockOf(t.db, a.skuId)).toBe(100 - paid);
  });

  it('ship (sandbox merchant console) and confirm receipt complete the order', async () => {
    const { token } = userToken(t.config.tokenSecret);
    const a = await makeSku(t.db);
    const parent = await placeOrder(token, [{ skuId: a.skuId, quantity: 1 }]);
    const childId = parent.children[0].id;
    const early = await t.post(`/sandbox/orders/${childId}/ship`, {});
    expect([early.status, early.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    const payment = (await pay(token, parent.id)).body;
    await t.post(`/sandbox/pay/${payment.clientParams.paymentNo}/confirm`, {});
    const shipped = await t.post(`/sandbox/orders/${childId}/ship`, {});
    expect(shipped.body).toEqual({ id: childId, status: 'shipped' });
    expect((await t.get('/api/orders/counts', { token })).body).toEqual({ pending_payment: 0, paid: 0, shipped: 1 });
    const done = await t.post<Order>(`/api/orders/${childId}/confirm`, undefined, { token, idempotencyKey: newKey() });
    expect(done.body.status).toBe('completed');
    expect(done.body.timeline.map((e) => e.status)).toEqual(['pending_payment', 'paid', 'shipped', 'completed']);
    expect((await t.post('/sandbox/orders/o_nope/ship', {})).status).toBe(404);
  });
});
