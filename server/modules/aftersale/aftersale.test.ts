import type { AfterSale, MerchantAfterSalePage } from '@contract/aftersale';
import type { RefundList } from '@contract/payment';
import { problemSchema } from '../../../contract/errors';
import { afterSale as afterSaleSchema } from '../../../contract/aftersale';
import { channelRegistry } from '../../channels/registry';
import { ChannelError, type ChannelAdapter } from '../../channels/types';
import { checkLedger } from '../../checks/ledger';
import { testApp, type ApiResponse, type TestApp } from '../../test/app';
import { balanceOf } from '../wallet/ledger';
import { createRefund, refundDepsOf } from '../payment';
import { addStaff, makeMerchant } from '../merchant/testing';
import { createAfterSale } from './create';
import { decideWithRefund } from './decisions';
import { approveOverdueAfterSales, closeUnreturnedAfterSales } from './jobs';
import type { AfterSaleDeps } from './service';
import { ask, newKey, paidOrder, shopper, type Shopper } from './testing';

/**
 * After-sales through the real app, on real refunds (DevPay, the shopper's balance and points):
 * every lifecycle path, the automatic approvals and the return deadline, a second approval, the
 * amount never above what was paid, approve and cancel at once, and what the shopper may not do.
 */
let t: TestApp;
let deps: AfterSaleDeps;
const M = 'm_as1';
const OTHER = 'm_as2';
let owner: Shopper;
let operator: Shopper;
const address = { name: '售后部', phone: '021-5555555', address: '上海市黄浦区人民路 1 号' };

beforeAll(async () => {
  t = await testApp({ seed: false });
  deps = (t.app as unknown as { core: { afterSales: AfterSaleDeps } }).core.afterSales;
  await makeMerchant(t.db, M, '售后测试店');
  await makeMerchant(t.db, OTHER, '别家店');
  owner = await shopper(t);
  operator = await shopper(t);
  await addStaff(t.db, M, owner.userId, 'owner');
  await addStaff(t.db, M, operator.userId, 'operator');
});
afterEach(async () => {
  await settle();
  const report = await checkLedger(t.db);
  expect(report.discrepancies).toEqual([]);
  const failed = await t.db.selectFrom('outbox_deliveries').select(['sink', 'last_error']).where('last_error', 'is not', null).execute();
  expect(failed).toEqual([]);
});
afterAll(async () => {
  await t.close();
});

const code = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();

/** Waits until no delivery is pending (the app's relay runs after each commit). */
async function settle(now?: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const pending = await t.db.selectFrom('outbox_deliveries').select('event_id').where('status', '=', 'pending').where('next_attempt_at', '<=', now ?? Date.now()).executeTakeFirst();
    if (!pending) return;
    await (t.app as unknown as { core: { outbox: { relayOnce(now?: number): Promise<unknown> } } }).core.outbox.relayOnce(now);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('outbox deliveries still pending');
}

/** Waits for the request to reach `status`; `now`: the clock events were written at (a job run at a later time). */
async function reaches(s: Shopper, id: string, status: string, now?: number): Promise<AfterSale> {
  for (let i = 0; i < 300; i++) {
    const res = await t.get<AfterSale>(`/api/after-sales/${id}`, { token: s.token });
    if (res.body.status === status) return res.body;
    await settle(now);
    await new Promise((r) => setTimeout(r, 10));
  }
  const last = await t.get<AfterSale>(`/api/after-sales/${id}`, { token: s.token });
  throw new Error(`after-sale ${id} is ${last.body.status}, not ${status}`);
}

const merchantPost = (path: string, body?: unknown, who: Shopper = operator) => t.post<AfterSale>(`/api/merchants/${M}/after-sales/${path}`, body, { token: who.token, idempotencyKey: newKey() });
const shopperPost = (s: Shopper, path: string, body?: unknown) => t.post<AfterSale>(`/api/after-sales/${path}`, body, { token: s.token, idempotencyKey: newKey() });
const refundsOf = (afterSaleId: string) => t.db.selectFrom('refunds').selectAll().where('source', '=', 'after_sale').where('source_ref', '=', afterSaleId).execute();
const auditOf = (afterSaleId: string) => t.db.selectFrom('audit_log').selectAll().where('target', '=', `after_sale:${afterSaleId}`).orderBy('at').orderBy('id').execute();
const balance = (userId: string) => balanceOf(t.db, { kind: 'user_balance', ownerId: userId });

