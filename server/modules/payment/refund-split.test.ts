import fc from 'fast-check';
import type { PointsRule } from '@contract/tender-split';
import { RefundSplitError, refundableTotal, remainingOf, splitRefund, type RefundableAllocation } from './refund-split';

const RULE: PointsRule = { pointsPerYuan: 100, capPercent: 50 };
const TEN_FEN_POINTS: PointsRule = { pointsPerYuan: 10, capPercent: 50 };

const alloc = (kind: RefundableAllocation['kind'], amount: number, refunded = 0, seq = 0): RefundableAllocation => ({
  paymentId: 'pay_1',
  tenderSeq: seq,
  kind,
  amount,
  refunded,
});

describe('splitRefund examples', () => {
  it('splits in proportion to what each tender still has', () => {
    const allocations = [alloc('points', 1000, 0, 1), alloc('gift_card', 2000, 0, 2), alloc('balance', 3000, 0, 3), alloc('channel', 4000, 0, 4)];
    const parts = splitRefund(allocations, 5000, RULE);
    expect(parts.map((p) => [p.kind, p.amount, p.points])).toEqual([
      ['points', 500, 500],
      ['gift_card', 1000, 0],
      ['balance', 1500, 0],
      ['channel', 2000, 0],
    ]);
  });

  it('gives the leftover fen to the largest remainders', () => {
    const parts = splitRefund([alloc('balance', 1, 0, 1), alloc('balance', 1, 0, 2), alloc('channel', 1, 0, 3)], 2, RULE);
    expect(parts.map((p) => p.amount)).toEqual([1, 1]);
    expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(2);
  });

  it('refunds points only in whole points and leaves the rest to other tenders', () => {
    const parts = splitRefund([alloc('points', 100, 0, 1), alloc('balance', 5, 0, 2)], 10, TEN_FEN_POINTS);
    expect(parts).toEqual([{ paymentId: 'pay_1', tenderSeq: 1, kind: 'points', amount: 10, points: 1 }]);
    // 95 of 105 is mostly points: 90 fen of points (9 points) and 5 fen of balance.
    const big = splitRefund([alloc('points', 100, 0, 1), alloc('balance', 5, 0, 2)], 95, TEN_FEN_POINTS);
    expect(big.map((p) => [p.kind, p.amount, p.points])).toEqual([
      ['points', 90, 9],
      ['balance', 5, 0],
    ]);
  });

  it('refuses an amount that cannot be whole points, and more than is left', () => {
    expect(() => splitRefund([alloc('points', 100, 0, 1)], 15, TEN_FEN_POINTS)).toThrow(RefundSplitError);
    expect(() => splitRefund([alloc('balance', 100, 40, 1)], 61, RULE)).toThrow(RefundSplitError);
    expect(() => splitRefund([alloc('balance', 100, 0, 1)], 0, RULE)).toThrow(RangeError);
  });

  it('counts what is already refunded or reserved', () => {
    const parts = splitRefund([alloc('balance', 100, 100, 1), alloc('channel', 100, 30, 2)], 70, RULE);
    expect(parts).toEqual([{ paymentId: 'pay_1', tenderSeq: 2, kind: 'channel', amount: 70, points: 0 }]);
  });
});

const ruleArb = fc.constantFrom<PointsRule>(RULE, TEN_FEN_POINTS, { pointsPerYuan: 20, capPercent: 50 }, { pointsPerYuan: 1, capPercent: 100 });

