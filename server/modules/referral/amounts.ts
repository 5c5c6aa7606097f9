import { spreadByWeight } from '@contract/money';

/**
 * The arithmetic of commissions (docs/referral.md, "Commissions"): pure, integer fen, rounded
 * down. A rule's amount is basis points of the base (mode rate) or fen per unit (mode fixed).
 */
export type CommissionMode = 'rate' | 'fixed';
export const BASIS_POINTS = 10_000;

export interface CommissionTerms {
  mode: CommissionMode;
  /** Basis points (rate) or fen per unit (fixed). */
  ruleAmount: number;
  quantity: number;
}

/** What a line earns at one level: rate: floor(base × bp / 10000); fixed: quantity × amount, at most the base. */
export function earnedOn(terms: CommissionTerms, base: number): number {
  if (base <= 0) return 0;
  if (terms.mode === 'rate') return Math.floor((base * terms.ruleAmount) / BASIS_POINTS);
  return Math.min(terms.quantity * terms.ruleAmount, base);
}

export interface RefundState {
  base: number;
  earned: number;
  refundedBase: number;
  refundedQuantity: number;
}

/**
 * What is left of a commission after refunds took `refundedBase` of the line's base and
 * `refundedQuantity` of its units: rate: the rate on the base left; fixed: the units left × the
 * amount, never more than the base left nor than the earned amount in proportion to the base
 * left (a refund of an amount, which names no units). Never more than earned, never less than 0,
 * and never growing as refunds grow: so the reversals of any sequence of partial refunds add
 * up to the earned amount less this, whatever their order.
 */
export function remainingAfter(terms: CommissionTerms, s: RefundState): number {
  const baseLeft = Math.max(0, s.base - s.refundedBase);
  if (baseLeft === 0 || s.earned === 0) return 0;
  if (terms.mode === 'rate') return Math.min(s.earned, Math.floor((baseLeft * terms.ruleAmount) / BASIS_POINTS));
  const unitsLeft = Math.max(0, terms.quantity - s.refundedQuantity);
  const proportional = Math.floor((s.earned * baseLeft) / s.base);
  return Math.min(s.earned, unitsLeft * terms.ruleAmount, baseLeft, proportional);
}

/** One line's part of a refund. */
export interface LineRefund {
  lineNo: number;
  quantity: number;
  amount: number;
}

/**
 * A refund that names no lines (a shopper's refund of an amount, a closed order's): the goods'
 * part first (up to what is left of the lines' bases; the rest was shipping), spread over the
 * lines by what is left of each (spreadByWeight), no units named.
 */
export function spreadAmountRefund(amount: number, lines: readonly { lineNo: number; baseLeft: number }[]): LineRefund[] {
  const left = lines.map((l) => Math.max(0, l.baseLeft));
  const goods = Math.min(Math.max(0, amount), left.reduce((a, b) => a + b, 0));
  const parts = spreadByWeight(goods, left);
  return lines.map((l, i) => ({ lineNo: l.lineNo, quantity: 0, amount: Math.min(parts[i], left[i]) }));
}

/** Days to milliseconds, for available_at = completed + freeze days. */
export const DAY_MS = 24 * 60 * 60 * 1000;
