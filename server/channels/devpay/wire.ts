import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../infra/config';

/**
 * DevPay's wire format, shared by the channel (its stand-in, server/standins/devpay.ts, which
 * signs) and our notify endpoint (which verifies). DevPay is the development payment channel;
 * its wire names keep the word sandbox (the contract's channel value `sandbox`, the
 * `Sandbox-Signature` header, /notify/sandbox, /sandbox/pay), as clients rely on them.
 *
 * A notification is JSON { paymentNo, tradeNo, amount, status, paidAt, nonce, timestamp } sent
 * with the header `Sandbox-Signature: <hex HMAC-SHA256 over "timestamp\nnonce\nbody\n">`,
 * where body is the exact request body text.
 */
export const SIGNATURE_HEADER = 'sandbox-signature';
export const NOTIFY_PATH = '/notify/sandbox';
/** Notifications older or newer than this are refused (replay window). */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

export const DEVPAY_DEVELOPMENT_KEY = 'sandbox-pay-dev-key-not-for-production';

export const devpayNotification = z.strictObject({
  paymentNo: z.string().min(1).max(64),
  tradeNo: z.string().min(1).max(64),
  amount: z.number().int().min(0),
  status: z.enum(['SUCCESS', 'CLOSED', 'FAILED']),
  paidAt: z.number().int().nullable(),
  nonce: z.string().min(8).max(64),
  timestamp: z.number().int(),
  /** Who paid (the cashier's payer, when the caller named one). */
  payer: z.string().min(1).max(64).optional(),
});
export type DevpayNotification = z.infer<typeof devpayNotification>;

/**
 * The HMAC key shared by DevPay and the notify endpoint: DEVPAY_KEY (SANDBOX_PAY_KEY, its former
 * name, is still read when DEVPAY_KEY is unset), or a fixed development key. The development
 * key is refused in production.
 */
export function devpayKey(config: Pick<Config, 'nodeEnv'>, env: Record<string, string | undefined> = process.env): string {
  const name = env.DEVPAY_KEY?.trim() ? 'DEVPAY_KEY' : 'SANDBOX_PAY_KEY';
  const key = env[name]?.trim();
  if (key) {
    if (key.length < 16) throw new Error(`${name} must be at least 16 characters`);
    return key;
  }
  if (config.nodeEnv === 'production') throw new Error('DEVPAY_KEY is required when NODE_ENV=production');
  return DEVPAY_DEVELOPMENT_KEY;
}

export function signNotification(key: string, timestamp: number, nonce: string, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}\n${nonce}\n${body}\n`).digest('hex');
}

export type VerifyResult = { ok: true; notification: DevpayNotification } | { ok: false; reason: string };

/** Checks signature, shape and timestamp of a raw notification body. */
export function verifyNotification(key: string, rawBody: string, signature: string | undefined, now = Date.now()): VerifyResult {
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'missing or malformed signature' };
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = devpayNotification.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'body does not match the notification format' };
  const n = parsed.data;
  const expected = Buffer.from(signNotification(key, n.timestamp, n.nonce, rawBody), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad signature' };
  if (Math.abs(now - n.timestamp) > TIMESTAMP_TOLERANCE_MS) return { ok: false, reason: 'timestamp outside the allowed window' };
  return { ok: true, notification: n };
}

// --- the channel's server API (prepay, query, close, refund) --------------------------------

/**
 * Calls to DevPay's API and its answers are JSON signed like notifications: the
 * headers carry a timestamp (epoch ms), a nonce and the HMAC over "timestamp\nnonce\nbody\n".
 */
export const API_HEADERS = { timestamp: 'sandbox-timestamp', nonce: 'sandbox-nonce', signature: SIGNATURE_HEADER } as const;
export const API_PATH = '/sandbox/pay/api';

export function signedHeaders(key: string, body: string, now = Date.now(), nonce = randomBytes(12).toString('hex')): Record<string, string> {
  return {
    'content-type': 'application/json',
    [API_HEADERS.timestamp]: String(now),
    [API_HEADERS.nonce]: nonce,
    [API_HEADERS.signature]: signNotification(key, now, nonce, body),
  };
}

/** Checks an API message's signature headers over its exact body text. */
export function verifySigned(key: string, body: string, headers: Record<string, string | string[] | undefined>, now = Date.now()): boolean {
  const one = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const timestamp = Number(one(API_HEADERS.timestamp));
  const nonce = one(API_HEADERS.nonce);
  const signature = one(API_HEADERS.signature);
  if (!Number.isSafeInteger(timestamp) || !nonce || !signature || !/^[0-9a-f]{64}$/.test(signature)) return false;
  if (Math.abs(now - timestamp) > TIMESTAMP_TOLERANCE_MS) return false;
  const expected = Buffer.from(signNotification(key, timestamp, nonce, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}

export const devpayPrepayRequest = z.strictObject({
  paymentNo: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  amount: z.number().int().min(1),
  description: z.string().max(200),
  expiresAt: z.number().int(),
  returnUrl: z.string().max(2000).nullable(),
});
export const devpayTradeRequest = z.strictObject({ paymentNo: z.string().regex(/^[A-Za-z0-9]{1,64}$/) });
export const devpayRefundRequest = z.strictObject({
  paymentNo: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  refundNo: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  amount: z.number().int().min(1),
  total: z.number().int().min(1),
  reason: z.string().max(200),
});
export const devpayRefundQuery = z.strictObject({
  paymentNo: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  refundNo: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});

export const devpayTradeState = z.object({
  state: z.enum(['paid', 'unpaid', 'closed', 'refunded']),
  tradeNo: z.string().nullable(),
  amount: z.number().int(),
  paidAt: z.number().int().nullable(),
  payerId: z.string().optional(),
});
export const devpayRefundState = z.object({
  state: z.enum(['succeeded', 'processing', 'failed']),
  channelRefundId: z.string().nullable(),
});
/** An API error answer (4xx): the channel's code and message. */
export const devpayApiError = z.object({ error: z.string(), message: z.string() });
