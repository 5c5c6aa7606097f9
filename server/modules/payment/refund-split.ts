import type { TenderKind } from '@contract/payment';
import { fenPerPoint, type PointsRule } from '@contract/tender-split';

/**
 * How a refund of one child order is split back across the tenders that paid it. Pure.
 *
 * Each input row is one allocation: the share of one tender of one paid payment that went to
 * the child order. `refunded` is what is already refunded or on its way back (done parts plus
 * parts still pending at the channel), so two refunds never promise the same fen twice.
 *
 * The split is proportional to what each allocation still has refundable (Hamilton / largest
 * remainder), with two constraints: a points part is a whole number of points (a multiple of
 * the rule's fen per point), and no part exceeds its allocation's remaining amount. Points
 * tenders are split first as a group (the multiple of fen-per-point nearest their proportional
 * share that still leaves a feasible rest), then the group and the other tenders are each
 * split by largest remainder.
 */
export interface RefundableAllocation {
  paymentId: string;
  tenderSeq: number;
  kind: TenderKind;
  /** Fen this tender paid for the child order. */
  amount: number;
  /** Fen already refunded or reserved by a pending refund part. */
  refunded: number;
}

export interface RefundSplitPart {
  paymentId: string;
  tenderSeq: number;
  kind: TenderKind;
  amount: number;
  /** Points given back (points tender), else 0. */
  points: number;
}

/** The amount cannot be split under the constraints (too large, or not whole points). */
export class RefundSplitError extends Error {
  override name = 'RefundSplitError';
  constructor(
    readonly reason: 'exceeds' | 'whole_points',
    message: string,
  ) {
    super(message);
  }
}

/** What an allocation can still give back: points only in whole points. */
export function remainingOf(a: RefundableAllocation, unit: number): number {
  const left = Math.max(0, a.amount - a.refunded);
  return a.kind === 'points' ? left - (left % unit) : left;
}

/** Sum of what can still be refunded across allocations (the most one refund may take). */
export function refundableTotal(allocations: readonly RefundableAllocation[], rule: PointsRule): number {
  const unit = fenPerPoint(rule);
  return allocations.reduce((s, a) => s + remainingOf(a, unit), 0);
}

/**
 * Largest remainder in steps of `step` fen: splits `total` (a multiple of step) over
 * `weights` (each a multiple of step, sum >= total) so parts sum to total and part_i <= weight_i.
 */
function hamilton(total: number, weights: readonly number[], step: number): number[] {
  const units = total / step;
  const w = weights.map((x) => BigInt(x / step));
  const sum = w.reduce((s, x) => s + x, 0n);
  if (units === 0 || sum === 0n) return weights.map(() => 0);
  const T = BigInt(units);
  const floors = w.map((x) => (T * x) / sum);
  const rema = w.map((x, i) => T * x - floors[i] * sum);
  let left = T - floors.reduce((s, x) => s + x, 0n);
  // Largest remainder first; ties by position (stable, deterministic).
  const order = w.map((_, i) => i).sort((i, j) => (rema[j] > rema[i] ? 1 : rema[j] < rema[i] ? -1 : i - j));
  const out = [...floors];
  for (const i of order) {
    if (left === 0n) break;
    // A fractional share is strictly below its weight, so one more step still fits.
    if (rema[i] === 0n) continue;
    out[i] += 1n;
    left -= 1n;
  }
  if (left !== 0n) throw new Error('hamilton: remainder left over (weights below total)');
  return out.map((x) => Number(x) * step);
}

export function splitRefund(allocations: readonly RefundableAllocation[], amount: number, rule: PointsRule): RefundSplitPart[] {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`refund amount must be positive integer fen, got ${amount}`);
  const unit = fenPerPoint(rule);
  const remaining = allocations.map((a) => remainingOf(a, unit));
  const isPoints = allocations.map((a) => a.kind === 'points');
  const total = remaining.reduce((s, x) => s + x, 0);
  if (amount > total) throw new RefundSplitError('exceeds', `refund ${amount} exceeds the refundable ${total}`);

  const pointsRemaining = remaining.reduce((s, x, i) => (isPoints[i] ? s + x : s), 0);
  const otherRemaining = total - pointsRemaining;

  // The points group's share: nearest multiple of `unit` to its proportional share, clamped to
  // what the group can take and to what leaves the other tenders no more than they have.
  const lo = Math.max(0, amount - otherRemaining);
  const loUnits = Math.ceil(lo / unit);
  const hiUnits = Math.floor(Math.min(amount, pointsRemaining) / unit);
  if (loUnits > hiUnits) {
    throw new RefundSplitError('whole_points', `refund ${amount} cannot be split into whole points of ${unit} fen`);
  }
  const A = BigInt(amount);
  const R = BigInt(total);
  const P = BigInt(pointsRemaining);
  const U = BigInt(unit);
  // round(amount * pointsRemaining / (total * unit)), half up, in integers.
  const ideal = Number((2n * A * P + R * U) / (2n * R * U));
  const pointsShare = Math.min(hiUnits, Math.max(loUnits, ideal)) * unit;

  const pointsIdx = allocations.map((_, i) => i).filter((i) => isPoints[i]);
  const otherIdx = allocations.map((_, i) => i).filter((i) => !isPoints[i]);
  const parts = new Array<number>(allocations.length).fill(0);
  hamilton(pointsShare, pointsIdx.map((i) => remaining[i]), unit).forEach((x, k) => (parts[pointsIdx[k]] = x));
  hamilton(amount - pointsShare, otherIdx.map((i) => remaining[i]), 1).forEach((x, k) => (parts[otherIdx[k]] = x));

  const out: RefundSplitPart[] = [];
  allocations.forEach((a, i) => {
    if (parts[i] > 0) {
      out.push({ paymentId: a.paymentId, tenderSeq: a.tenderSeq, kind: a.kind, amount: parts[i], points: a.kind === 'points' ? parts[i] / unit : 0 });
    }
  });
  return out;
}
