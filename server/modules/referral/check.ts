import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { earnedOn } from './amounts';

/** The tables of commissions (migration 018) and of their fraud controls (migration 021). */
export const COMMISSION_TABLES = ['referral_rules', 'referral_rule_overrides', 'referral_commissions', 'referral_commission_reversals', 'referral_holds', 'referral_devices'] as const;

/**
 * What the ledger's commission accounts must hold, from the commissions alone (the ledger
 * check compares; docs/ledger.md, "Invariants"), keyed `<kind>:<owner>` (a merchant's expense
 * over all its shards):
 * - commission_pending / commission_frozen: the net (earned − reversed) of the promoter's
 *   pending / frozen commissions;
 * - commission_available: of his available ones, net − netted + clawed (what each left there);
 * - commission_withdrawn: what his withdrawals took;
 * - commission_clawback: Σ (netted − clawed) over all his commissions (minus what he owes);
 * - commission_expense: minus the net of the merchant's earned commissions.
 * And per commission: 0 <= reversed <= earned <= its terms on its base; refunds within the
 * line; its reversals add up to its reversed amount; a held one was never made available.
 */
export interface CommissionExpectations {
  expected: Map<string, number>;
  problems: { check: string; message: string }[];
  commissions: number;
}

const n = (v: unknown) => Number(v ?? 0);

export async function expectedCommissionBalances(db: Kysely<Database>): Promise<CommissionExpectations> {
  const rows = await db
    .selectFrom('referral_commissions as c')
    .select([
      'c.id',
      'c.promoter_id',
      'c.merchant_id',
      'c.status',
      'c.mode',
      'c.rule_amount',
      'c.quantity',
      'c.base',
      'c.amount',
      'c.reversed_amount',
      'c.refunded_base',
      'c.refunded_quantity',
      'c.netted_amount',
      'c.clawed_amount',
      'c.withdrawn_amount',
      'c.held',
      (eb) =>
        eb
          .selectFrom('referral_commission_reversals as r')
          .select(sql<number>`coalesce(sum(r.amount), 0)`.as('s'))
          .whereRef('r.commission_id', '=', 'c.id')
          .as('reversals'),
    ])
    .orderBy('c.id')
    .execute();
  const expected = new Map<string, number>();
  const add = (key: string, amount: number) => expected.set(key, (expected.get(key) ?? 0) + amount);
  const problems: CommissionExpectations['problems'] = [];
  for (const c of rows) {
    const x = n(c.amount);
    const r = n(c.reversed_amount);
    const net = x - r;
    const p = c.promoter_id;
    const netted = n(c.netted_amount);
    const clawed = n(c.clawed_amount);
    const earned = c.status !== 'placed' && c.status !== 'void';
    if (c.status === 'pending') add(`commission_pending:${p}`, net);
    if (c.status === 'frozen') add(`commission_frozen:${p}`, net);
    if (c.status === 'available') add(`commission_available:${p}`, net - netted + clawed);
    add(`commission_withdrawn:${p}`, n(c.withdrawn_amount));
    add(`commission_clawback:${p}`, netted - clawed);
    if (earned) add(`commission_expense:${c.merchant_id}`, -net);
    const where = `commission ${c.id} (${c.status})`;
    const cap = earnedOn({ mode: c.mode === 'fixed' ? 'fixed' : 'rate', ruleAmount: n(c.rule_amount), quantity: n(c.quantity) }, n(c.base));
    if (!earned && (x !== 0 || r !== 0)) problems.push({ check: 'commissions', message: `${where} was never earned but has amount ${x}, reversed ${r}` });
    if (r < 0 || r > x) problems.push({ check: 'commissions', message: `${where}: reversed ${r} of ${x}` });
    if (x > cap) problems.push({ check: 'commissions', message: `${where}: earned ${x}, more than its terms give on its base (${cap})` });
    if (n(c.refunded_base) > n(c.base) || n(c.refunded_quantity) > n(c.quantity)) problems.push({ check: 'commissions', message: `${where}: refunds exceed the line` });
    if (netted < 0 || clawed < 0) problems.push({ check: 'commissions', message: `${where}: netted ${netted}, clawed ${clawed}` });
    if (n(c.reversals) !== r) problems.push({ check: 'commissions', message: `${where}: its reversals sum to ${n(c.reversals)}, its reversed amount is ${r}` });
    if (c.status === 'reversed' && net !== 0) problems.push({ check: 'commissions', message: `${where} keeps ${net}` });
    if (n(c.held) === 1 && (c.status === 'available' || c.status === 'withdrawn')) problems.push({ check: 'commissions', message: `${where} is held but was made available` });
  }
  for (const [key, value] of expected) {
    if (key.startsWith('commission_clawback:') && value > 0) problems.push({ check: 'commissions', message: `${key}: netting paid down ${value} more than was ever owed` });
  }
  return { expected, problems, commissions: rows.length };
}
