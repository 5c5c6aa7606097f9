import { makeSku, userToken } from '../modules/order/testing';
import { testApp, type TestApp } from '../test/app';
import { safeReturnUrl } from './devpay';

describe('safeReturnUrl', () => {
  const base = 'http://127.0.0.1:3000';
  it('accepts relative paths and same-origin URLs only', () => {
    expect(safeReturnUrl('/pages/checkout/result/index?id=po_1', base)).toBe('/pages/checkout/result/index?id=po_1');
    expect(safeReturnUrl('http://127.0.0.1:3000/#/pages/orders/index', base)).toBe('http://127.0.0.1:3000/#/pages/orders/index');
    for (const bad of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'http://127.0.0.1:3001/', 'javascript:alert(1)', '', 42, undefined]) {
      expect(safeReturnUrl(bad, base)).toBeNull();
    }
    // The origin the cashier page was requested on counts as our own too.
    expect(safeReturnUrl('http://localhost:3000/#/x', base, 'http://localhost:3000')).toBe('http://localhost:3000/#/x');
    expect(safeReturnUrl('http://localhost:3000/#/x', base)).toBeNull();
  });
});

describe('cashier page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ seed: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it('escapes merchant names and hides the buttons once the payment is no longer open', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const sku = await makeSku(t.db, { merchantId: 'm_xss', merchantName: '<script>alert(1)</script>' });
    const order = await t.post<{ id: string }>('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '孙八', contactPhone: '13400134000' } }, { token, idempotencyKey: 'cashier-1' });
    const payment = await t.post<{ clientParams: { paymentNo: string } }>('/api/payments', { orderId: order.body.id, channel: 'sandbox' }, { token, idempotencyKey: 'cashier-2' });
    expect([payment.status, payment.text]).toEqual([201, expect.any(String)]);
    const no = payment.body.clientParams.paymentNo;
    let page = await t.get(`/sandbox/pay/${no}?return=${encodeURIComponent('https://evil.example/')}`);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&#60;script&#62;');
    expect(page.text).not.toContain('evil.example');
    await t.post(`/sandbox/pay/${no}/cancel`, {});
    page = await t.get(`/sandbox/pay/${no}`);
    expect(page.text).not.toContain('id="sandbox-pay-confirm"');
    expect(page.text).toContain('支付已关闭');
  });
});

describe('with SANDBOX=off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ seed: false, env: { SANDBOX: 'off' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves no cashier or notify route and refuses sandbox payments (the channel is not configured)', async () => {
    const { token } = await userToken(t.db, t.config.tokenSecret);
    const sku = await makeSku(t.db);
    const order = await t.post<{ id: string }>('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '孙八', contactPhone: '13400134000' } }, { token, idempotencyKey: 'off-1' });
    expect(order.status).toBe(201);
    const payment = await t.post('/api/payments', { orderId: order.body.id, channel: 'sandbox' }, { token, idempotencyKey: 'off-2' });
    expect([payment.status, payment.body.code]).toEqual([503, 'CHANNEL_UNAVAILABLE']);
    expect((await t.get('/sandbox/pay/SBX1')).status).toBe(404);
    expect((await t.post('/notify/sandbox', {})).status).toBe(404);
    expect((await t.post(`/sandbox/orders/${order.body.id}/ship`, {})).status).toBe(404);
    expect((await t.post('/sandbox/accounts/u_x/disable', {})).status).toBe(404);
  });
});
