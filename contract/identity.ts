import { z } from 'zod';
import { id, text, timestamp } from './common';
import { deviceId } from './referral';

export const miniPlatform = z.enum(['weapp', 'alipay', 'tt']);
export type MiniPlatform = z.infer<typeof miniPlatform>;

export const phone = z.string().regex(/^1[3-9]\d{9}$/, 'invalid mainland mobile number');

export const user = z.object({
  id,
  nickname: z.string(),
  avatar: z.string().nullable(),
  phone: z.string().nullable(),
  /** Where the account was created: weapp | alipay | tt | h5. */
  platform: z.string(),
});
export type User = z.infer<typeof user>;

export const session = z.object({ token: z.string(), expiresAt: timestamp, user });
export type Session = z.infer<typeof session>;

/** A mini-program login: the platform's one-time code, exchanged by the server. */
export const miniLoginBody = z.strictObject({
  platform: miniPlatform,
  code: text({ max: 256 }),
  /** Douyin's anonymous code, when present. */
  anonymousCode: text({ max: 256 }).optional(),
  /** The device's id kept by the client: the visits of shared links it made are bound at this sign-in (docs/referral.md). */
  device: deviceId.optional(),
});
export type MiniLoginBody = z.infer<typeof miniLoginBody>;

export const otpRequestBody = z.strictObject({ phone });
export const otpRequestResult = z.object({ retryAfterSeconds: z.number().int(), expiresInSeconds: z.number().int() });

export const phoneLoginBody = z.strictObject({
  phone,
  code: z.string().regex(/^\d{6}$/, 'code must be 6 digits'),
  /** The device's id kept by the client (see miniLoginBody). */
  device: deviceId.optional(),
});