describe('refund only', () => {
  it('an unshipped order: approved at once (the default), refunded to the balance that paid it, pushed to the shopper', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, items: [{ price: 3000, quantity: 2 }] });
    const before = await balance(s.userId);
    const res = await t.post<AfterSale>('/api/after-sales', { orderId: order.id, kind: 'refund_only', reason: 'no_longer_needed', description: '拍错了\n颜色不对' }, { token: s.token, idempotencyKey: newKey() });
    expect(res.status).toBe(201);
    expect(() => afterSaleSchema.parse(res.body)).not.toThrow();
    // Refunding, or already refunded: the balance goes back at once and the outbox may be that fast.
    expect(['refunding', 'refunded']).toContain(res.body.status);
    expect(res.body).toMatchObject({ approvedBy: 'auto_unshipped', amount: 6000, lines: [{ lineNo: 0, quantity: 2, amount: 6000 }] });
    const done = await reaches(s, res.body.id, 'refunded');
    expect(done.refundedAt).toEqual(expect.any(Number));
    expect(await balance(s.userId)).toBe(before + 6000);
    const [refund] = await refundsOf(res.body.id);
    expect(refund).toMatchObject({ id: done.refundId, amount: 6000, status: 'succeeded', source_ref: res.body.id });
    expect((await auditOf(res.body.id)).map((a) => [a.action, a.actor_id])).toEqual([['after_sale.approved', null]]);
    const pushed = await t.db.selectFrom('realtime_messages').select(['type', 'data']).where('topic', '=', `user:${s.userId}`).where('type', 'like', 'after_sale.%').orderBy('version').execute();
    expect(pushed.map((m) => [m.type, (JSON.parse(m.data) as { status: string }).status])).toEqual([
      ['after_sale.requested', 'requested'],
      ['after_sale.approved', 'refunding'],
      ['after_sale.refunded', 'refunded'],
    ]);
    // Nothing left to ask for.
    expect(code(await shopperPost(s, '', { orderId: order.id, kind: 'refund_only', reason: 'other' }))).toBe('409 AFTER_SALE_NOTHING_TO_REFUND');
  });

  it('with AFTERSALE_AUTO_APPROVE_UNSHIPPED off an unshipped order waits for the merchant', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M });
    const off = { ...deps, config: { ...deps.config, autoApproveUnshipped: false } };
    const made = await createAfterSale(off, { userId: s.userId, body: { orderId: order.id, kind: 'refund_only', reason: 'other', photos: [] } });
    expect(made).toMatchObject({ status: 'requested', approvedBy: null, deadlineAt: expect.any(Number) });
    await merchantPost(`${made.id}/reject`, { reason: '已与买家协商' });
  });

  it('a shipped order through DevPay: the operator approves, the channel refunds, a second approval changes nothing', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, items: [{ price: 2500, quantity: 4 }], channel: true, shipped: true });
    const request = await ask(t, s, { orderId: order.id, kind: 'refund_only', lines: [{ lineNo: 0, quantity: 1 }] });
    expect(request).toMatchObject({ status: 'requested', amount: 2500 });
    const first = await merchantPost(`${request.id}/approve`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ approvedBy: 'merchant', refundId: expect.any(String) });
    const second = await merchantPost(`${request.id}/approve`, undefined, owner);
    expect(second.status).toBe(200);
    expect(second.body.refundId).toBe(first.body.refundId);
    await reaches(s, request.id, 'refunded');
    expect(await refundsOf(request.id)).toHaveLength(1);
    const list = await t.get<RefundList>(`/api/orders/${order.id}/refunds`, { token: s.token });
    expect(list.body.refundableAmount).toBe(7500);
    expect((await auditOf(request.id)).map((a) => [a.action, a.actor_id])).toEqual([['after_sale.approved', operator.userId]]);
  });

  it('two approvals at once book one refund', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, shipped: true });
    const request = await ask(t, s, { orderId: order.id, kind: 'refund_only' });
    const answers = await Promise.all([merchantPost(`${request.id}/approve`), merchantPost(`${request.id}/approve`, undefined, owner)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await reaches(s, request.id, 'refunded');
    expect(await refundsOf(request.id)).toHaveLength(1);
  });

  it('approve and cancel at once: exactly one wins', async () => {
    for (let i = 0; i < 3; i++) {
      const { shopper: s, order } = await paidOrder(t, { merchantId: M, shipped: true });
      const request = await ask(t, s, { orderId: order.id, kind: 'refund_only' });
      const [approve, cancel] = await Promise.all([merchantPost(`${request.id}/approve`), shopperPost(s, `${request.id}/cancel`)]);
      const outcomes = [code(approve), code(cancel)].sort();
      expect(outcomes).toEqual(['200', '409 ILLEGAL_TRANSITION']);
      const refunds = await refundsOf(request.id);
      if (approve.status === 200) {
        expect(refunds).toHaveLength(1);
        await reaches(s, request.id, 'refunded');
      } else {
        expect(refunds).toHaveLength(0);
        expect((await reaches(s, request.id, 'cancelled')).refundId).toBeNull();
      }
    }
  });

  it('rejected with a reason; the shopper may ask again for the same units', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, shipped: true });
    const request = await ask(t, s, { orderId: order.id, kind: 'refund_only' });
    expect(code(await merchantPost(`${request.id}/reject`, { reason: '   ' }))).toBe('400 VALIDATION_FAILED');
    const rejected = await merchantPost(`${request.id}/reject`, { reason: '商品已签收且无质量问题' });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectReason: '商品已签收且无质量问题', deadlineAt: null });
    expect(code(await merchantPost(`${request.id}/approve`))).toBe('409 ILLEGAL_TRANSITION');
    expect(code(await shopperPost(s, `${request.id}/cancel`))).toBe('409 ILLEGAL_TRANSITION');
    const again = await ask(t, s, { orderId: order.id, kind: 'refund_only' });
    expect(again.status).toBe('requested');
    expect((await auditOf(request.id)).map((a) => a.action)).toEqual(['after_sale.rejected']);
    await merchantPost(`${again.id}/reject`, { reason: '重复申请' });
  });
});

