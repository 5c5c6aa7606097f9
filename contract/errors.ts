import { z } from 'zod';

/**
 * Stable error codes. A code never changes meaning once published; the client maps each
 * to a Chinese message in its catalog. RFC 9457 problem+json carries the code.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHORIZED: 401,
  LOGIN_FAILED: 401,
  /** The account was disabled: its sessions end at once and it cannot log in. */
  ACCOUNT_DISABLED: 401,
  OTP_INVALID: 400,
  OTP_TOO_FREQUENT: 429,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ILLEGAL_TRANSITION: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SKU_UNAVAILABLE: 409,
  OUT_OF_STOCK: 409,
  CART_EMPTY: 409,
  CART_FULL: 409,
  ORDER_NOT_PAYABLE: 409,
  ADDRESS_REQUIRED: 400,
  PAYMENT_EXPIRED: 409,
  NOTIFY_REJECTED: 400,
  RATE_LIMITED: 429,
  UPGRADE_REQUIRED: 426,
  ADDRESS_LIMIT_REACHED: 409,
  SERVICE_UNAVAILABLE: 503,
  GIFT_CARD_INVALID: 400,
  GIFT_CARD_EXPIRED: 409,
  GIFT_CARD_LOCKED: 429,
  INSUFFICIENT_FUNDS: 409,
  CHANNEL_REQUIRED: 400,
  CHANNEL_UNAVAILABLE: 503,
  PAYMENT_AMOUNT_INVALID: 400,
  PAYMENT_NOT_OPEN: 409,
  REFUND_NOT_ALLOWED: 409,
  REFUND_AMOUNT_EXCEEDED: 409,
  /** Staff of the merchant whose role may not call this route. */
  FORBIDDEN_ROLE: 403,
  /** The phone number is already staff of the merchant, or invited. */
  STAFF_EXISTS: 409,
  /** The change would leave the merchant without an owner. */
  STAFF_LAST_OWNER: 409,
  /** An owner cannot remove themselves (another owner can). */
  STAFF_SELF_REMOVAL: 409,
  /** The caller is staff of the invite's merchant already. */
  STAFF_ALREADY_MEMBER: 409,
  /** No invite has this code: unknown, expired, taken or withdrawn (one answer for all, so codes cannot be probed). */
  INVITE_NOT_FOUND: 404,
  /** Too many wrong invite codes from this account: try again later (Retry-After). */
  INVITE_CODE_LOCKED: 429,
  /** The order is not paid (yet), or ended unpaid: nothing to ask an after-sale for. */
  AFTER_SALE_ORDER_NOT_PAID: 409,
  /** Everything the order paid has been refunded (or asked for) already. */
  AFTER_SALE_NOTHING_TO_REFUND: 409,
  /** More units of a line than are left to ask for (other requests hold the rest), or a line the order does not have. */
  AFTER_SALE_QUANTITY_EXCEEDED: 409,
  /** A return and refund of an order that has not shipped (ask for a refund only). */
  AFTER_SALE_KIND_NOT_ALLOWED: 409,
  /** The action is for the other kind of request (approve a return with its address; approve a refund only without). */
  AFTER_SALE_KIND_MISMATCH: 409,
  /** A photo id that is not one of the shopper's uploads. */
  AFTER_SALE_PHOTO_INVALID: 400,
  /** The uploaded body is not a JPEG, PNG or WebP image (checked by its first bytes). */
  IMAGE_INVALID: 400,
  /** The order was shipped already (a second ship changes nothing). */
  ORDER_ALREADY_SHIPPED: 409,
  /** The order cannot be shipped: not paid yet, ended, or a pickup order. */
  ORDER_NOT_SHIPPABLE: 409,
  /** The parcels name a line the order does not have, or the same line twice, or leave a line out. */
  SHIPMENT_LINES_INVALID: 400,
  /** The pickup code is not this order's. */
  PICKUP_CODE_INVALID: 400,
  /** Too many wrong pickup codes for this order: try again later (Retry-After). */
  PICKUP_CODE_LOCKED: 429,
  /** The order cannot be picked up: not a pickup order, not paid yet, ended, or picked up already. */
  ORDER_NOT_PICKUP_READY: 409,
  /** The stock change would take the stock below zero. */
  STOCK_BELOW_ZERO: 409,
  /** The stock is no longer the value the edit expected (a sale or another edit came first). */
  STOCK_CHANGED: 409,
  /** The shopper may not promote (REFERRAL_PROMOTERS): not enough spent, or not approved. */
  NOT_A_PROMOTER: 403,
  /** The shopper may promote already: nothing to apply for. */
  REFERRAL_ALREADY_PROMOTER: 409,
  /** Applications are not how promoters are chosen here (REFERRAL_PROMOTERS is not approved). */
  REFERRAL_APPLICATIONS_CLOSED: 409,
  /** An application of the shopper's is waiting for a decision already. */
  REFERRAL_APPLICATION_OPEN: 409,
  /** Less than REFERRAL_WITHDRAW_MIN, or nothing left to pay out after the fee (extra: minimum). */
  WITHDRAWAL_BELOW_MINIMUM: 400,
  /** More than the promoter's available commissions (extra: available). */
  WITHDRAWAL_EXCEEDS_AVAILABLE: 409,
  /** Over what the promoter may still withdraw today, Asia/Shanghai (extra: remaining). */
  WITHDRAWAL_DAILY_LIMIT: 409,
  /** The promoter owes a clawback (commissions reversed after they were withdrawn): no withdrawal until later earnings pay it (extra: owed). */
  WITHDRAWAL_CLAWBACK_OWED: 409,
  /** WeChat or Alipay is not configured, or the account has no id there (it did not sign in with that mini-program; extra: destination). */
  WITHDRAWAL_DESTINATION_UNAVAILABLE: 409,
  /** More than the channel pays in one transfer without the payee's real name (WeChat: from ¥2,000; extra: maximum). */
  WITHDRAWAL_CHANNEL_LIMIT: 409,
  /** The platform's code API refused or failed (WeChat, Alipay, Douyin): the poster cannot carry its code now. */
  SHARE_CODE_FAILED: 502,
  /** The platform's code API is not configured on this server. */
  SHARE_CODE_UNAVAILABLE: 503,
  /** Live: the session's quota of a SKU is gone (extra: skuId). */
  LIVE_SOLD_OUT: 409,
  /** Live: the shopper would buy more of a SKU than the session's per-shopper limit (extra: skuId, limit, bought). */
  LIVE_LIMIT_REACHED: 409,
  /** Live: too many orders for this session at this moment; try again in a moment (Retry-After). */
  LIVE_BUSY: 429,
  /** Live: a session price below zero or above the SKU's own price (extra: skuId, maximum). */
  LIVE_PRICE_INVALID: 400,
  /** Live: a quota below what is sold, or above what the SKU's free stock allows (extra: skuId, minimum, maximum). */
  LIVE_QUOTA_INVALID: 400,
  /** Live: the SKU or product is not in the session's lineup, or is in it already (extra: skuId or productId). */
  LIVE_LINEUP_INVALID: 400,
  /** Live: WeChat's live-player-plugin room APIs are not configured on this server (a room cannot be linked). */
  LIVE_WECHAT_UNAVAILABLE: 503,
  /** Live: WeChat refused or failed to take the lineup; the room is linked, link it again to push again. */
  LIVE_WECHAT_FAILED: 502,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;
