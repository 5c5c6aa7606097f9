import { z } from 'zod';
import { fen, timestamp } from './common';

export const pointsRule = z.object({
  /** Points worth ¥1 (divides 100). */
  pointsPerYuan: z.number().int().positive(),
  /** At most this share of a payment (percent) may be paid with points. */
  capPercent: z.number().int().min(0).max(100),
});

/** The shopper's wallet: stored balance (fen) and points, with the points rule in force. */
export const wallet = z.object({
  balance: fen,
  points: z.number().int().min(0),
  pointsRule,
});
export type Wallet = z.infer<typeof wallet>;

/** A gift card as typed by the shopper: 16-digit number and 6-digit PIN. */
export const giftCardCredential = z.strictObject({
  number: z.string().regex(/^\d{16}$/, 'a gift card number has 16 digits'),
  pin: z.string().regex(/^\d{6}$/, 'a gift card PIN has 6 digits'),
});
export type GiftCardCredential = z.infer<typeof giftCardCredential>;

/** What the shopper may see of a gift card: its masked number, balance and expiry. */
export const giftCardView = z.object({
  /** "**** **** **** 1234" */
  maskedNumber: z.string(),
  balance: fen,
  expiresAt: timestamp,
});
export type GiftCardView = z.infer<typeof giftCardView>;