describe('return and refund', () => {
  it('approve with an address, the shopper ships, the merchant confirms receipt, the refund runs', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, items: [{ price: 4000, quantity: 1 }, { price: 1500, quantity: 2 }], shipped: true, points: true });
    const before = await balance(s.userId);
    const request = await ask(t, s, { orderId: order.id, kind: 'return_refund', lines: [{ lineNo: 1, quantity: 2 }] });
    expect(request).toMatchObject({ status: 'requested', amount: 3000, lines: [{ lineNo: 1, quantity: 2, amount: 3000 }] });
    // The wrong action for the kind.
    expect(code(await merchantPost(`${request.id}/approve`))).toBe('409 AFTER_SALE_KIND_MISMATCH');
    expect(code(await merchantPost(`${request.id}/receive`))).toBe('409 ILLEGAL_TRANSITION');
    const approved = await merchantPost(`${request.id}/approve-return`, { returnAddress: address });
    expect(approved.body).toMatchObject({ status: 'awaiting_return', returnAddress: address, approvedBy: 'merchant', deadlineAt: expect.any(Number) });
    expect(code(await shopperPost(s, `${request.id}/return-shipment`, { carrier: '顺丰速运', trackingNo: 'bad no!' }))).toBe('400 VALIDATION_FAILED');
    const shipped = await shopperPost(s, `${request.id}/return-shipment`, { carrier: '顺丰速运', trackingNo: 'SF1234567890' });
    expect(shipped.body).toMatchObject({ status: 'returning', returnCarrier: '顺丰速运', returnTrackingNo: 'SF1234567890', deadlineAt: null });
    expect(code(await shopperPost(s, `${request.id}/cancel`))).toBe('409 ILLEGAL_TRANSITION');
    const received = await merchantPost(`${request.id}/receive`, undefined, owner);
    expect(received.body.status).toBe('refunding');
    expect((await merchantPost(`${request.id}/receive`, undefined, owner)).body.refundId).toBe(received.body.refundId);
    await reaches(s, request.id, 'refunded');
    const [refund] = await refundsOf(request.id);
    expect(Number(refund.amount)).toBe(3000);
    // Points and balance paid it: the refund went back to both, in proportion.
    const parts = await t.db.selectFrom('refund_parts').select(['kind', 'amount']).where('refund_id', '=', refund.id).execute();
    expect(parts.reduce((sum, p) => sum + Number(p.amount), 0)).toBe(3000);
    expect(await balance(s.userId)).toBeGreaterThan(before);
    expect((await auditOf(request.id)).map((a) => [a.action, a.actor_id])).toEqual([
      ['after_sale.return_approved', operator.userId],
      ['after_sale.received', owner.userId],
    ]);
  });

  it('the shopper cancels while the return waits; a return of an unshipped order is refused', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, shipped: true });
    const request = await ask(t, s, { orderId: order.id, kind: 'return_refund' });
    await merchantPost(`${request.id}/approve-return`, { returnAddress: address });
    expect((await shopperPost(s, `${request.id}/cancel`)).body.status).toBe('cancelled');
    const unshipped = await paidOrder(t, { merchantId: M });
    expect(code(await shopperPost(unshipped.shopper, '', { orderId: unshipped.order.id, kind: 'return_refund', reason: 'damaged' }))).toBe('409 AFTER_SALE_KIND_NOT_ALLOWED');
  });
});

