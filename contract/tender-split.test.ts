import fc from 'fast-check';
import { DEFAULT_POINTS_RULE, fenPerPoint, pointsCapFen, splitTenders, type PointsRule, type SplitInput, type TenderSplit } from './tender-split';

const DIVISORS_OF_100 = [1, 2, 4, 5, 10, 20, 25, 50, 100];

const ruleArb: fc.Arbitrary<PointsRule> = fc.record({
  pointsPerYuan: fc.constantFrom(...DIVISORS_OF_100),
  capPercent: fc.integer({ min: 0, max: 100 }),
});

const amountArb = fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 1e12 }));

const cardsArb = fc.uniqueArray(fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), balance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500_000 })) }), {
  maxLength: 4,
  selector: (c) => c.id,
});

const inputArb: fc.Arbitrary<SplitInput> = fc.record({
  amount: amountArb,
  rule: ruleArb,
  wallet: fc.record({ balance: fc.integer({ min: 0, max: 5_000_000 }), points: fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.integer({ min: 0, max: 100_000_000 })) }),
  use: fc.record({ balance: fc.boolean(), points: fc.boolean(), giftCards: cardsArb }),
});

const total = (s: TenderSplit) => s.points.amount + s.giftCards.reduce((sum, c) => sum + c.amount, 0) + s.balance + s.channel;

/** What the internal tenders the shopper chose could cover at most (fen). */
function available(input: SplitInput): number {
  const unit = fenPerPoint(input.rule);
  const points = input.use.points ? Math.min(pointsCapFen(input.amount, input.rule), input.wallet.points * unit) : 0;
  const cards = input.use.giftCards.reduce((s, c) => s + Math.max(0, c.balance), 0);
  const balance = input.use.balance ? input.wallet.balance : 0;
  return points + cards + balance;
}

describe('splitTenders properties', () => {
  it('sums exactly to the amount, with no negative part', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const s = splitTenders(input);
        expect(total(s)).toBe(input.amount);
        expect(s.points.points).toBeGreaterThanOrEqual(0);
        expect(s.points.amount).toBeGreaterThanOrEqual(0);
        expect(s.balance).toBeGreaterThanOrEqual(0);
        expect(s.channel).toBeGreaterThanOrEqual(0);
        for (const c of s.giftCards) expect(c.amount).toBeGreaterThan(0);
        for (const v of [s.points.points, s.points.amount, s.balance, s.channel, ...s.giftCards.map((c) => c.amount)]) expect(Number.isSafeInteger(v)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('spends whole points, within the cap and the wallet\'s points', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const s = splitTenders(input);
        const unit = fenPerPoint(input.rule);
        expect(s.points.amount).toBe(s.points.points * unit);
        expect(s.points.amount % unit).toBe(0);
        expect(s.points.amount).toBeLessThanOrEqual(pointsCapFen(input.amount, input.rule));
        expect(s.points.points).toBeLessThanOrEqual(input.wallet.points);
        if (!input.use.points) expect(s.points).toEqual({ points: 0, amount: 0 });
        // Points come first, so they take all they may: the cap or the wallet, whichever is less.
        else expect(s.points.amount).toBe(Math.min(pointsCapFen(input.amount, input.rule), input.wallet.points * unit));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps each gift card within its balance, in the order given', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const s = splitTenders(input);
        const byId = new Map(input.use.giftCards.map((c, i) => [c.id, { ...c, index: i }]));
        let lastIndex = -1;
        for (const part of s.giftCards) {
          const card = byId.get(part.id);
          expect(card).toBeDefined();
          if (!card) return;
          expect(part.amount).toBeLessThanOrEqual(card.balance);
          expect(card.index).toBeGreaterThan(lastIndex);
          lastIndex = card.index;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the balance within the wallet, and uses none unless asked', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const s = splitTenders(input);
        expect(s.balance).toBeLessThanOrEqual(input.wallet.balance);
        if (!input.use.balance) expect(s.balance).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves the channel exactly what the internal tenders cannot cover (0 when they suffice)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const s = splitTenders(input);
        const internal = available(input);
        expect(s.channel).toBe(Math.max(0, input.amount - internal));
        if (internal >= input.amount) expect(s.channel).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic and leaves its input alone', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const copy: SplitInput = JSON.parse(JSON.stringify(input));
        expect(splitTenders(input)).toEqual(splitTenders(copy));
        expect(input).toEqual(copy);
      }),
      { numRuns: 200 },
    );
  });
});

