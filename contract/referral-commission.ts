import { z } from 'zod';
import { cursor, fen, id, pageQuery, timestamp } from './common';

/**
 * Referral commissions (docs/referral.md, "Commissions"): each merchant's rules (versioned), a
 * promoter's earnings and commissions, a merchant's report of commissions paid and reversed.
 */

/** The hard cap on levels (docs/referral.md, "Depth"). */
export const COMMISSION_LEVELS_CAP = 3;
/** One rate is at most 100 % (basis points). */
export const MAX_RATE_BP = 10_000;
/** The rates of all levels together are at most 50 % of the base. */
export const MAX_TOTAL_RATE_BP = 5_000;
/** A fixed amount per unit is at most ¥100,000. */
export const MAX_FIXED_FEN = 10_000_000;
export const MAX_FREEZE_DAYS = 90;
export const MAX_RULE_OVERRIDES = 500;

/** rate: basis points of the base per level; fixed: fen per unit per level (at most the line's base). */
export const commissionMode = z.enum(['rate', 'fixed']);
export type CommissionMode = z.infer<typeof commissionMode>;

const levels = z.number().int().min(1).max(COMMISSION_LEVELS_CAP);
const amounts = z.array(z.number().int().min(0).max(MAX_FIXED_FEN)).min(1).max(COMMISSION_LEVELS_CAP);

/** Checks one set of terms: an amount per level; rates each at most 100 % and together at most 50 %. */
function checkTerms(t: { mode: CommissionMode; amounts: number[] }, levelCount: number, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (t.amounts.length !== levelCount) ctx.addIssue({ code: 'custom', path: [...path, 'amounts'], message: `one amount per level (${levelCount})` });
  if (t.mode === 'rate') {
    t.amounts.forEach((a, i) => {
      if (a > MAX_RATE_BP) ctx.addIssue({ code: 'custom', path: [...path, 'amounts', i], message: `a rate is at most ${MAX_RATE_BP} basis points` });
    });
    const total = t.amounts.reduce((a, b) => a + b, 0);
    if (total > MAX_TOTAL_RATE_BP) ctx.addIssue({ code: 'custom', path: [...path, 'amounts'], message: `the levels' rates together are at most ${MAX_TOTAL_RATE_BP} basis points` });
  }
}

export const ruleOverride = z.strictObject({
  target: z.enum(['product', 'sku']),
  targetId: id,
  mode: commissionMode,
  amounts,
});
export type RuleOverride = z.infer<typeof ruleOverride>;

