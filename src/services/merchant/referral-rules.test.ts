// A test may load the contract at run time (zod is fine in jest): the form's checks are compared with the server's schema.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import * as contract from '@contract/referral-commission';
import fc from 'fast-check';
import { checkDraft, draftOf, foreignGoodsOf, formatFixed, formatRate, parseFixed, parseRate, resizeAmounts, RULE_LIMITS, type RulesDraft } from './referral-rules';

describe('the rules form', () => {
  it('has the contract\'s limits', () => {
    expect(RULE_LIMITS).toEqual({
      levelsCap: contract.COMMISSION_LEVELS_CAP,
      maxRateBp: contract.MAX_RATE_BP,
      maxTotalRateBp: contract.MAX_TOTAL_RATE_BP,
      maxFixedFen: contract.MAX_FIXED_FEN,
      maxFreezeDays: contract.MAX_FREEZE_DAYS,
      maxOverrides: contract.MAX_RULE_OVERRIDES,
    });
  });

  it('reads percentages and yuan with at most two decimals', () => {
    expect([parseRate('10'), parseRate('10.5'), parseRate('0.05'), parseRate(' 12.25 '), parseRate('100')]).toEqual([1_000, 1_050, 5, 1_225, 10_000]);
    expect([parseRate(''), parseRate('1.234'), parseRate('-1'), parseRate('1e2'), parseRate('1000'), parseRate('.5'), parseRate('5.')]).toEqual([null, null, null, null, null, null, null]);
    expect([parseFixed('1.5'), parseFixed('100000'), parseFixed('0')]).toEqual([150, 10_000_000, 0]);
    expect([formatRate(1_050), formatRate(1_000), formatRate(5), formatFixed(150), formatFixed(200), formatFixed(1)]).toEqual(['10.5', '10', '0.05', '1.5', '2', '0.01']);
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999 }), (bp) => parseRate(formatRate(bp)) === bp));
    fc.assert(fc.property(fc.integer({ min: 0, max: contract.MAX_FIXED_FEN }), (fen) => parseFixed(formatFixed(fen)) === fen));
  });

  it('keeps typed amounts when the levels change', () => {
    expect(resizeAmounts(['1', '2'], 3)).toEqual(['1', '2', '']);
    expect(resizeAmounts(['1', '2', '3'], 1)).toEqual(['1']);
  });

  it('accepts exactly the rules the server accepts, and sends what was typed (property)', () => {
    const amount = fc.oneof(fc.integer({ min: 0, max: 6_000 }), fc.integer({ min: 0, max: 12_000 }), fc.integer({ min: 0, max: 10_000_010 }));
    const terms = fc.record({ mode: fc.constantFrom('rate' as const, 'fixed' as const), amounts: fc.array(amount, { minLength: 1, maxLength: 3 }) });
    const body = fc.record({
      enabled: fc.boolean(),
      levels: fc.integer({ min: 1, max: 3 }),
      freezeDays: fc.integer({ min: 0, max: 95 }),
      base: terms,
      overrides: fc.array(fc.record({ target: fc.constantFrom('product' as const, 'sku' as const), targetId: fc.constantFrom('p_1', 'p_2', 'sku_1'), terms }), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(body, (b) => {
        const fit = (a: number[]) => resizeAmounts(a.map(String), b.levels).map((s) => (s === '' ? 0 : Number(s)));
        const server = {
          enabled: b.enabled, levels: b.levels, mode: b.base.mode, amounts: fit(b.base.amounts), freezeDays: b.freezeDays,
          overrides: b.overrides.map((o) => ({ target: o.target, targetId: o.targetId, mode: o.terms.mode, amounts: fit(o.terms.amounts) })),
        };
        const typed = (mode: 'rate' | 'fixed', a: number[]) => a.map((v) => (mode === 'rate' ? formatRate(v) : formatFixed(v)));
        const draft: RulesDraft = {
          enabled: server.enabled, levels: server.levels, mode: server.mode, amounts: typed(server.mode, server.amounts), freezeDays: String(server.freezeDays),
          overrides: server.overrides.map((o) => ({ ...o, amounts: typed(o.mode, o.amounts) })),
        };
        const ours = checkDraft(draft);
        const theirs = contract.referralRulesBody.safeParse(server);
        expect([ours.body !== null, ours.problems.length === 0]).toEqual([theirs.success, theirs.success]);
        if (theirs.success) expect(ours.body).toEqual(theirs.data);
      }),
      { numRuns: 500 },
    );
  });

  it('a form from the rules in force sends them back unchanged', () => {
    const rules = {
      merchantId: 'm_1', version: 2, enabled: true, levels: 3, mode: 'fixed' as const, amounts: [150, 75, 1], freezeDays: 0, createdAt: 1, createdBy: 'u_1',
      overrides: [{ target: 'sku' as const, targetId: 'sku_1', mode: 'rate' as const, amounts: [1_225, 0, 5] }],
    };
    const { merchantId: _m, version: _v, createdAt: _c, createdBy: _b, ...body } = rules;
    expect(checkDraft(draftOf(rules)).body).toEqual(body);
  });

  it('reads the goods a refusal names', () => {
    expect(foreignGoodsOf("overrides name goods that are not this merchant's: p_1, sku_2")).toEqual(['p_1', 'sku_2']);
    expect(foreignGoodsOf('Some fields are not valid')).toEqual([]);
    expect(foreignGoodsOf(undefined)).toEqual([]);
  });
});