describe('pointsCapFen properties', () => {
  it('is the largest whole-point amount within the cap percentage', () => {
    fc.assert(
      fc.property(amountArb, ruleArb, (amount, rule) => {
        const cap = pointsCapFen(amount, rule);
        const unit = fenPerPoint(rule);
        const exact = (amount * rule.capPercent) / 100;
        expect(Number.isSafeInteger(cap)).toBe(true);
        expect(cap).toBeGreaterThanOrEqual(0);
        expect(cap % unit).toBe(0);
        expect(cap).toBeLessThanOrEqual(exact);
        expect(cap + unit).toBeGreaterThan(exact);
        expect(cap).toBeLessThanOrEqual(amount);
      }),
      { numRuns: 1000 },
    );
  });

  it('never falls as the amount grows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), ruleArb, (amount, more, rule) => {
        expect(pointsCapFen(amount + more, rule)).toBeGreaterThanOrEqual(pointsCapFen(amount, rule));
      }),
      { numRuns: 500 },
    );
  });

  it('is 0 with a 0% cap and the whole-point amount with 100%', () => {
    fc.assert(
      fc.property(amountArb, fc.constantFrom(...DIVISORS_OF_100), (amount, pointsPerYuan) => {
        expect(pointsCapFen(amount, { pointsPerYuan, capPercent: 0 })).toBe(0);
        const unit = 100 / pointsPerYuan;
        expect(pointsCapFen(amount, { pointsPerYuan, capPercent: 100 })).toBe(amount - (amount % unit));
      }),
    );
  });
});

describe('worked examples', () => {
  const none = { balance: false, points: false, giftCards: [] };

  it('¥100 with points, balance and the default rule (100 points = ¥1, cap 50%)', () => {
    expect(splitTenders({ amount: 10_000, rule: DEFAULT_POINTS_RULE, wallet: { balance: 20_000, points: 5_000 }, use: { balance: true, points: true, giftCards: [] } })).toEqual({
      points: { points: 5_000, amount: 5_000 },
      giftCards: [],
      balance: 5_000,
      channel: 0,
    });
  });

  it('the cap rounds down; a gift card comes before the balance; the rest goes to the channel', () => {
    expect(
      splitTenders({
        amount: 10_001,
        rule: DEFAULT_POINTS_RULE,
        wallet: { balance: 1_000, points: 8_000 },
        use: { balance: false, points: true, giftCards: [{ id: 'gc_a', balance: 3_000 }] },
      }),
    ).toEqual({ points: { points: 5_000, amount: 5_000 }, giftCards: [{ id: 'gc_a', amount: 3_000 }], balance: 0, channel: 2_001 });
  });

  it('20 points to the yuan (5 fen a point), cap 30%: whole points only', () => {
    // cap = floor(999 * 30%) = 299 fen -> 295 fen = 59 points
    expect(pointsCapFen(999, { pointsPerYuan: 20, capPercent: 30 })).toBe(295);
    expect(
      splitTenders({ amount: 999, rule: { pointsPerYuan: 20, capPercent: 30 }, wallet: { balance: 1_000, points: 100 }, use: { balance: true, points: true, giftCards: [] } }),
    ).toEqual({ points: { points: 59, amount: 295 }, giftCards: [], balance: 704, channel: 0 });
    // A wallet with only 3 points pays 15 fen.
    expect(splitTenders({ amount: 999, rule: { pointsPerYuan: 20, capPercent: 30 }, wallet: { balance: 0, points: 3 }, use: { ...none, points: true } }).points).toEqual({
      points: 3,
      amount: 15,
    });
  });

  it('several cards: used in order, an empty card is left out, the last one partly', () => {
    expect(
      splitTenders({
        amount: 5_000,
        rule: DEFAULT_POINTS_RULE,
        wallet: { balance: 0, points: 0 },
        use: { balance: true, points: true, giftCards: [{ id: 'a', balance: 1_500 }, { id: 'empty', balance: 0 }, { id: 'b', balance: 10_000 }, { id: 'c', balance: 10_000 }] },
      }),
    ).toEqual({ points: { points: 0, amount: 0 }, giftCards: [{ id: 'a', amount: 1_500 }, { id: 'b', amount: 3_500 }], balance: 0, channel: 0 });
  });

  it('nothing chosen: all through the channel; nothing owed: all zero', () => {
    expect(splitTenders({ amount: 4_321, rule: DEFAULT_POINTS_RULE, wallet: { balance: 99_999, points: 99_999 }, use: none })).toEqual({
      points: { points: 0, amount: 0 },
      giftCards: [],
      balance: 0,
      channel: 4_321,
    });
    expect(splitTenders({ amount: 0, rule: DEFAULT_POINTS_RULE, wallet: { balance: 100, points: 100 }, use: { balance: true, points: true, giftCards: [{ id: 'a', balance: 100 }] } })).toEqual({
      points: { points: 0, amount: 0 },
      giftCards: [],
      balance: 0,
      channel: 0,
    });
  });

  it('refuses a rule whose points are not whole fen and amounts that are not fen', () => {
    expect(() => fenPerPoint({ pointsPerYuan: 3, capPercent: 50 })).toThrow(RangeError);
    expect(() => fenPerPoint({ pointsPerYuan: 100, capPercent: 101 })).toThrow(RangeError);
    expect(() => splitTenders({ amount: -1, rule: DEFAULT_POINTS_RULE, wallet: { balance: 0, points: 0 }, use: none })).toThrow(RangeError);
    expect(() => splitTenders({ amount: 1.5, rule: DEFAULT_POINTS_RULE, wallet: { balance: 0, points: 0 }, use: none })).toThrow(RangeError);
    expect(() => splitTenders({ amount: 100, rule: { pointsPerYuan: 3, capPercent: 50 }, wallet: { balance: 0, points: 0 }, use: none })).toThrow(RangeError);
  });
});