/** A new version of a merchant's rules (replaces the whole set: default terms and overrides). */
export const referralRulesBody = z
  .strictObject({
    enabled: z.boolean(),
    levels,
    mode: commissionMode,
    amounts,
    freezeDays: z.number().int().min(0).max(MAX_FREEZE_DAYS),
    overrides: z.array(ruleOverride).max(MAX_RULE_OVERRIDES).default([]),
  })
  .superRefine((body, ctx) => {
    checkTerms(body, body.levels, ctx, []);
    const seen = new Set<string>();
    body.overrides.forEach((o, i) => {
      checkTerms(o, body.levels, ctx, ['overrides', i]);
      const key = `${o.target}:${o.targetId}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['overrides', i], message: `${key} is overridden twice` });
      seen.add(key);
    });
  });
export type ReferralRulesBody = z.input<typeof referralRulesBody>;

/** The rules in force (version 0: the merchant never set any; commissions are off). */
export const referralRules = z.object({
  merchantId: id,
  version: z.number().int().min(0),
  enabled: z.boolean(),
  levels,
  mode: commissionMode,
  amounts: z.array(z.number().int().min(0)),
  freezeDays: z.number().int().min(0),
  overrides: z.array(ruleOverride),
  /** When this version came into force (null for version 0). */
  createdAt: timestamp.nullable(),
  createdBy: id.nullable(),
});
export type ReferralRules = z.infer<typeof referralRules>;

export const commissionState = z.enum(['pending', 'frozen', 'available', 'withdrawn', 'reversed']);
export type CommissionState = z.infer<typeof commissionState>;

/**
 * A promoter's commission money by state; withdrawing: taken by withdrawals not settled yet;
 * withdrawn: paid out; owed: clawbacks of reversals after a withdrawal not yet netted.
 */
export const referralBalances = z.object({ pending: fen, frozen: fen, available: fen, withdrawing: fen, withdrawn: fen, owed: fen });
export type ReferralBalances = z.infer<typeof referralBalances>;

/**
 * The withdrawal rules the promoter centre shows before he asks (REFERRAL_WITHDRAW_*, docs/referral.md,
 * "Withdrawals"): fee = feeFen + floor(amount × feeBp / 10000); dailyLimit and remainingToday null
 * without a daily limit; a channel (WeChat, Alipay) pays at least channelMinPayout after the fee
 * and WeChat less than wechatPayoutBelow.
 */
export const withdrawRules = z.object({
  minimum: fen,
  feeFen: fen,
  feeBp: z.number().int().nonnegative(),
  dailyLimit: fen.nullable(),
  remainingToday: fen.nullable(),
  autoApproveMax: fen,
  channelMinPayout: fen,
  wechatPayoutBelow: fen,
});
export type WithdrawRules = z.infer<typeof withdrawRules>;

/** The promoter's money by state and the withdrawal rules as they apply to him today. */
export const referralEarnings = referralBalances.extend({ withdraw: withdrawRules });
export type ReferralEarnings = z.infer<typeof referralEarnings>;

export const commissionListQuery = z.strictObject({ state: commissionState.optional(), ...pageQuery });
export type CommissionListQuery = z.input<typeof commissionListQuery>;

export const commissionItem = z.object({
  id,
  orderId: id,
  orderNo: z.string(),
  productTitle: z.string(),
  quantity: z.number().int(),
  level: z.number().int().min(1),
  /** Earned (before reversals). */
  amount: fen,
  reversedAmount: fen,
  state: commissionState,
  placedAt: timestamp,
  /** frozen: when it becomes available. */
  availableAt: timestamp.nullable(),
});
export type CommissionItem = z.infer<typeof commissionItem>;
export const commissionPage = z.object({ items: z.array(commissionItem), nextCursor: cursor.nullable() });
export type CommissionPage = z.infer<typeof commissionPage>;

/** The merchant's report: commissions earned on its orders and reversed, per Asia/Shanghai day or in total. */
export const commissionReportQuery = z.strictObject({
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  groupBy: z.enum(['day', 'total']).default('total'),
});
export type CommissionReportQuery = z.input<typeof commissionReportQuery>;
const reportRow = z.object({ paid: fen, reversed: fen, commissions: z.number().int().min(0) });
export const commissionReport = z.object({
  merchantId: id,
  total: reportRow,
  /** groupBy day: one row per day (YYYY-MM-DD, Asia/Shanghai) with a commission earned or reversed, oldest first. */
  days: z.array(reportRow.extend({ day: z.string() })),
});
export type CommissionReport = z.infer<typeof commissionReport>;

/** The leaderboard's period: the current calendar month in Asia/Shanghai, or all time. */
export const leaderboardPeriod = z.enum(['month', 'all']);
export type LeaderboardPeriod = z.infer<typeof leaderboardPeriod>;
/** How many promoters the leaderboard lists. */
export const LEADERBOARD_SIZE = 50;

export const leaderboardQuery = z.strictObject({ period: leaderboardPeriod.default('month') });
export type LeaderboardQuery = z.input<typeof leaderboardQuery>;

export const leaderboardEntry = z.object({
  /** 1 for the most; promoters with the same amount share a rank (1, 2, 2, 4). */
  rank: z.number().int().min(1),
  /** Masked nickname (张**丰). */
  nickname: z.string(),
  /** Commissions earned on orders paid in the period, less what refunds reversed of them. */
  amount: fen,
  /** The caller's own row. */
  isMe: z.boolean(),
});
export type LeaderboardEntry = z.infer<typeof leaderboardEntry>;

export const referralLeaderboard = z.object({
  period: leaderboardPeriod,
  /** month: the first instant of the current month in Asia/Shanghai; all: null. */
  from: timestamp.nullable(),
  /** The top promoters (at most LEADERBOARD_SIZE), most first. */
  items: z.array(leaderboardEntry),
  /** The caller: his rank (null with nothing earned in the period) and amount. */
  me: z.object({ rank: z.number().int().min(1).nullable(), amount: fen }),
  /** When the ranking was computed (it is kept for a minute). */
  computedAt: timestamp,
});
export type ReferralLeaderboard = z.infer<typeof referralLeaderboard>;

/** GET /api/referral/estimate: what a promoter would earn at level 1 on one unit of each SKU of a product. */
export const referralEstimateQuery = z.strictObject({ productId: id });
export type ReferralEstimateQuery = z.input<typeof referralEstimateQuery>;
export const referralEstimate = z.object({
  productId: id,
  /** Whether the product's merchant pays commissions under the rules in force now (false: skus is empty). */
  enabled: z.boolean(),
  /**
   * The level-1 commission on one unit of each SKU at its current price and the rules in force
   * (rate: the rate on the price, rounded down; fixed: the amount per unit, at most the price).
   * An estimate: the commission is reckoned on what the order is paid, after discounts.
   */
  skus: z.array(z.object({ skuId: id, amount: fen })),
});
export type ReferralEstimate = z.infer<typeof referralEstimate>;
