import { ERROR_CODES, type ErrorCode, type Problem } from '../../contract/errors';

export type { ErrorCode };

const TITLES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request is not valid',
  MALFORMED_JSON: 'The request body is not valid JSON',
  UNAUTHORIZED: 'Sign-in required',
  LOGIN_FAILED: 'Login failed',
  ACCOUNT_DISABLED: 'The account is disabled',
  OTP_INVALID: 'The one-time code is wrong or expired',
  OTP_TOO_FREQUENT: 'A code was sent recently; wait before asking again',
  NOT_FOUND: 'Not found',
  ROUTE_NOT_FOUND: 'No such route',
  METHOD_NOT_ALLOWED: 'Method not allowed on this route',
  ILLEGAL_TRANSITION: 'The resource is not in a state that allows this',
  IDEMPOTENCY_IN_PROGRESS: 'A request with this Idempotency-Key is still being processed',
  IDEMPOTENCY_KEY_REUSED: 'This Idempotency-Key was used with a different request',
  IDEMPOTENCY_KEY_REQUIRED: 'This route requires an Idempotency-Key header',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be application/json',
  SKU_UNAVAILABLE: 'The item is not available',
  OUT_OF_STOCK: 'Not enough stock',
  CART_EMPTY: 'Nothing to check out',
  CART_FULL: 'The cart is full',
  ORDER_NOT_PAYABLE: 'The order cannot be paid',
  ADDRESS_REQUIRED: 'A delivery address is required',
  PAYMENT_EXPIRED: 'The payment has expired',
  NOTIFY_REJECTED: 'The notification was rejected',
  RATE_LIMITED: 'Too many requests',
  UPGRADE_REQUIRED: 'This route speaks WebSocket only',
  ADDRESS_LIMIT_REACHED: 'The address book is full',
  SERVICE_UNAVAILABLE: 'A service this request needs is unavailable',
  GIFT_CARD_INVALID: 'The gift card number or PIN is wrong',
  GIFT_CARD_EXPIRED: 'The gift card has expired',
  GIFT_CARD_LOCKED: 'The gift card is locked after too many wrong PINs',
  INSUFFICIENT_FUNDS: 'A tender no longer covers its share of the payment',
  CHANNEL_REQUIRED: 'A payment channel is needed for the remainder',
  CHANNEL_UNAVAILABLE: 'The payment channel is unavailable',
  PAYMENT_AMOUNT_INVALID: 'The payment amount is not allowed for this order',
  PAYMENT_NOT_OPEN: 'The payment is no longer open',
  REFUND_NOT_ALLOWED: 'This order cannot be refunded',
  REFUND_AMOUNT_EXCEEDED: 'The refund exceeds what can still be refunded',
  FORBIDDEN_ROLE: 'Your role in this merchant does not allow this',
  STAFF_EXISTS: 'Already staff of this merchant, or invited',
  STAFF_LAST_OWNER: 'The merchant must keep an owner',
  STAFF_SELF_REMOVAL: 'You cannot remove yourself',
  STAFF_ALREADY_MEMBER: 'You are already staff of this merchant',
  INVITE_NOT_FOUND: 'No invite has this code, or it has expired',
  INVITE_CODE_LOCKED: 'Too many wrong invite codes; try again later',
  AFTER_SALE_ORDER_NOT_PAID: 'The order is not paid',
  AFTER_SALE_NOTHING_TO_REFUND: 'Nothing is left to refund on this order',
  AFTER_SALE_QUANTITY_EXCEEDED: 'More units than are left to ask for',
  AFTER_SALE_KIND_NOT_ALLOWED: 'The order has not shipped: ask for a refund only',
  AFTER_SALE_KIND_MISMATCH: 'This action is for the other kind of after-sale',
  AFTER_SALE_PHOTO_INVALID: 'A photo is not one of your uploads',
  IMAGE_INVALID: 'Not a JPEG, PNG or WebP image',
  ORDER_ALREADY_SHIPPED: 'The order was shipped already',
  ORDER_NOT_SHIPPABLE: 'The order cannot be shipped',
  SHIPMENT_LINES_INVALID: "The parcels do not match the order's lines",
  PICKUP_CODE_INVALID: 'The pickup code is wrong',
  PICKUP_CODE_LOCKED: 'Too many wrong pickup codes; try again later',
  ORDER_NOT_PICKUP_READY: 'The order cannot be picked up',
  STOCK_BELOW_ZERO: 'The stock cannot go below zero',
  STOCK_CHANGED: 'The stock changed since it was read',
  NOT_A_PROMOTER: 'This account may not promote',
  REFERRAL_ALREADY_PROMOTER: 'This account may promote already',
  REFERRAL_APPLICATIONS_CLOSED: 'Promoters are not chosen by application here',
  REFERRAL_APPLICATION_OPEN: 'An application is waiting for a decision already',
  WITHDRAWAL_BELOW_MINIMUM: 'The withdrawal is below the minimum',
  WITHDRAWAL_EXCEEDS_AVAILABLE: 'The withdrawal is more than the available commissions',
  WITHDRAWAL_DAILY_LIMIT: "The withdrawal is over today's limit",
  WITHDRAWAL_CLAWBACK_OWED: 'The promoter owes a clawback; no withdrawal until it is paid down',
  WITHDRAWAL_DESTINATION_UNAVAILABLE: 'This destination is not available for the account',
  WITHDRAWAL_CHANNEL_LIMIT: 'The channel does not pay this much in one transfer',
  SHARE_CODE_FAILED: "The platform's code service failed",
  SHARE_CODE_UNAVAILABLE: "The platform's code service is not configured",
  LIVE_SOLD_OUT: "The session's quota of this SKU is sold out",
  LIVE_LIMIT_REACHED: "Over the session's per-shopper limit",
  LIVE_BUSY: 'Too many orders for this session right now; try again in a moment',
  LIVE_PRICE_INVALID: "A session price must be between 0 and the SKU's own price",
  LIVE_QUOTA_INVALID: "A quota cannot be below what is sold or above the SKU's free stock",
  LIVE_LINEUP_INVALID: "Not in the session's lineup, or in it already",
  LIVE_WECHAT_UNAVAILABLE: 'WeChat live rooms are not configured on this server',
  LIVE_WECHAT_FAILED: 'WeChat did not take the lineup',
  INTERNAL: 'Internal error',
};

