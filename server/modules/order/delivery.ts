import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

type Db = Kysely<Database>;

/** Where a delivery order goes: the recipient's phone and the address text (region and detail, no name). */
export interface DeliveryAddress {
  phone: string;
  address: string;
}

type DeliveryRow = { fulfilment_type: string; contact_name: string; contact_phone: string; ship_to: string };

/**
 * The address part of an order's snapshot: `ship_to` is `<name> <phone> <region><detail>`
 * (service.ts addressText), so the contact's name and phone are taken off its front.
 */
function deliveryOfRow(r: DeliveryRow): DeliveryAddress | null {
  if (r.fulfilment_type !== 'delivery' || !r.contact_phone) return null;
  const prefix = `${r.contact_name} ${r.contact_phone} `;
  return { phone: r.contact_phone, address: r.ship_to.startsWith(prefix) ? r.ship_to.slice(prefix.length) : r.ship_to };
}

/** A child order's delivery address as snapshotted when it was placed; null for pickup (or no such order). */
export async function deliveryOf(db: Db, orderId: string): Promise<DeliveryAddress | null> {
  const row = await db.selectFrom('orders').select(['fulfilment_type', 'contact_name', 'contact_phone', 'ship_to']).where('id', '=', orderId).executeTakeFirst();
  return row ? deliveryOfRow(row) : null;
}

/** The delivery addresses of a shopper's latest orders (at most `limit` orders, newest first: orders_user_created_idx). */
export async function deliveriesOf(db: Db, userId: string, limit = 100): Promise<DeliveryAddress[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['fulfilment_type', 'contact_name', 'contact_phone', 'ship_to'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.flatMap((r) => deliveryOfRow(r) ?? []);
}
