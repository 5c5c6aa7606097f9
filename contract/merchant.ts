import { z } from 'zod';
import { cursorPage, id, pageQuery, timestamp } from './common';
import { phone } from './identity';

/**
 * The merchant's side: staff, their roles and the audit log (decision 0023).
 *
 * Every route under /api/merchants/:merchantId is `auth: 'staff'` and names the roles allowed
 * (contract/routes.ts); the server resolves the caller's membership of that merchant on every
 * request: not staff of it 404 NOT_FOUND, staff whose role is not allowed 403 FORBIDDEN_ROLE.
 */

/** owner: runs the shop and its staff; operator: orders, after-sales, goods; live_host and kitchen: for the live and table-ordering features. */
export const staffRole = z.enum(['owner', 'operator', 'live_host', 'kitchen']);
export type StaffRole = z.infer<typeof staffRole>;
export const STAFF_ROLES = staffRole.options;

/** Who may subscribe to a merchant's realtime topic (`merchant:{id}`): the roles that run its orders and goods. */
export const MERCHANT_TOPIC_ROLES = ['owner', 'operator'] as const satisfies readonly StaffRole[];

/** The roles an owner invites (owners are made by changing a member's role). */
export const invitableRole = z.enum(['operator', 'live_host', 'kitchen']);

/** active: a member with an account; invited: a phone number that becomes a member at its first login. */
export const staffStatus = z.enum(['active', 'invited']);

/** A merchant the signed-in person works for, and as what: the client's switch between the shop and the workbench. */
export const workplace = z.object({
  merchantId: id,
  merchantName: z.string(),
  merchantLogo: z.string(),
  role: staffRole,
  /** This membership's id (the staff member's id in that merchant's staff list). */
  staffId: id,
});
export type Workplace = z.infer<typeof workplace>;
export const workplaceList = z.object({ items: z.array(workplace) });

export const staffMember = z.object({
  id,
  /** The member's account; null while the invite waits for its phone's first login. */
  userId: id.nullable(),
  /** The invited phone number (a member's account phone when invited as an existing account). */
  phone: z.string().nullable(),
  /** The account's nickname; null while invited. */
  nickname: z.string().nullable(),
  role: staffRole,
  status: staffStatus,
  /** Who invited them (null: assigned by the system, e.g. the demo seed). */
  invitedBy: id.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type StaffMember = z.infer<typeof staffMember>;
export const staffList = z.object({ items: z.array(staffMember) });

export const staffInviteBody = z.strictObject({ phone, role: invitableRole });
export type StaffInviteBody = z.infer<typeof staffInviteBody>;
export const staffPatch = z.strictObject({ role: staffRole });
export type StaffPatch = z.infer<typeof staffPatch>;

export const merchantParams = z.strictObject({ merchantId: id });
export const staffParams = z.strictObject({ merchantId: id, staffId: id });

/**
 * What the audit log records. Each merchant action has its name here; a module that records a
 * new kind of action adds it (recordAudit takes only these).
 */
export const auditAction = z.enum([
  /** An owner invited a phone number (detail: phone, role, bound: whether an account took it at once). */
  'staff.invited',
  /** An invite was taken by its phone's first login (actor: the new member). */
  'staff.joined',
  /** An owner changed a member's role (detail: from, to). */
  'staff.role_changed',
  /** An owner removed a member or withdrew an invite (detail: role, phone). */
  'staff.removed',
  /** The system made an account the owner of a merchant without staff (the demo seed). */
  'staff.owner_assigned',
  /** A refund-only request was approved and its refund started (actor null: approved automatically; detail: approvedBy, refundId, amount). */
  'after_sale.approved',
  /** A return-and-refund request was approved with a return address (actor null: automatically, past the merchant's deadline). */
  'after_sale.return_approved',
  /** A request was rejected (detail: reason). */
  'after_sale.rejected',
  /** The returned goods were confirmed received and the refund started (detail: refundId, amount). */
  'after_sale.received',
  /** A refund the channel refused was run again (detail: refundId, amount). */
  'after_sale.refund_retried',
  /** Staff shipped an order (target order:o_...; detail: parcels [{ carrier, trackingNo, lineNos }]; actor null: the sandbox's console). */
  'order.shipped',
  /** Staff verified a pickup code and handed the goods over (detail: orderNo). */
  'order.picked_up',
  /** Staff changed the merchant remark (detail: from, to). */
  'order.remarked',
  /** A product was put on or taken off the shelf (target product:p_...; detail: from, to). */
  'product.shelf_changed',
  /** A SKU's price changed (target sku:sku_...; detail: from { price, originalPrice }, to { ... }). */
  'sku.price_changed',
  /** A SKU's stock changed (detail: delta or set/expected, from, to). */
  'sku.stock_changed',
]);
export type AuditAction = z.infer<typeof auditAction>;

export const auditEntry = z.object({
  id,
  /** Who did it (null: the system, a job). */
  actorId: id.nullable(),
  /** The actor's nickname when the entry is read. */
  actorName: z.string().nullable(),
  action: auditAction,
  /** What it was done to, as `<kind>:<id>` (e.g. `staff:stf_...`, `order:o_...`). */
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  at: timestamp,
});
export type AuditEntry = z.infer<typeof auditEntry>;
export const auditListQuery = z.strictObject({ ...pageQuery });
export const auditPage = cursorPage(auditEntry);
export type AuditPage = z.infer<typeof auditPage>;