describe('deadlines', () => {
  it('a request the merchant leaves unanswered is approved by the job: a refund only at once, a return with the last return address', async () => {
    // The merchant gave a return address before (the job takes the last one).
    const earlier = await paidOrder(t, { merchantId: M, shipped: true });
    const earlierReturn = await ask(t, earlier.shopper, { orderId: earlier.order.id, kind: 'return_refund' });
    await merchantPost(`${earlierReturn.id}/approve-return`, { returnAddress: address });
    await shopperPost(earlier.shopper, `${earlierReturn.id}/cancel`);
    const a = await paidOrder(t, { merchantId: M, shipped: true });
    const refundOnly = await ask(t, a.shopper, { orderId: a.order.id, kind: 'refund_only' });
    const b = await paidOrder(t, { merchantId: M, shipped: true });
    const ret = await ask(t, b.shopper, { orderId: b.order.id, kind: 'return_refund' });
    // Not yet due.
    expect(await approveOverdueAfterSales(deps, Date.now() + 47 * 3_600_000)).toBe(0);
    const later = Date.now() + 48 * 3_600_000 + 1000;
    expect(await approveOverdueAfterSales(deps, later)).toBeGreaterThanOrEqual(2);
    const approved = await reaches(a.shopper, refundOnly.id, 'refunded', later);
    expect(approved.approvedBy).toBe('auto_deadline');
    const awaiting = await reaches(b.shopper, ret.id, 'awaiting_return', later);
    expect(awaiting).toMatchObject({ approvedBy: 'auto_deadline', returnAddress: address });
    expect((await auditOf(refundOnly.id)).map((x) => [x.action, x.actor_id])).toEqual([['after_sale.approved', null]]);
    // The return is not sent in time: the other job closes it.
    expect(await closeUnreturnedAfterSales(deps, later + 6 * 86_400_000)).toBe(0);
    expect(await closeUnreturnedAfterSales(deps, later + 7 * 86_400_000 + 1000)).toBeGreaterThanOrEqual(1);
    const closed = await reaches(b.shopper, ret.id, 'closed', later + 7 * 86_400_000 + 1000);
    expect(closed.deadlineAt).toBeNull();
    expect(code(await shopperPost(b.shopper, `${ret.id}/return-shipment`, { carrier: '顺丰速运', trackingNo: 'SF1234567890' }))).toBe('409 ILLEGAL_TRANSITION');
    expect(await refundsOf(ret.id)).toHaveLength(0);
  });

  it("a return past the deadline of a merchant that never gave a return address waits", async () => {
    await makeMerchant(t.db, 'm_as3');
    const a = await paidOrder(t, { merchantId: 'm_as3', shipped: true });
    const ret = await ask(t, a.shopper, { orderId: a.order.id, kind: 'return_refund' });
    await approveOverdueAfterSales(deps, Date.now() + 49 * 3_600_000);
    expect((await t.get<AfterSale>(`/api/after-sales/${ret.id}`, { token: a.shopper.token })).body.status).toBe('requested');
  });
});

