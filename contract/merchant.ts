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

/**
 * active: a member with an account; invited: an invite waiting to be taken, by its phone's first
 * login (a phone invite) or by its invite code on any platform (every invite).
 */
export const staffStatus = z.enum(['active', 'invited']);

/**
 * Invite codes (docs/merchant.md, "Staff invites"): 8 characters from this alphabet, which leaves
 * out 0/O and 1/I/L so a code read off a screen or aloud is not mistaken. Drawn from a CSPRNG,
 * stored only as a hash, shown to the owner once.
 */
export const INVITE_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const INVITE_CODE_LENGTH = 8;
/** An invite code as typed: the 8 characters in either case (compared in upper case). */
export const inviteCode = z.string().regex(/^[2-9A-HJKMNP-Za-hjkmnp-z]{8}$/, 'invalid invite code');

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
  /**
   * While invited: when its invite code stops working (a phone invite still binds at that
   * phone's first login after it). Null for members and invites without a code (made before
   * codes existed).
   */
  inviteExpiresAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type StaffMember = z.infer<typeof staffMember>;
export const staffList = z.object({ items: z.array(staffMember) });

/**
 * An invite: with a phone number (its account joins at once, or the phone's first login or the
 * code binds it, whichever comes first) or without one (only the code binds it).
 */
export const staffInviteBody = z.strictObject({ phone: phone.optional(), role: invitableRole });
export type StaffInviteBody = z.infer<typeof staffInviteBody>;
/** What creating an invite answers: the invite (or the member, when the phone's account joined at once) and its code. */
export const staffInvite = staffMember.extend({
  /**
   * The invite code, in this answer only (it is stored as a hash and never listed): null when
   * the phone's account joined at once, and in a replay of the request (same Idempotency-Key).
   */
  inviteCode: z.string().nullable(),
});
export type StaffInvite = z.infer<typeof staffInvite>;

export const inviteCodeParams = z.strictObject({ code: inviteCode });
/** An invite as the person holding its code sees it before taking it. */
export const invitePreview = z.object({
  merchantId: id,
  merchantName: z.string(),
  merchantLogo: z.string(),
  role: staffRole,
  /** When the code stops working. */
  expiresAt: timestamp,
  /** The caller is staff of that merchant already (taking the invite would answer 409 STAFF_ALREADY_MEMBER). */
  alreadyMember: z.boolean(),
});
export type InvitePreview = z.infer<typeof invitePreview>;
export const staffPatch = z.strictObject({ role: staffRole });
export type StaffPatch = z.infer<typeof staffPatch>;

export const merchantParams = z.strictObject({ merchantId: id });
export const staffParams = z.strictObject({ merchantId: id, staffId: id });

/**
 * What the audit log records. Each merchant action has its name here; a module that records a
 * new kind of action adds it (recordAudit takes only these).
 */
export const auditAction = z.enum([
  /** An owner invited a phone number or made an invite code (detail: phone or null, role, bound: whether an account took it at once, codeExpiresAt). */
  'staff.invited',
  /** An invite was taken, by its phone's first login or by its code (actor: the new member; detail: role, via 'phone' | 'code', phone, invitedPhone). */
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
  /** The operating merchant's staff approved a promoter application (target referral_application:...; detail: applicant). */
  'referral.application_approved',
  /** The operating merchant's staff rejected a promoter application (detail: applicant, reason). */
  'referral.application_rejected',
  /** The owner changed the referral commission rules: a new version (target referral_rules:<version>; detail: from, to). */
  'referral.rules_changed',
  /** The operating merchant's staff approved a promoter's withdrawal above the auto-approval threshold (target referral_withdrawal:...; detail: promoter, amount, destination). */
  'referral.withdrawal_approved',
  /** The operating merchant's staff rejected a withdrawal; its money went back to the promoter (detail: promoter, amount, destination, reason). */
  'referral.withdrawal_rejected',
  /** Staff released commissions fraud controls held (target referral_hold:rh_...; detail: orderNo, level, reasons). */
  'referral.hold_released',
  /** Staff rejected held commissions: what was left of them was reversed (detail: orderNo, level, reasons, reversed, reason). */
  'referral.hold_rejected',
  /** A live session was scheduled with its lineup (target live_session:ls_...; detail: title, startsAt, lines [{ skuId, price, quota }]). */
  'live.session_created',
  /** A live session's title, cover, start, stream or per-shopper limit changed (detail: from, to: the fields sent). */
  'live.session_updated',
  /** A live session was started, paused, resumed, ended or cancelled (detail: action, from, to, returned [{ skuId, units }] when it ended). */
  'live.status_changed',
  /** A product was pinned in a live session, or unpinned (detail: from, to: product ids or null). */
  'live.pinned',
  /** A SKU was added to a live session's lineup (detail: skuId, price, quota). */
  'live.line_added',
  /** A lineup SKU's session price or quota changed (detail: skuId, from { price, quota }, to { ... }). */
  'live.line_changed',
  /** A live session was linked to a WeChat live room and its lineup pushed there (detail: roomId, goods). */
  'live.wechat_linked',
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
