import type { Order } from '@contract/order';
import type { MerchantOrderDetail, MerchantOrderPage } from '@contract/workbench';
import type { AuditPage } from '@contract/merchant';
import { merchantOrderDetail, merchantOrderPage } from '@contract/workbench';
import { testApp, uniquePhone, type ApiResponse, type TestApp } from '../../test/app';
import { paidOrder, pay, pickupCodeOf, placeOrder, shopper, type Shopper } from '../../test/workbench';
import { addStaff, makeMerchant } from '../merchant/testing';
import { userToken } from './testing';
import { PICKUP_MAX_FAILURES, verifyPickup } from './workbench';

/**
 * The order side of the merchant's workbench through the real app (docs/merchant.md): tabs and
 * counts, search, detail, shipping (one parcel, several, a repeat), pickup verification (right,
 * wrong, the rate limit), remarks, the audit of each, and the sandbox's console shipping
 * through the same service.
 */
let t: TestApp;
const A = 'm_wa';
const B = 'm_wb';
let owner: { userId: string; token: string };
let operator: { userId: string; token: string };
let ownerB: { userId: string; token: string };
let buyer: Shopper;

const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();
const base = (m = A) => `/api/merchants/${m}`;

beforeAll(async () => {
  t = await testApp({ seed: false });
  await makeMerchant(t.db, A, '工作台甲店');
  await makeMerchant(t.db, B, '工作台乙店');
  owner = await userToken(t.db, t.config.tokenSecret);
  operator = await userToken(t.db, t.config.tokenSecret);
  ownerB = await userToken(t.db, t.config.tokenSecret);
  await addStaff(t.db, A, owner.userId, 'owner');
  await addStaff(t.db, A, operator.userId, 'operator');
  await addStaff(t.db, B, ownerB.userId, 'owner');
  buyer = await shopper(t, uniquePhone());
});
afterAll(async () => {
  await t.close();
});

async function auditOf(target: string): Promise<AuditPage['items']> {
  const res = await t.get<AuditPage>(`${base()}/audit?limit=50`, { token: owner.token });
  expect(res.status).toBe(200);
  return res.body.items.filter((e) => e.target === target);
}