describe('a refund the channel refuses', () => {
  it('ends refund_failed; the merchant runs it again', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, channel: true, shipped: true });
    const request = await ask(t, s, { orderId: order.id, kind: 'refund_only' });
    const sandbox = deps.refunds.channels.get('sandbox') as ChannelAdapter;
    const refusing: ChannelAdapter = { ...sandbox, channel: 'sandbox', refund: async () => Promise.reject(new ChannelError('sandbox', 'trade closed', 'TRADE_CLOSED', { permanent: true })) };
    const failing: AfterSaleDeps = { ...deps, refunds: { ...deps.refunds, channels: channelRegistry([refusing]) } };
    await decideWithRefund(failing, request.id, 'approve', { kind: 'staff', merchantId: M, userId: operator.userId });
    const failed = await reaches(s, request.id, 'refund_failed');
    expect(code(await merchantPost(`${request.id}/approve`))).toBe('200');
    const retried = await merchantPost(`${request.id}/retry-refund`);
    expect(['refunding', 'refunded']).toContain(retried.body.status);
    expect(retried.body.refundId).not.toBe(failed.refundId);
    await reaches(s, request.id, 'refunded');
    expect((await refundsOf(request.id)).map((r) => r.status).sort()).toEqual(['failed', 'succeeded']);
    expect((await auditOf(request.id)).map((a) => a.action)).toEqual(['after_sale.approved', 'after_sale.refund_retried']);
  });
});

describe('amounts', () => {
  it('per unit, in proportion; the last units get what is left; never more than was paid or remains refundable', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, items: [{ price: 1000, quantity: 3 }], shipped: true });
    const one = await ask(t, s, { orderId: order.id, kind: 'refund_only', lines: [{ lineNo: 0, quantity: 1 }] });
    expect(one.amount).toBe(1000);
    expect(code(await shopperPost(s, '', { orderId: order.id, kind: 'refund_only', reason: 'other', lines: [{ lineNo: 0, quantity: 3 }] }))).toBe('409 AFTER_SALE_QUANTITY_EXCEEDED');
    expect(code(await shopperPost(s, '', { orderId: order.id, kind: 'refund_only', reason: 'other', lines: [{ lineNo: 5, quantity: 1 }] }))).toBe('409 AFTER_SALE_QUANTITY_EXCEEDED');
    // Another refund of the order (the payment core's service, as an internal caller uses it) takes 1500 meanwhile.
    const other = await createRefund(refundDepsOf(t.app.paymentDeps), { userId: s.userId, orderId: order.id, amount: 1500, reason: '部分退款' });
    expect(other.status).toBe('succeeded');
    await merchantPost(`${one.id}/approve`);
    await reaches(s, one.id, 'refunded');
    const rest = await ask(t, s, { orderId: order.id, kind: 'refund_only' });
    expect(rest).toMatchObject({ amount: 2000, lines: [{ lineNo: 0, quantity: 2, amount: 2000 }] });
    await merchantPost(`${rest.id}/approve`);
    const done = await reaches(s, rest.id, 'refunded');
    // Only 500 were left to refund: the refund stops there.
    const [refund] = await refundsOf(done.id);
    expect(Number(refund.amount)).toBe(500);
    const list = await t.get<RefundList>(`/api/orders/${order.id}/refunds`, { token: s.token });
    expect(list.body).toMatchObject({ paidAmount: 3000, refundableAmount: 0 });
    expect(list.body.items.reduce((sum, r) => sum + (r.status === 'succeeded' ? r.amount : 0), 0)).toBe(3000);
  });
});

