import type { CommissionMode, ReferralRules, ReferralRulesBody, RuleOverride } from '@contract/referral-commission';

/**
 * The rules form of the workbench (pages/merchant/referral-rules): what the owner types (a
 * percentage with two decimals per level, or yuan per unit) and the body the server takes
 * (basis points, or fen per unit). The checks mirror contract/referral-commission.ts
 * (referralRulesBody) without pulling zod into the client, so a form that passes here is one
 * the server accepts; the limits below are that file's constants (a test compares them).
 */
export const RULE_LIMITS = {
  /** COMMISSION_LEVELS_CAP */
  levelsCap: 3,
  /** MAX_RATE_BP: one rate is at most 100 %. */
  maxRateBp: 10_000,
  /** MAX_TOTAL_RATE_BP: the levels' rates together are at most 50 %. */
  maxTotalRateBp: 5_000,
  /** MAX_FIXED_FEN: a fixed amount per unit is at most ¥100,000. */
  maxFixedFen: 10_000_000,
  maxFreezeDays: 90,
  maxOverrides: 500,
} as const;

export interface TermsDraft {
  mode: CommissionMode;
  /** One per level, as typed: a percentage (rate) or yuan per unit (fixed). */
  amounts: string[];
}

export interface OverrideDraft extends TermsDraft {
  target: RuleOverride['target'];
  targetId: string;
}

export interface RulesDraft extends TermsDraft {
  enabled: boolean;
  levels: number;
  freezeDays: string;
  overrides: OverrideDraft[];
}

/** Basis points as a percentage without trailing zeros: 1050 -> "10.5", 1000 -> "10", 5 -> "0.05". */
export function formatRate(bp: number): string {
  return trimZeros((bp / 100).toFixed(2));
}

/** Fen as yuan without trailing zeros: 150 -> "1.5", 200 -> "2". */
export function formatFixed(fen: number): string {
  return trimZeros((fen / 100).toFixed(2));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Hundredths from a non-negative decimal with at most two decimals ("10.25" -> 1025); null otherwise. */
function hundredths(text: string, maxIntDigits: number): number | null {
  const s = text.trim();
  if (!new RegExp(`^\\d{1,${maxIntDigits}}(\\.\\d{1,2})?$`).test(s)) return null;
  const [int, dec = ''] = s.split('.');
  return Number(int) * 100 + Number((dec + '00').slice(0, 2));
}

/** A percentage -> basis points ("10.5" -> 1050); null when it is not a number with at most two decimals. */
export const parseRate = (text: string): number | null => hundredths(text, 3);
/** Yuan per unit -> fen ("1.5" -> 150); null when it is not an amount with at most two decimals. */
export const parseFixed = (text: string): number | null => hundredths(text, 6);

export function formatAmount(mode: CommissionMode, value: number): string {
  return mode === 'rate' ? formatRate(value) : formatFixed(value);
}

/** The amounts re-sized to `levels` (new levels start empty). */
export function resizeAmounts(amounts: readonly string[], levels: number): string[] {
  return Array.from({ length: levels }, (_, i) => amounts[i] ?? '');
}

/** The form for the rules in force (version 0 starts with empty amounts: nothing was ever set). */
export function draftOf(rules: ReferralRules): RulesDraft {
  const amountsOf = (mode: CommissionMode, values: readonly number[]) => resizeAmounts(values.map((v) => formatAmount(mode, v)), rules.levels);
  return {
    enabled: rules.enabled,
    levels: rules.levels,
    mode: rules.mode,
    amounts: rules.version === 0 ? resizeAmounts([], rules.levels) : amountsOf(rules.mode, rules.amounts),
    freezeDays: String(rules.freezeDays),
    overrides: rules.overrides.map((o) => ({ target: o.target, targetId: o.targetId, mode: o.mode, amounts: amountsOf(o.mode, o.amounts) })),
  };
}

/** Which set of terms a problem is in: the merchant's own, or an override (its index). */
export type TermsAt = 'default' | number;

export type RuleProblem =
  | { kind: 'required' | 'badRate' | 'rateAbove100' | 'badFixed' | 'fixedTooHigh'; at: TermsAt; level: number }
  | { kind: 'totalAbove50'; at: TermsAt; totalBp: number }
  | { kind: 'badFreezeDays' }
  | { kind: 'tooManyOverrides' }
  | { kind: 'duplicateOverride'; at: number };

function checkTerms(terms: TermsDraft, levels: number, at: TermsAt, problems: RuleProblem[]): number[] {
  const values: number[] = [];
  for (let i = 0; i < levels; i++) {
    const text = (terms.amounts[i] ?? '').trim();
    const level = i + 1;
    if (text === '') {
      problems.push({ kind: 'required', at, level });
      continue;
    }
    if (terms.mode === 'rate') {
      const bp = parseRate(text);
      if (bp === null) problems.push({ kind: 'badRate', at, level });
      else if (bp > RULE_LIMITS.maxRateBp) problems.push({ kind: 'rateAbove100', at, level });
      else values.push(bp);
    } else {
      const fen = parseFixed(text);
      if (fen === null) problems.push({ kind: 'badFixed', at, level });
      else if (fen > RULE_LIMITS.maxFixedFen) problems.push({ kind: 'fixedTooHigh', at, level });
      else values.push(fen);
    }
  }
  if (terms.mode === 'rate' && values.length === levels) {
    const totalBp = values.reduce((a, b) => a + b, 0);
    if (totalBp > RULE_LIMITS.maxTotalRateBp) problems.push({ kind: 'totalAbove50', at, totalBp });
  }
  return values;
}

/** The body to send, or the problems that keep the form from being sent (the server would answer 400). */
export function checkDraft(draft: RulesDraft): { body: ReferralRulesBody | null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const levels = Math.min(Math.max(1, draft.levels), RULE_LIMITS.levelsCap);
  const amounts = checkTerms(draft, levels, 'default', problems);
  const days = draft.freezeDays.trim();
  const freezeDays = /^\d{1,2}$/.test(days) ? Number(days) : NaN;
  if (!(freezeDays >= 0 && freezeDays <= RULE_LIMITS.maxFreezeDays)) problems.push({ kind: 'badFreezeDays' });
  if (draft.overrides.length > RULE_LIMITS.maxOverrides) problems.push({ kind: 'tooManyOverrides' });
  const seen = new Set<string>();
  const overrides: RuleOverride[] = draft.overrides.map((o, i) => {
    const key = `${o.target}:${o.targetId}`;
    if (seen.has(key)) problems.push({ kind: 'duplicateOverride', at: i });
    seen.add(key);
    return { target: o.target, targetId: o.targetId, mode: o.mode, amounts: checkTerms(o, levels, i, problems) };
  });
  if (problems.length > 0) return { body: null, problems };
  return { body: { enabled: draft.enabled, levels, mode: draft.mode, amounts, freezeDays, overrides }, problems };
}

/** The ids a 400 about goods that are not the merchant's names (its detail lists them); [] when it names none. */
export function foreignGoodsOf(detail: string | undefined): string[] {
  const m = /not this merchant's: (.+)$/.exec(detail ?? '');
  return m ? m[1].split(',').map((s) => s.trim()).filter(Boolean) : [];
}
