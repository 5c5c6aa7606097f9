import type { AfterSale, AfterSaleKind } from '@contract/aftersale';
import type { Order, ParentOrder } from '@contract/order';
import type { Payment } from '@contract/payment';
import type { TestApp } from '../../test/app';
import { makeSku, userToken } from '../order/testing';
import { transitionOrder } from '../order/service';
import { transact } from '../../db/transaction';

/**
 * Test fixtures for after-sales: shoppers, paid (and shipped) orders through the real app, and
 * requests in every state. Only tests import this file.
 */
export interface Shopper {
  userId: string;
  token: string;
}

let n = 0;
export const newKey = () => `as-${process.pid}-${Date.now()}-${++n}`;
const pickup = { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } as const;

export function shopper(t: TestApp): Promise<Shopper> {
  return userToken(t.db, t.config.tokenSecret);
}

/** Waits until the order reached `status` (the order consumer applies payments after the commit). */
export async function orderReaches(t: TestApp, s: Shopper, orderId: string, status: string): Promise<Order> {
  for (let i = 0; i < 500; i++) {
    const res = await t.get<Order>(`/api/orders/${orderId}`, { token: s.token });
    if (res.body.status === status) return res.body;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`order ${orderId} did not reach ${status}`);
}

export interface PaidOrder {
  shopper: Shopper;
  parent: ParentOrder;
  order: Order;
  payment: Payment;
}

/**
 * A child order of `merchantId` with one line per item, paid with the shopper's welcome balance
 * (and points when `points`), or through DevPay's cashier when `channel`; shipped when `shipped`.
 */
export async function paidOrder(
  t: TestApp,
  opts: { merchantId: string; items?: { price: number; quantity: number }[]; shipped?: boolean; channel?: boolean; points?: boolean; who?: Shopper },
): Promise<PaidOrder> {
  const s = opts.who ?? (await shopper(t));
  const items = [];
  for (const item of opts.items ?? [{ price: 3000, quantity: 2 }]) {
    const sku = await makeSku(t.db, { price: item.price, merchantId: opts.merchantId });
    items.push({ skuId: sku.skuId, quantity: item.quantity });
  }
  const created = await t.post<ParentOrder>('/api/orders', { items, fulfilment: pickup }, { token: s.token, idempotencyKey: newKey() });
  if (created.status !== 201) throw new Error(`order: ${created.status} ${created.text}`);
  const parent = created.body;
  const body = opts.channel
    ? { orderId: parent.id, tenders: { balance: false, points: false }, channel: 'sandbox' }
    : { orderId: parent.id, tenders: { balance: true, points: opts.points ?? false } };
  const paid = await t.post<Payment>('/api/payments', body, { token: s.token, idempotencyKey: newKey() });
  if (paid.status !== 201) throw new Error(`payment: ${paid.status} ${paid.text}`);
  if (opts.channel) {
    const params = paid.body.clientParams;
    if (params?.kind !== 'sandbox') throw new Error('no DevPay parameters');
    const confirmed = await t.post(`/sandbox/pay/${params.paymentNo}/confirm`, {});
    if (confirmed.status !== 200) throw new Error(`cashier: ${confirmed.status} ${confirmed.text}`);
  }
  const childId = parent.children[0].id;
  let order = await orderReaches(t, s, childId, 'paid');
  if (opts.shipped) {
    // The order machine's transition itself (the workbench ships delivery orders only; these
    // fixtures are pickup orders, so their amounts carry no shipping fee).
    await transact(t.db, (trx) => transitionOrder(trx, childId, 'ship'));
    order = await orderReaches(t, s, childId, 'shipped');
  }
  return { shopper: s, parent, order, payment: paid.body };
}

/** The shopper asks (expects 201). */
export async function ask(t: TestApp, s: Shopper, body: { orderId: string; kind: AfterSaleKind; lines?: { lineNo: number; quantity: number }[]; reason?: string; photos?: string[] }): Promise<AfterSale> {
  const res = await t.post<AfterSale>('/api/after-sales', { reason: 'quality_issue', ...body }, { token: s.token, idempotencyKey: newKey() });
  if (res.status !== 201) throw new Error(`after-sale: ${res.status} ${res.text}`);
  return res.body;
}

/** A request of `merchantId` in `status` (refund only unless it must be a return), built through the real routes where it can be, for the role tests. */
export async function requestIn(t: TestApp, merchantId: string, status: 'requested' | 'returning' | 'refund_failed', kind: AfterSaleKind = 'refund_only', ownerToken?: string): Promise<AfterSale & { shopper: Shopper }> {
  const { shopper: s, order } = await paidOrder(t, { merchantId, shipped: true });
  const wantKind = status === 'returning' ? 'return_refund' : kind;
  const request = await ask(t, s, { orderId: order.id, kind: wantKind });
  if (status === 'returning') {
    if (!ownerToken) throw new Error('a returning request needs the merchant owner to approve it');
    const approved = await t.post(`/api/merchants/${merchantId}/after-sales/${request.id}/approve-return`, { returnAddress: { name: '售后部', phone: '021-5555555', address: '上海市黄浦区人民路 1 号' } }, { token: ownerToken, idempotencyKey: newKey() });
    if (approved.status !== 200) throw new Error(`approve-return: ${approved.status} ${approved.text}`);
    const shipped = await t.post(`/api/after-sales/${request.id}/return-shipment`, { carrier: '顺丰速运', trackingNo: 'SF1234567890' }, { token: s.token, idempotencyKey: newKey() });
    if (shipped.status !== 200) throw new Error(`return-shipment: ${shipped.status} ${shipped.text}`);
  }
  if (status === 'refund_failed') {
    // As if it had been approved and the channel had refused its refund.
    await t.db.updateTable('after_sales').set({ status: 'refund_failed', approved_by: 'merchant', deadline_at: null }).where('id', '=', request.id).execute();
  }
  return { ...request, shopper: s };
}