describe('what a shopper may ask', () => {
  it("an unpaid order, another shopper's order, another shopper's request, photos that are not the shopper's", async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, shipped: true });
    const stranger = await shopper(t);
    expect(code(await shopperPost(stranger, '', { orderId: order.id, kind: 'refund_only', reason: 'other' }))).toBe('404 NOT_FOUND');
    const unpaid = await t.post<{ children: { id: string }[] }>(
      '/api/orders',
      { items: [{ skuId: order.lines[0].skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } },
      { token: s.token, idempotencyKey: newKey() },
    );
    expect(code(await shopperPost(s, '', { orderId: unpaid.body.children[0].id, kind: 'refund_only', reason: 'other' }))).toBe('409 AFTER_SALE_ORDER_NOT_PAID');
    expect(code(await shopperPost(s, '', { orderId: order.id, kind: 'refund_only', reason: 'because' }))).toBe('400 VALIDATION_FAILED');
    expect(code(await shopperPost(s, '', { orderId: order.id, kind: 'refund_only', reason: 'other', description: 'a\u0000b' }))).toBe('400 VALIDATION_FAILED');
    expect(code(await shopperPost(s, '', { orderId: order.id, kind: 'refund_only', reason: 'other', photos: Array.from({ length: 7 }, (_, i) => `img_x${i}`) }))).toBe('400 VALIDATION_FAILED');
    const theirs = await upload(stranger, PNG, 'image/png');
    expect(code(await shopperPost(s, '', { orderId: order.id, kind: 'refund_only', reason: 'other', photos: [theirs.body.id] }))).toBe('400 AFTER_SALE_PHOTO_INVALID');
    const mine = await upload(s, PNG, 'image/png');
    const request = await ask(t, s, { orderId: order.id, kind: 'refund_only', photos: [mine.body.id] });
    expect(request.photos).toEqual([{ id: mine.body.id, url: mine.body.url }]);
    expect((await t.get(`/api/after-sales/${request.id}`, { token: stranger.token })).status).toBe(404);
    expect(code(await shopperPost(stranger, `${request.id}/cancel`))).toBe('404 NOT_FOUND');
    // Another merchant's staff do not see it.
    const otherOwner = await shopper(t);
    await addStaff(t.db, OTHER, otherOwner.userId, 'owner');
    expect(code(await t.get(`/api/merchants/${OTHER}/after-sales/${request.id}`, { token: otherOwner.token }))).toBe('404 NOT_FOUND');
    expect(code(await t.post(`/api/merchants/${OTHER}/after-sales/${request.id}/approve`, undefined, { token: otherOwner.token, idempotencyKey: newKey() }))).toBe('404 NOT_FOUND');
    await shopperPost(s, `${request.id}/cancel`);
  });

  it('lists: the shopper\'s own, newest first with a cursor; the merchant\'s by status with the count per status', async () => {
    const s = await shopper(t);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { order } = await paidOrder(t, { merchantId: M, shipped: true, who: s });
      ids.push((await ask(t, s, { orderId: order.id, kind: 'refund_only' })).id);
    }
    const first = await t.get<{ items: AfterSale[]; nextCursor: string | null }>('/api/after-sales?limit=2', { token: s.token });
    expect(first.body.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const second = await t.get<{ items: AfterSale[]; nextCursor: string | null }>(`/api/after-sales?limit=2&cursor=${first.body.nextCursor ?? ''}`, { token: s.token });
    expect(second.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
    expect(code(await t.get('/api/after-sales?cursor=bm9wZQ', { token: s.token }))).toBe('400 VALIDATION_FAILED');

    const page = await t.get<MerchantAfterSalePage>(`/api/merchants/${M}/after-sales?status=requested&limit=50`, { token: operator.token });
    expect(page.status).toBe(200);
    expect(page.body.items.every((i) => i.status === 'requested' && i.merchantId === M)).toBe(true);
    expect(page.body.items.map((i) => i.id)).toEqual(expect.arrayContaining(ids));
    expect(page.body.counts.requested).toBe(page.body.items.length);
    const rows = await t.db.selectFrom('after_sales').select('status').where('merchant_id', '=', M).execute();
    expect(Object.values(page.body.counts).reduce((a, b) => a + b, 0)).toBe(rows.length);
    for (const id of ids) await merchantPost(`${id}/reject`, { reason: '测试' });
  });
});

