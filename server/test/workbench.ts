import { sql } from 'kysely';
import type { ParentOrder } from '@contract/order';
import { transact } from '../db/transaction';
import { transitionOrder } from '../modules/order';
import { makeSku, userToken, type FixtureSku } from '../modules/order/testing';
import type { TestApp } from './app';

/**
 * Fixtures for the merchant workbench's tests: shoppers with an address, orders of a merchant
 * placed through the API (delivery or pickup), paid as the payment module's consumer pays them.
 */
export interface Shopper {
  userId: string;
  token: string;
  addressId: string;
  phone: string;
}

let counter = 0;
const key = () => `wb-${process.pid}-${Date.now()}-${++counter}`;

export async function shopper(t: TestApp, phone = '13912345678'): Promise<Shopper> {
  const { userId, token } = await userToken(t.db, t.config.tokenSecret);
  const res = await t.post<{ id: string }>(
    '/api/addresses',
    { name: '王五', phone, province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号', isDefault: true },
    { token, idempotencyKey: key() },
  );
  if (res.status !== 201) throw new Error(`address: ${res.status} ${res.text}`);
  return { userId, token, addressId: res.body.id, phone };
}

export interface PlacedOrder {
  orderId: string;
  orderNo: string;
  parentId: string;
  parentNo: string;
  sku: FixtureSku;
}

/** An order of `merchantId` for the shopper: one line of a fresh SKU (or `sku`), delivery or pickup. */
export async function placeOrder(
  t: TestApp,
  who: Shopper,
  opts: { merchantId: string; type?: 'delivery' | 'pickup'; quantity?: number; sku?: FixtureSku; title?: string; price?: number; lines?: number },
): Promise<PlacedOrder> {
  const sku = opts.sku ?? (await makeSku(t.db, { merchantId: opts.merchantId, stock: 100, price: opts.price ?? 1000, title: opts.title }));
  const items = [{ skuId: sku.skuId, quantity: opts.quantity ?? 1 }];
  for (let i = 1; i < (opts.lines ?? 1); i++) items.push({ skuId: (await makeSku(t.db, { merchantId: opts.merchantId, stock: 100, price: 500 })).skuId, quantity: 1 });
  const fulfilment = opts.type === 'pickup' ? { type: 'pickup', contactName: '赵六', contactPhone: who.phone } : { type: 'delivery', addressId: who.addressId };
  const res = await t.post<ParentOrder>('/api/orders', { items, fulfilment }, { token: who.token, idempotencyKey: key() });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${res.text}`);
  const child = res.body.children[0];
  return { orderId: child.id, orderNo: child.orderNo, parentId: res.body.id, parentNo: res.body.orderNo, sku };
}

/** Pays a child order in full, as the order module's consumer does when the payment succeeds. */
export async function pay(t: TestApp, orderId: string, now = Date.now()): Promise<void> {
  await transact(t.db, async (trx) => {
    await trx.updateTable('orders').set({ paid_amount: sql<number>`payable_amount` }).where('id', '=', orderId).execute();
    await transitionOrder(trx, orderId, 'pay', now);
  });
}

export async function paidOrder(t: TestApp, who: Shopper, opts: Parameters<typeof placeOrder>[2]): Promise<PlacedOrder> {
  const placed = await placeOrder(t, who, opts);
  await pay(t, placed.orderId);
  return placed;
}

/** The pickup code issued to a paid pickup order (what the shopper shows). */
export async function pickupCodeOf(t: TestApp, orderId: string): Promise<string> {
  const row = await t.db.selectFrom('orders').select('pickup_code').where('id', '=', orderId).executeTakeFirstOrThrow();
  if (!row.pickup_code) throw new Error(`order ${orderId} has no pickup code`);
  return row.pickup_code;
}
