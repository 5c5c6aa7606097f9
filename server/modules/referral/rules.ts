import type { Kysely } from 'kysely';
import { z } from 'zod';
import { referralRulesBody, type ReferralRules, type RuleOverride, COMMISSION_LEVELS_CAP } from '@contract/referral-commission';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { recordAudit } from '../merchant';
import { goodsNotOf } from '../catalog';
import { validationError } from '../../infra/errors';
import type { CommissionMode } from './amounts';

type Db = Kysely<Database>;

/**
 * Each merchant's commission rules (docs/referral.md, "Commissions"): versions that are only
 * inserted, never updated, so the version in force at any time t (the latest whose created_at
 * is at most t) is exact. A version holds the merchant's default terms (mode, an amount per
 * level), its freeze days, and overrides per product and per SKU (a SKU's beat its product's).
 */
export const DEFAULT_LEVELS = 2;
export const DEFAULT_FREEZE_DAYS = 7;

export interface RuleVersion {
  merchantId: string;
  version: number;
  enabled: boolean;
  levels: number;
  mode: CommissionMode;
  amounts: number[];
  freezeDays: number;
  createdAt: number | null;
  createdBy: string | null;
}

const amountsOf = (text: string): number[] => z.array(z.number().int().min(0)).parse(JSON.parse(text));
const modeOf = (text: string): CommissionMode => (text === 'fixed' ? 'fixed' : 'rate');

/** Version 0: what a merchant that never set rules has (commissions off). */
function noRules(merchantId: string): RuleVersion {
  return { merchantId, version: 0, enabled: false, levels: DEFAULT_LEVELS, mode: 'rate', amounts: Array.from({ length: DEFAULT_LEVELS }, () => 0), freezeDays: DEFAULT_FREEZE_DAYS, createdAt: null, createdBy: null };
}

