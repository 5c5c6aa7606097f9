import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../platform/config';

/**
 * The sandbox channel's wire format, shared by the channel (server/sandbox/pay.ts, which
 * signs) and our notify endpoint (which verifies). A notification is JSON
 * { paymentNo, tradeNo, amount, status, paidAt, nonce, timestamp } sent with the header
 * `Sandbox-Signature: <hex HMAC-SHA256 over "timestamp\nnonce\nbody\n">`, where body is the
 * exact request body text.
 */
export const SIGNATURE_HEADER = 'sandbox-signature';
export const NOTIFY_PATH = '/notify/sandbox';
/** Notifications older or newer than this are refused (replay window). */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

export const DEV_SANDBOX_PAY_KEY = 'sandbox-pay-dev-key-not-for-production';

export const sandboxNotification = z.strictObject({
  paymentNo: z.string().min(1).max(64),
  tradeNo: z.string().min(1).max(64),
  amount: z.number().int().min(0),
  status: z.enum(['SUCCESS', 'CLOSED', 'FAILED']),
  paidAt: z.number().int().nullable(),
  nonce: z.string().min(8).max(64),
  timestamp: z.number().int(),
});
export type SandboxNotification = z.infer<typeof sandboxNotification>;

/**
 * The HMAC key shared by the sandbox channel and the notify endpoint: SANDBOX_PAY_KEY, or a
 * fixed development key. The development key is refused in production.
 */
export function sandboxPayKey(config: Pick<Config, 'nodeEnv'>, env: Record<string, string | undefined> = process.env): string {
  const key = env.SANDBOX_PAY_KEY?.trim();
  if (key) {
    if (key.length < 16) throw new Error('SANDBOX_PAY_KEY must be at least 16 characters');
    return key;
  }
  if (config.nodeEnv === 'production') throw new Error('SANDBOX_PAY_KEY is required when NODE_ENV=production');
  return DEV_SANDBOX_PAY_KEY;
}

export function signNotification(key: string, timestamp: number, nonce: string, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}\n${nonce}\n${body}\n`).digest('hex');
}

export type VerifyResult = { ok: true; notification: SandboxNotification } | { ok: false; reason: string };

/** Checks signature, shape and timestamp of a raw notification body. */
export function verifyNotification(key: string, rawBody: string, signature: string | undefined, now = Date.now()): VerifyResult {
  if (!signature || !/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'missing or malformed signature' };
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = sandboxNotification.safeParse(json);
  if (!parsed.success) return { ok: false, reason: 'body does not match the notification format' };
  const n = parsed.data;
  const expected = Buffer.from(signNotification(key, n.timestamp, n.nonce, rawBody), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad signature' };
  if (Math.abs(now - n.timestamp) > TIMESTAMP_TOLERANCE_MS) return { ok: false, reason: 'timestamp outside the allowed window' };
  return { ok: true, notification: n };
}