describe('the order list', () => {
  it('shows each tab with its counts, newest first, with cursor pages; searches by order number, phone and title', async () => {
    const m = 'm_wlist';
    await makeMerchant(t.db, m);
    const own = await userToken(t.db, t.config.tokenSecret);
    await addStaff(t.db, m, own.userId, 'owner');
    const other = await shopper(t, uniquePhone());
    const pending = await placeOrder(t, buyer, { merchantId: m, title: '青花瓷茶杯' });
    const toShip1 = await paidOrder(t, buyer, { merchantId: m, title: '紫砂壶' });
    const toShip2 = await paidOrder(t, other, { merchantId: m, title: '白瓷盘', lines: 2 });
    const toPickup = await paidOrder(t, buyer, { merchantId: m, type: 'pickup', title: '龙井茶叶' });
    const shipped = await paidOrder(t, buyer, { merchantId: m });
    expect((await t.post(`${base(m)}/orders/${shipped.orderId}/ship`, { parcels: [{ carrier: 'zto', trackingNo: 'ZT0001' }] }, { token: own.token })).status).toBe(200);
    const cancelled = await placeOrder(t, buyer, { merchantId: m });
    expect((await t.post(`/api/orders/${cancelled.orderId}/cancel`, undefined, { token: buyer.token })).status).toBe(200);

    const all = await t.get<MerchantOrderPage>(`${base(m)}/orders`, { token: own.token });
    expect(all.status).toBe(200);
    expect(() => merchantOrderPage.parse(all.body)).not.toThrow();
    expect(all.body.counts).toEqual({ all: 6, to_ship: 2, to_pickup: 1, shipped: 1, completed: 0, closed: 1 });
    expect(all.body.items.map((o) => o.id)).toEqual([cancelled, shipped, toPickup, toShip2, toShip1, pending].map((o) => o.orderId));

    const tab = async (name: string, q = '') =>
      (await t.get<MerchantOrderPage>(`${base(m)}/orders?tab=${name}${q ? `&q=${encodeURIComponent(q)}` : ''}`, { token: own.token })).body.items.map((o) => o.id);
    expect(await tab('to_ship')).toEqual([toShip2.orderId, toShip1.orderId]);
    expect(await tab('to_pickup')).toEqual([toPickup.orderId]);
    expect(await tab('shipped')).toEqual([shipped.orderId]);
    expect(await tab('closed')).toEqual([cancelled.orderId]);
    expect(await tab('completed')).toEqual([]);

    // The row: buyer contact, first line, counts.
    const row = (await t.get<MerchantOrderPage>(`${base(m)}/orders?tab=to_ship`, { token: own.token })).body.items[0];
    expect(row).toMatchObject({ orderNo: toShip2.orderNo, status: 'paid', fulfilmentType: 'delivery', contactName: '王五', contactPhone: other.phone, title: '白瓷盘', lineCount: 2, itemCount: 2 });

    // Search: the order number, the parent's number, the buyer's phone, a word of a title (with the tab).
    expect(await tab('all', toShip1.orderNo)).toEqual([toShip1.orderId]);
    expect(await tab('all', toShip1.parentNo)).toEqual([toShip1.orderId]);
    expect(await tab('all', other.phone)).toEqual([toShip2.orderId]);
    expect(await tab('all', '龙井')).toEqual([toPickup.orderId]);
    expect(await tab('to_ship', '龙井')).toEqual([]);
    expect(await tab('all', '100%')).toEqual([]);
    // Another merchant's order number finds nothing here.
    const elsewhere = await placeOrder(t, buyer, { merchantId: B });
    expect(await tab('all', elsewhere.orderNo)).toEqual([]);

    // Pages.
    const first = await t.get<MerchantOrderPage>(`${base(m)}/orders?limit=4`, { token: own.token });
    expect(first.body.items).toHaveLength(4);
    const second = await t.get<MerchantOrderPage>(`${base(m)}/orders?limit=4&cursor=${first.body.nextCursor}`, { token: own.token });
    expect([...first.body.items, ...second.body.items].map((o) => o.id)).toEqual(all.body.items.map((o) => o.id));
    expect(second.body.nextCursor).toBeNull();
  });

  it('refuses bad input with clear codes', async () => {
    expect(codeOf(await t.get(`${base()}/orders?tab=unpaid`, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.get(`${base()}/orders?cursor=bm9wZQ`, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.get(`${base()}/orders?q=${'x'.repeat(51)}`, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.get(`${base()}/orders?limit=500`, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
  });
});

describe('the order detail', () => {
  it('shows lines, buyer contact and address, payments and remarks; another merchant\'s order is not found', async () => {
    const placed = await paidOrder(t, buyer, { merchantId: A, quantity: 2, price: 1200 });
    const res = await t.get<MerchantOrderDetail>(`${base()}/orders/${placed.orderId}`, { token: operator.token });
    expect(res.status).toBe(200);
    expect(() => merchantOrderDetail.parse(res.body)).not.toThrow();
    expect(res.body).toMatchObject({
      id: placed.orderId,
      contactName: '王五',
      contactPhone: buyer.phone,
      lines: [{ skuId: placed.sku.skuId, unitPrice: 1200, quantity: 2, lineAmount: 2400 }],
      payments: { paidAmount: res.body.amounts.payableAmount, refundedAmount: 0 },
      shipments: [],
      merchantRemark: null,
    });
    expect(res.body.shipTo).toContain('世纪大道 100 号');
    // B's owner, and A's owner asking for B's order through A.
    expect(codeOf(await t.get(`${base(B)}/orders/${placed.orderId}`, { token: ownerB.token }))).toBe('404 NOT_FOUND');
    const ofB = await placeOrder(t, buyer, { merchantId: B });
    expect(codeOf(await t.get(`${base()}/orders/${ofB.orderId}`, { token: owner.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.get(`${base()}/orders/o_nope`, { token: owner.token }))).toBe('404 NOT_FOUND');
  });
});

describe('shipping', () => {
  it('ships a paid order once in one parcel: paid -> shipped, the shopper sees it, audited; a repeat answers ORDER_ALREADY_SHIPPED', async () => {
    const placed = await paidOrder(t, buyer, { merchantId: A });
    const res = await t.post<MerchantOrderDetail>(`${base()}/orders/${placed.orderId}/ship`, { parcels: [{ carrier: 'sf', trackingNo: 'SF100200300' }] }, { token: operator.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'shipped', shipments: [{ carrier: 'sf', carrierName: '顺丰速运', trackingNo: 'SF100200300', lineNos: null }] });
    expect(res.body.shippedAt).not.toBeNull();
    const seen = await t.get<Order>(`/api/orders/${placed.orderId}`, { token: buyer.token });
    expect(seen.body.status).toBe('shipped');

    const again = await t.post(`${base()}/orders/${placed.orderId}/ship`, { parcels: [{ carrier: 'yto', trackingNo: 'YT999' + '0001' }] }, { token: owner.token });
    expect(codeOf(again)).toBe('409 ORDER_ALREADY_SHIPPED');
    const shipments = await t.db.selectFrom('shipments').select('tracking_no').where('order_id', '=', placed.orderId).execute();
    expect(shipments).toEqual([{ tracking_no: 'SF100200300' }]);
    const timeline = await t.db.selectFrom('order_events').select('status').where('order_id', '=', placed.orderId).where('status', '=', 'shipped').execute();
    expect(timeline).toHaveLength(1);

    const [entry] = await auditOf(`order:${placed.orderId}`);
    expect(entry).toMatchObject({ action: 'order.shipped', actorId: operator.userId, detail: { from: 'paid', to: 'shipped', parcels: [{ carrier: 'sf', trackingNo: 'SF100200300', lineNos: null }] } });
  });

  it('ships several parcels, split across the lines; refuses lines the order does not have or leaves out', async () => {
    const placed = await paidOrder(t, buyer, { merchantId: A, lines: 3 });
    const url = `${base()}/orders/${placed.orderId}/ship`;
    expect(codeOf(await t.post(url, { parcels: [{ carrier: 'sf', trackingNo: 'SF0001', lineNos: [0, 3] }] }, { token: owner.token }))).toBe('400 SHIPMENT_LINES_INVALID');
    expect(codeOf(await t.post(url, { parcels: [{ carrier: 'sf', trackingNo: 'SF0001', lineNos: [0] }, { carrier: 'jd', trackingNo: 'JD0001', lineNos: [1] }] }, { token: owner.token }))).toBe(
      '400 SHIPMENT_LINES_INVALID',
    );
    expect(codeOf(await t.post(url, { parcels: [{ carrier: 'sf', trackingNo: 'SF0001', lineNos: [0, 0, 1, 2] }] }, { token: owner.token }))).toBe('400 SHIPMENT_LINES_INVALID');
    const res = await t.post<MerchantOrderDetail>(
      url,
      { parcels: [{ carrier: 'sf', trackingNo: 'SF0001', lineNos: [0, 2] }, { carrier: 'jt', trackingNo: 'JT0002', lineNos: [1] }] },
      { token: owner.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.shipments.map((s) => [s.carrierName, s.trackingNo, s.lineNos])).toEqual([
      ['顺丰速运', 'SF0001', [0, 2]],
      ['极兔速递', 'JT0002', [1]],
    ]);
  });

  it('refuses unpaid, pickup and malformed shipments with clear codes', async () => {
    const unpaid = await placeOrder(t, buyer, { merchantId: A });
    const parcel = { parcels: [{ carrier: 'ems', trackingNo: 'EMS12345' }] };
    expect(codeOf(await t.post(`${base()}/orders/${unpaid.orderId}/ship`, parcel, { token: owner.token }))).toBe('409 ORDER_NOT_SHIPPABLE');
    const pickup = await paidOrder(t, buyer, { merchantId: A, type: 'pickup' });
    expect(codeOf(await t.post(`${base()}/orders/${pickup.orderId}/ship`, parcel, { token: owner.token }))).toBe('409 ORDER_NOT_SHIPPABLE');
    const paid = await paidOrder(t, buyer, { merchantId: A });
    const url = `${base()}/orders/${paid.orderId}/ship`;
    for (const body of [
      {},
      { parcels: [] },
      { parcels: [{ carrier: 'dhl', trackingNo: 'DHL12345' }] },
      { parcels: [{ carrier: 'sf', trackingNo: 'SF 1' }] },
      { parcels: [{ carrier: 'sf', trackingNo: 'SF12345', extra: 1 }] },
      { parcels: Array.from({ length: 11 }, () => ({ carrier: 'sf', trackingNo: 'SF12345' })) },
    ]) {
      expect([JSON.stringify(body).slice(0, 60), codeOf(await t.post(url, body, { token: owner.token }))]).toEqual([JSON.stringify(body).slice(0, 60), '400 VALIDATION_FAILED']);
    }
    // B's owner cannot ship A's order.
    expect(codeOf(await t.post(`${base(B)}/orders/${paid.orderId}/ship`, parcel, { token: ownerB.token }))).toBe('404 NOT_FOUND');
    expect((await t.db.selectFrom('orders').select('status').where('id', '=', paid.orderId).executeTakeFirstOrThrow()).status).toBe('paid');
  });

  it("the sandbox's merchant console ships through the same service, audited as the system", async () => {
    const placed = await paidOrder(t, buyer, { merchantId: A });
    const res = await t.post(`/sandbox/orders/${placed.orderId}/ship`, {});
    expect(res.body).toEqual({ id: placed.orderId, status: 'shipped' });
    expect(codeOf(await t.post(`/sandbox/orders/${placed.orderId}/ship`, {}))).toBe('409 ORDER_ALREADY_SHIPPED');
    const [entry] = await auditOf(`order:${placed.orderId}`);
    expect(entry).toMatchObject({ action: 'order.shipped', actorId: null });
    const detail = await t.get<MerchantOrderDetail>(`${base()}/orders/${placed.orderId}`, { token: owner.token });
    expect(detail.body.shipments).toHaveLength(1);
    expect(detail.body.shipments[0].carrier).toBe('other');
  });
});

describe('pickup', () => {
  it('issues a code when a pickup order is paid, shown to the shopper; the right code completes it once', async () => {
    const placed = await placeOrder(t, buyer, { merchantId: A, type: 'pickup' });
    expect((await t.get<Order>(`/api/orders/${placed.orderId}`, { token: buyer.token })).body.pickupCode).toBeNull();
    await pay(t, placed.orderId);
    const seen = await t.get<Order>(`/api/orders/${placed.orderId}`, { token: buyer.token });
    expect(seen.body.pickupCode).toMatch(/^\d{6}$/);
    expect(seen.body.pickupCode).toBe(await pickupCodeOf(t, placed.orderId));
    // A delivery order has none.
    const delivery = await paidOrder(t, buyer, { merchantId: A });
    expect((await t.get<Order>(`/api/orders/${delivery.orderId}`, { token: buyer.token })).body.pickupCode).toBeNull();
    expect(codeOf(await t.post(`${base()}/orders/${delivery.orderId}/pickup`, { code: '123456' }, { token: owner.token }))).toBe('409 ORDER_NOT_PICKUP_READY');

    const res = await t.post<MerchantOrderDetail>(`${base()}/orders/${placed.orderId}/pickup`, { code: seen.body.pickupCode }, { token: operator.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed' });
    expect(res.body.pickedUpAt).not.toBeNull();
    expect((await t.get<Order>(`/api/orders/${placed.orderId}`, { token: buyer.token })).body).toMatchObject({ status: 'completed', pickupCode: null });
    expect(codeOf(await t.post(`${base()}/orders/${placed.orderId}/pickup`, { code: seen.body.pickupCode }, { token: operator.token }))).toBe('409 ORDER_NOT_PICKUP_READY');
    const [entry] = await auditOf(`order:${placed.orderId}`);
    expect(entry).toMatchObject({ action: 'order.picked_up', actorId: operator.userId, detail: { from: 'paid', to: 'completed' } });
  });

  it('answers a wrong code PICKUP_CODE_INVALID; after five wrong codes the order is locked (429) even for the right one, until the window ends', async () => {
    const placed = await paidOrder(t, buyer, { merchantId: A, type: 'pickup' });
    const code = await pickupCodeOf(t, placed.orderId);
    const wrong = code === '000000' ? '111111' : '000000';
    const url = `${base()}/orders/${placed.orderId}/pickup`;
    expect(codeOf(await t.post(url, { code: '12345' }, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
    for (let i = 0; i < PICKUP_MAX_FAILURES; i++) {
      const res = await t.post(url, { code: wrong }, { token: owner.token });
      expect(codeOf(res)).toBe('400 PICKUP_CODE_INVALID');
      expect(res.body.attemptsLeft).toBe(PICKUP_MAX_FAILURES - i - 1);
    }
    const locked = await t.post(url, { code }, { token: owner.token });
    expect(codeOf(locked)).toBe('429 PICKUP_CODE_LOCKED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
    expect((await t.db.selectFrom('orders').select('status').where('id', '=', placed.orderId).executeTakeFirstOrThrow()).status).toBe('paid');
    // Once the window has passed, the right code works.
    const later = Date.now() + 16 * 60_000;
    const done = await verifyPickup(t.db, { merchantId: A, orderId: placed.orderId, actorId: owner.userId, code, now: later });
    expect(done.status).toBe('completed');
  });
});

describe('remarks', () => {
  it("sets and clears the merchant's remark, audited with before and after; the shopper never sees it", async () => {
    const placed = await placeOrder(t, buyer, { merchantId: A });
    const url = `${base()}/orders/${placed.orderId}/remark`;
    const set = await t.post<MerchantOrderDetail>(url, { remark: '  易碎，\n多包一层  ' }, { token: operator.token });
    expect(set.status).toBe(200);
    expect(set.body.merchantRemark).toBe('易碎，\n多包一层');
    const shopperView = await t.get<Order>(`/api/orders/${placed.orderId}`, { token: buyer.token });
    expect(JSON.stringify(shopperView.body)).not.toContain('易碎');
    const cleared = await t.post<MerchantOrderDetail>(url, { remark: '' }, { token: operator.token });
    expect(cleared.body.merchantRemark).toBeNull();
    const entries = await auditOf(`order:${placed.orderId}`);
    expect(entries.map((e) => [e.action, e.detail.from, e.detail.to])).toEqual([
      ['order.remarked', '易碎，\n多包一层', null],
      ['order.remarked', null, '易碎，\n多包一层'],
    ]);
    expect(codeOf(await t.post(url, { remark: 'x'.repeat(201) }, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.post(url, { remark: 'a\u0000b' }, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.post(url, {}, { token: owner.token }))).toBe('400 VALIDATION_FAILED');
  });
});