/** The version in force at `at` (the latest created at or before it); version 0 when none was. */
export async function ruleInForce(db: Db, merchantId: string, at: number): Promise<RuleVersion> {
  const row = await db
    .selectFrom('referral_rules')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('created_at', '<=', at)
    .orderBy('created_at', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return noRules(merchantId);
  return {
    merchantId,
    version: Number(row.version),
    enabled: Number(row.enabled) === 1,
    levels: Math.min(Number(row.levels), COMMISSION_LEVELS_CAP),
    mode: modeOf(row.mode),
    amounts: amountsOf(row.amounts),
    freezeDays: Number(row.freeze_days),
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}

/** Whether the merchant ever had a version with commissions on (else none of its orders has any). */
export async function everEnabled(db: Db, merchantId: string): Promise<boolean> {
  return (await db.selectFrom('referral_rules').select('version').where('merchant_id', '=', merchantId).where('enabled', '=', 1).limit(1).executeTakeFirst()) !== undefined;
}

export interface LineTerms {
  mode: CommissionMode;
  /** One per level. */
  amounts: number[];
}

/** The terms of each line (by SKU, then product, then the merchant's), for the lines asked. */
export async function termsForLines(db: Db, rule: RuleVersion, lines: readonly { skuId: string; productId: string }[]): Promise<LineTerms[]> {
  const fallback: LineTerms = { mode: rule.mode, amounts: rule.amounts };
  if (rule.version === 0 || lines.length === 0) return lines.map(() => fallback);
  const targets = [...new Set(lines.flatMap((l) => [l.skuId, l.productId]))];
  const rows = await db
    .selectFrom('referral_rule_overrides')
    .select(['target', 'target_id', 'mode', 'amounts'])
    .where('merchant_id', '=', rule.merchantId)
    .where('version', '=', rule.version)
    .where('target_id', 'in', targets)
    .execute();
  const byKey = new Map(rows.map((r) => [`${r.target}:${r.target_id}`, { mode: modeOf(r.mode), amounts: amountsOf(r.amounts) }]));
  return lines.map((l) => byKey.get(`sku:${l.skuId}`) ?? byKey.get(`product:${l.productId}`) ?? fallback);
}

async function overridesOf(db: Db, merchantId: string, version: number): Promise<RuleOverride[]> {
  if (version === 0) return [];
  const rows = await db.selectFrom('referral_rule_overrides').selectAll().where('merchant_id', '=', merchantId).where('version', '=', version).orderBy('target').orderBy('target_id').execute();
  return rows.map((r) => ({ target: r.target === 'sku' ? 'sku' : 'product', targetId: r.target_id, mode: modeOf(r.mode), amounts: amountsOf(r.amounts) }));
}

/** The rules in force now, with their overrides (the route's answer). */
export async function getRules(db: Db, merchantId: string, now = Date.now()): Promise<ReferralRules> {
  const rule = await ruleInForce(db, merchantId, now);
  return { merchantId, version: rule.version, enabled: rule.enabled, levels: rule.levels, mode: rule.mode, amounts: rule.amounts, freezeDays: rule.freezeDays, overrides: await overridesOf(db, merchantId, rule.version), createdAt: rule.createdAt, createdBy: rule.createdBy };
}

const INSERT_ATTEMPTS = 5;

/**
 * A new version of the merchant's rules, in force from `now` (never before the latest version's
 * time, so versions in force are ordered as numbered), audited in the same transaction.
 * Concurrent changes each get their own version number (a conflicting insert takes the next).
 */
export async function setRules(
  db: Db,
  merchantId: string,
  actorId: string,
  input: z.input<typeof referralRulesBody>,
  now = Date.now(),
  /** The network's depth (REFERRAL_MAX_LEVELS): no merchant pays deeper than the platform allows. */
  maxLevels: number = COMMISSION_LEVELS_CAP,
): Promise<ReferralRules> {
  const body = referralRulesBody.parse(input);
  if (body.levels > maxLevels) {
    throw validationError([{ path: 'body.levels', message: `at most ${maxLevels} levels` }], `The network pays at most ${maxLevels} levels (REFERRAL_MAX_LEVELS)`);
  }
  const foreign = new Set(
    await goodsNotOf(db, merchantId, {
      productIds: body.overrides.filter((o) => o.target === 'product').map((o) => o.targetId),
      skuIds: body.overrides.filter((o) => o.target === 'sku').map((o) => o.targetId),
    }),
  );
  if (foreign.size > 0) {
    const issues = body.overrides.flatMap((o, i) => (foreign.has(`${o.target}:${o.targetId}`) ? [{ path: `body.overrides.${i}.targetId`, message: "not one of this merchant's goods" }] : []));
    throw validationError(issues, `overrides name goods that are not this merchant's: ${[...foreign].slice(0, 10).join(', ')}`);
  }
  return transact(db, async (trx) => {
    for (let attempt = 1; attempt <= INSERT_ATTEMPTS; attempt++) {
      const last = await trx.selectFrom('referral_rules').select(['version', 'created_at']).where('merchant_id', '=', merchantId).orderBy('version', 'desc').limit(1).executeTakeFirst();
      const version = (last ? Number(last.version) : 0) + 1;
      const at = Math.max(now, last ? Number(last.created_at) : now);
      const inserted = await trx
        .insertInto('referral_rules')
        .values({ merchant_id: merchantId, version, enabled: body.enabled ? 1 : 0, levels: body.levels, mode: body.mode, amounts: JSON.stringify(body.amounts), freeze_days: body.freezeDays, created_by: actorId, created_at: at })
        .onConflict((oc) => oc.columns(['merchant_id', 'version']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) continue;
      if (body.overrides.length > 0) {
        await trx
          .insertInto('referral_rule_overrides')
          .values(body.overrides.map((o) => ({ merchant_id: merchantId, version, target: o.target, target_id: o.targetId, mode: o.mode, amounts: JSON.stringify(o.amounts) })))
          .execute();
      }
      const before = last ? await ruleInForce(trx, merchantId, Number(last.created_at)) : noRules(merchantId);
      await recordAudit(
        trx,
        {
          merchantId,
          actorId,
          action: 'referral.rules_changed',
          target: `referral_rules:${version}`,
          detail: {
            from: { version: before.version, enabled: before.enabled, levels: before.levels, mode: before.mode, amounts: before.amounts, freezeDays: before.freezeDays },
            to: { version, enabled: body.enabled, levels: body.levels, mode: body.mode, amounts: body.amounts, freezeDays: body.freezeDays, overrides: body.overrides.length },
          },
        },
        now,
      );
      return { merchantId, version, enabled: body.enabled, levels: body.levels, mode: body.mode, amounts: body.amounts, freezeDays: body.freezeDays, overrides: body.overrides, createdAt: at, createdBy: actorId };
    }
    throw new Error(`referral rules of ${merchantId}: no version number free after ${INSERT_ATTEMPTS} attempts`);
  });
}