/** Allocations as payments create them: points tenders in whole points. */
const allocationsArb = (rule: PointsRule) => {
  const unit = 100 / rule.pointsPerYuan;
  return fc
    .array(
      fc.record({
        kind: fc.constantFrom<RefundableAllocation['kind']>('points', 'gift_card', 'balance', 'channel'),
        amount: fc.integer({ min: 0, max: 1_000_000 }),
        refundedShare: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((rows) =>
      rows.map((r, i): RefundableAllocation => {
        const amount = r.kind === 'points' ? r.amount - (r.amount % unit) : r.amount;
        let refunded = Math.floor(amount * r.refundedShare);
        if (r.kind === 'points') refunded -= refunded % unit;
        return { paymentId: `pay_${i % 2}`, tenderSeq: i, kind: r.kind, amount, refunded };
      }),
    );
};

describe('splitRefund properties', () => {
  it('parts sum to the amount, are positive, within each remaining, and points are whole', () => {
    fc.assert(
      fc.property(
        ruleArb.chain((rule) => fc.tuple(fc.constant(rule), allocationsArb(rule), fc.double({ min: 0, max: 1, noNaN: true }))),
        ([rule, allocations, share]) => {
          const unit = 100 / rule.pointsPerYuan;
          const total = refundableTotal(allocations, rule);
          fc.pre(total > 0);
          const amount = Math.max(1, Math.round(total * share));
          let parts;
          try {
            parts = splitRefund(allocations, amount, rule);
          } catch (err) {
            // Only possible when what is left besides points is less than amount's odd fen.
            expect(err).toBeInstanceOf(RefundSplitError);
            const others = allocations.filter((a) => a.kind !== 'points').reduce((s, a) => s + remainingOf(a, unit), 0);
            expect(others).toBeLessThan(amount % unit);
            return;
          }
          expect(parts.reduce((s, p) => s + p.amount, 0)).toBe(amount);
          for (const p of parts) {
            const a = allocations.find((x) => x.tenderSeq === p.tenderSeq);
            expect(a).toBeDefined();
            expect(p.amount).toBeGreaterThan(0);
            expect(p.amount).toBeLessThanOrEqual(remainingOf(a as RefundableAllocation, unit));
            if (p.kind === 'points') {
              expect(p.amount % unit).toBe(0);
              expect(p.points * unit).toBe(p.amount);
            } else {
              expect(p.points).toBe(0);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stays close to proportional: each part within one step of its exact share, apart from the points group rounding', () => {
    fc.assert(
      fc.property(allocationsArb(RULE), fc.double({ min: 0, max: 1, noNaN: true }), (allocations, share) => {
        const total = refundableTotal(allocations, RULE);
        fc.pre(total > 0);
        const amount = Math.max(1, Math.round(total * share));
        const parts = splitRefund(allocations, amount, RULE);
        for (const a of allocations) {
          const exact = (amount * remainingOf(a, 1)) / total;
          const got = parts.find((p) => p.tenderSeq === a.tenderSeq)?.amount ?? 0;
          // One fen of points group rounding plus one fen of largest remainder.
          expect(Math.abs(got - exact)).toBeLessThanOrEqual(2);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('repeated partial refunds never exceed what each tender paid, and can refund everything', () => {
    fc.assert(
      fc.property(
        ruleArb.chain((rule) => fc.tuple(fc.constant(rule), allocationsArb(rule), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }))),
        ([rule, start, shares]) => {
          const unit = 100 / rule.pointsPerYuan;
          const allocations = start.map((a) => ({ ...a }));
          for (const share of shares) {
            const total = refundableTotal(allocations, rule);
            if (total === 0) break;
            let amount = Math.max(1, Math.round(total * share));
            // Keep to amounts that can always be split (whole points where only points are left).
            const others = allocations.filter((a) => a.kind !== 'points').reduce((s, a) => s + remainingOf(a, unit), 0);
            if (others < amount % unit) amount -= amount % unit;
            if (amount === 0) continue;
            for (const p of splitRefund(allocations, amount, rule)) {
              const a = allocations.find((x) => x.tenderSeq === p.tenderSeq) as RefundableAllocation;
              a.refunded += p.amount;
            }
            for (const a of allocations) {
              expect(a.refunded).toBeLessThanOrEqual(a.amount);
              expect(a.refunded).toBeGreaterThanOrEqual(0);
            }
          }
          // Whatever is left can be refunded in one go, and then nothing is.
          const rest = refundableTotal(allocations, rule);
          if (rest > 0) {
            for (const p of splitRefund(allocations, rest, rule)) {
              (allocations.find((x) => x.tenderSeq === p.tenderSeq) as RefundableAllocation).refunded += p.amount;
            }
          }
          for (const a of allocations) expect(a.refunded).toBe(a.amount);
          expect(refundableTotal(allocations, rule)).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