describe("the shopper's routes against every caller", () => {
  it('a guest gets 401, another person (staff of the merchant included) 404, the shopper the request', async () => {
    const { shopper: s, order } = await paidOrder(t, { merchantId: M, shipped: true });
    const request = await ask(t, s, { orderId: order.id, kind: 'return_refund' });
    const calls: [string, string, unknown][] = [
      ['GET', '/api/after-sales', undefined],
      ['GET', `/api/after-sales/${request.id}`, undefined],
      ['POST', `/api/after-sales/${request.id}/cancel`, undefined],
      ['POST', `/api/after-sales/${request.id}/return-shipment`, { carrier: '顺丰速运', trackingNo: 'SF1234567890' }],
      ['POST', '/api/after-sales', { orderId: order.id, kind: 'refund_only', reason: 'other' }],
    ];
    for (const [method, url, body] of calls) {
      expect(code(await t.request(method, url, { body, idempotencyKey: newKey() }))).toBe('401 UNAUTHORIZED');
      for (const other of [owner, operator]) {
        const res = await t.request(method, url, { body, token: other.token, idempotencyKey: newKey() });
        // Staff are shoppers too: their own list is empty, the shopper's request and order are not theirs.
        expect(code(res)).toBe(method === 'GET' && url === '/api/after-sales' ? '200' : '404 NOT_FOUND');
      }
    }
    expect((await t.get<{ items: AfterSale[] }>('/api/after-sales', { token: s.token })).body.items.map((i) => i.id)).toContain(request.id);
    await merchantPost(`${request.id}/reject`, { reason: '测试' });
  });
});

// ---------------------------------------------------------------------------------------------
// Uploads

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(32, 3)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32, 4)]);

function upload(s: Shopper | null, body: Buffer, contentType: string) {
  return t.request<{ id: string; url: string; contentType: string; size: number }>('POST', '/api/uploads', { payload: body, token: s?.token, headers: { 'content-type': contentType } });
}

function multipart(file: Buffer, boundary = 'xYzBoundary123'): { body: Buffer; contentType: string } {
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('POST /api/uploads', () => {
  it('takes a JPEG, PNG or WebP body or multipart file, decided by its bytes, and serves it back', async () => {
    const s = await shopper(t);
    for (const [bytes, type] of [[PNG, 'image/png'], [JPEG, 'image/jpeg'], [WEBP, 'image/webp']] as const) {
      const res = await upload(s, bytes, type);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: expect.stringMatching(/^img_/), contentType: type, size: bytes.length });
      const served = await t.request('GET', res.body.url);
      expect(served.status).toBe(200);
      expect(served.headers['content-type']).toBe(type);
      expect(served.headers['x-content-type-options']).toBe('nosniff');
    }
    // A PNG declared as a JPEG is stored as what it is.
    expect((await upload(s, PNG, 'image/jpeg')).body.contentType).toBe('image/png');
    const form = multipart(JPEG);
    const res = await upload(s, form.body, form.contentType);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/jpeg', size: JPEG.length });
  });

  it('refuses what is not such an image, too large, a guest, another media type, a bad file name', async () => {
    const s = await shopper(t);
    expect(code(await upload(s, GIF, 'image/gif'))).toBe('400 IMAGE_INVALID');
    expect(code(await upload(s, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png'))).toBe('400 IMAGE_INVALID');
    expect(code(await upload(s, Buffer.alloc(0), 'image/png'))).toBe('400 IMAGE_INVALID');
    const noFile = Buffer.from('--b1\r\nContent-Disposition: form-data; name="x"\r\n\r\nhi\r\n--b1--\r\n');
    expect(code(await upload(s, noFile, 'multipart/form-data; boundary=b1'))).toBe('400 IMAGE_INVALID');
    const big = Buffer.concat([PNG, Buffer.alloc(t.config.uploadMaxBytes, 0)]);
    expect(code(await upload(s, big, 'image/png'))).toBe('413 PAYLOAD_TOO_LARGE');
    expect(code(await upload(null, PNG, 'image/png'))).toBe('401 UNAUTHORIZED');
    expect(code(await upload(s, PNG, 'text/plain'))).toBe('415 UNSUPPORTED_MEDIA_TYPE');
    const missing = await t.request('GET', '/uploads/img_nothing.png');
    expect(code(missing)).toBe('404 NOT_FOUND');
    expect(() => problemSchema.parse(missing.body)).not.toThrow();
    expect(code(await t.request('GET', '/uploads/..%2Fshop.db'))).toBe('404 NOT_FOUND');
    expect(await t.db.selectFrom('uploads').select('id').where('user_id', '=', s.userId).execute()).toEqual([]);
  });
});
