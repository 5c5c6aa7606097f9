import { yuanStringToFen } from '@contract/money';

export type RefundAmountCheck = { ok: true; fen: number } | { ok: false; reason: 'format' | 'zero' | 'exceeds' };

/**
 * The refund amount the shopper typed (yuan, at most two decimals) as fen, checked against
 * what is still refundable.
 */
export function parseRefundAmount(raw: string, refundable: number): RefundAmountCheck {
  const text = raw.trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return { ok: false, reason: 'format' };
  const fen = yuanStringToFen(text);
  if (fen <= 0) return { ok: false, reason: 'zero' };
  if (fen > refundable) return { ok: false, reason: 'exceeds' };
  return { ok: true, fen };
}
