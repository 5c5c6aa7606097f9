import type { Fen } from './money';

/**
 * How one payment's amount is split across tenders. Shared by the server (authoritative: it
 * recomputes the split from the wallet's real balances when the payment is created) and the
 * cashier page (the live split as the shopper toggles tenders). Pure and dependency-free.
 *
 * Order of use: points first (up to the cap), then gift cards in the order given, then stored
 * balance; whatever is left goes to the one third-party channel.
 */
export interface PointsRule {
  /** Points worth ¥1. Must divide 100, so one point is a whole number of fen (100 -> 1 fen). */
  pointsPerYuan: number;
  /** At most this percentage of the amount may be paid with points (0-100). */
  capPercent: number;
}

export const DEFAULT_POINTS_RULE: PointsRule = { pointsPerYuan: 100, capPercent: 50 };

export interface SplitInput {
  amount: Fen;
  rule: PointsRule;
  /** What the shopper has: stored balance in fen, points. */
  wallet: { balance: Fen; points: number };
  use: { balance: boolean; points: boolean; giftCards: readonly { id: string; balance: Fen }[] };
}

export interface TenderSplit {
  points: { points: number; amount: Fen };
  giftCards: { id: string; amount: Fen }[];
  balance: Fen;
  /** The remainder for the third-party channel (0: internal tenders cover everything). */
  channel: Fen;
}

/** Fen one point is worth under a rule (throws on a rule whose points are not whole fen). */
export function fenPerPoint(rule: PointsRule): number {
  if (!Number.isInteger(rule.pointsPerYuan) || rule.pointsPerYuan <= 0 || 100 % rule.pointsPerYuan !== 0) {
    throw new RangeError(`pointsPerYuan must divide 100, got ${rule.pointsPerYuan}`);
  }
  if (!Number.isInteger(rule.capPercent) || rule.capPercent < 0 || rule.capPercent > 100) {
    throw new RangeError(`capPercent must be an integer 0-100, got ${rule.capPercent}`);
  }
  return 100 / rule.pointsPerYuan;
}

/** The most fen points may pay of an amount (the cap, rounded down to whole points). */
export function pointsCapFen(amount: Fen, rule: PointsRule): Fen {
  const unit = fenPerPoint(rule);
  const cap = Math.floor((amount * rule.capPercent) / 100);
  return cap - (cap % unit);
}

export function splitTenders(input: SplitInput): TenderSplit {
  const { amount, rule, wallet, use } = input;
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be non-negative integer fen, got ${amount}`);
  const unit = fenPerPoint(rule);
  let left = amount;

  let points = { points: 0, amount: 0 };
  if (use.points && wallet.points > 0) {
    const fen = Math.min(pointsCapFen(amount, rule), Math.max(0, Math.floor(wallet.points)) * unit, left);
    const whole = fen - (fen % unit);
    points = { points: whole / unit, amount: whole };
    left -= whole;
  }

  const giftCards: { id: string; amount: Fen }[] = [];
  for (const card of use.giftCards) {
    const take = Math.min(Math.max(0, card.balance), left);
    if (take > 0) giftCards.push({ id: card.id, amount: take });
    left -= take;
  }

  let balance = 0;
  if (use.balance) {
    balance = Math.min(Math.max(0, wallet.balance), left);
    left -= balance;
  }
  return { points, giftCards, balance, channel: left };
}