export interface FieldError {
  path: string;
  message: string;
}

/**
 * An expected failure. Thrown by handlers and services; the HTTP layer turns it into
 * problem+json with the code's status. `extra` adds members to the problem body (e.g. skuId).
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly errors: FieldError[] | undefined;

  constructor(code: ErrorCode, detail?: string, extra?: Record<string, unknown>) {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
    this.status = ERROR_CODES[code];
    this.detail = detail;
    const { errors, ...rest } = extra ?? {};
    this.errors = Array.isArray(errors) ? errors.filter(isFieldError) : undefined;
    this.extra = Object.keys(rest).length > 0 ? rest : undefined;
  }
}

function isFieldError(value: unknown): value is FieldError {
  return (
    !!value && typeof value === 'object' &&
    'path' in value && typeof value.path === 'string' &&
    'message' in value && typeof value.message === 'string'
  );
}

export function validationError(errors: FieldError[], detail = 'Some fields are not valid'): AppError {
  return new AppError('VALIDATION_FAILED', detail, { errors });
}

export function problemType(code: string): string {
  return `https://shop.local/problems/${code.toLowerCase()}`;
}

export type ProblemBody = Problem & Record<string, unknown>;

export function problemBody(err: AppError, requestId?: string, instance?: string): ProblemBody {
  const body: ProblemBody = {
    // Extra members first so they can never overwrite the standard ones.
    ...(err.extra ?? {}),
    type: problemType(err.code),
    title: TITLES[err.code],
    status: err.status,
    code: err.code,
  };
  if (err.detail) body.detail = err.detail;
  if (instance) body.instance = instance;
  if (requestId) body.requestId = requestId;
  if (err.errors && err.errors.length > 0) body.errors = err.errors;
  return body;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
