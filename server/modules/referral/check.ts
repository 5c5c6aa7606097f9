import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { earnedOn } from './amounts';
import { OPEN_WITHDRAWAL_STATES } from './machine';
import { PLATFORM } from '../wallet';

/** The tables of commissions (migration 018). */
export const COMMISSION_TABLES = ['referral_rules', 'referral_rule_overrides', 'referral_commissions', 'referral_commission_reversals'] as const;

/** The ledger kinds these expectations cover (the ledger check compares every account of them). */
export const COMMISSION_ACCOUNT_KINDS = [
  'commission_pending',
  'commission_frozen',
  'commission_available',
  'commission_withdrawn',
  'commission_clawback',
  'commission_expense',
  'commission_in_transit',
  'commission_payouts',
  'withdrawal_fees',
  'payout_clearing',
] as const;

/**
 * What the ledger's commission accounts must hold, from the commissions alone (the ledger
 * check compares; docs/ledger.md, "Invariants"), keyed `<kind>:<owner>` (a merchant's expense
 * over all its shards):
 * - commission_pending / commission_frozen: the net (earned − reversed) of the promoter's
 *   pending / frozen commissions;
 * - commission_available: of his available ones, net − netted + clawed (what each left there);
 * - commission_available also holds what a failed withdrawal gave back to a commission reversed meanwhile;
 * - commission_in_transit: his open withdrawals (requested, approved, transferring);
 * - commission_withdrawn: his paid withdrawals (their amounts, fees included);
 * - commission_payouts:platform minus every paid withdrawal; withdrawal_fees:platform their fees;
 *   payout_clearing:<channel> what was paid out through the channel;
 * - commission_clawback: Σ (netted − clawed) over all his commissions (minus what he owes);
 * - commission_expense: minus the net of the merchant's earned commissions.
 * And per commission: 0 <= reversed <= earned <= its terms on its base; refunds within the
 * line; its reversals add up to its reversed amount; what withdrawals took of it is what the open
 * and paid withdrawals' parts say. Per withdrawal: fee + payout = amount, its parts take its amount.
 */
export interface CommissionExpectations {
  expected: Map<string, number>;
  problems: { check: string; message: string }[];
  commissions: number;
  withdrawals: number;
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
      (eb) =>
        eb
          .selectFrom('referral_commission_reversals as r')
          .select(sql<number>`coalesce(sum(r.amount), 0)`.as('s'))
          .whereRef('r.commission_id', '=', 'c.id')
          .as('reversals'),
      // What the withdrawals that still hold their money (open or paid) took from it.
      (eb) =>
        eb
          .selectFrom('referral_withdrawal_parts as wp')
          .innerJoin('referral_withdrawals as w', 'w.id', 'wp.withdrawal_id')
          .select(sql<number>`coalesce(sum(wp.amount), 0)`.as('s'))
          .whereRef('wp.commission_id', '=', 'c.id')
          .where('w.status', 'not in', ['rejected', 'failed'])
          .as('parts'),
    ])
    .orderBy('c.id')
    .execute();
  const expected = new Map<string, number>();
  const add = (key: string, amount: number) => expected.set(key, (expected.get(key) ?? 0) + amount);
  const problems: CommissionExpectations['problems'] = [];
  const takenByWithdrawals = new Map<string, number>();
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
    const inAvailable = net - netted + clawed - n(c.withdrawn_amount);
    // Withdrawn ones left nothing there; a reversed one may hold what a failed withdrawal gave back.
    if (c.status === 'available' || c.status === 'withdrawn' || c.status === 'reversed') add(`commission_available:${p}`, inAvailable);
    if ((c.status === 'withdrawn' && inAvailable !== 0) || inAvailable < 0) problems.push({ check: 'commissions', message: `commission ${c.id} (${c.status}) holds ${inAvailable} in available` });
    takenByWithdrawals.set(p, (takenByWithdrawals.get(p) ?? 0) + n(c.withdrawn_amount));
    if (n(c.withdrawn_amount) !== n(c.parts)) problems.push({ check: 'withdrawals', message: `commission ${c.id}: withdrawn ${n(c.withdrawn_amount)}, but the open and paid withdrawals took ${n(c.parts)} of it` });
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
  }
  for (const [key, value] of expected) {
    if (key.startsWith('commission_clawback:') && value > 0) problems.push({ check: 'commissions', message: `${key}: netting paid down ${value} more than was ever owed` });
  }

  // Withdrawals: what is in transit is the open ones; what was withdrawn, paid out and kept as fees the paid ones.
  const withdrawals = await db
    .selectFrom('referral_withdrawals as w')
    .select(['w.id', 'w.promoter_id', 'w.status', 'w.destination', 'w.amount', 'w.fee', 'w.payout', (eb) => eb.selectFrom('referral_withdrawal_parts as wp').select(sql<number>`coalesce(sum(wp.amount), 0)`.as('s')).whereRef('wp.withdrawal_id', '=', 'w.id').as('parts')])
    .orderBy('w.id')
    .execute();
  const perPromoter = new Map<string, number>();
  for (const w of withdrawals) {
    const p = w.promoter_id;
    const a = n(w.amount);
    const where = `withdrawal ${w.id} (${w.status})`;
    expected.set(`commission_in_transit:${p}`, expected.get(`commission_in_transit:${p}`) ?? 0);
    expected.set(`commission_withdrawn:${p}`, expected.get(`commission_withdrawn:${p}`) ?? 0);
    if ((OPEN_WITHDRAWAL_STATES as readonly string[]).includes(w.status)) {
      add(`commission_in_transit:${p}`, a);
      perPromoter.set(p, (perPromoter.get(p) ?? 0) + a);
    }
    if (w.status === 'succeeded') {
      add(`commission_withdrawn:${p}`, a);
      perPromoter.set(p, (perPromoter.get(p) ?? 0) + a);
      add(`commission_payouts:${PLATFORM}`, -a);
      add(`withdrawal_fees:${PLATFORM}`, n(w.fee));
      if (w.destination !== 'balance') add(`payout_clearing:${w.destination === 'wechat' ? 'wechatpay' : 'alipay'}`, n(w.payout));
    }
    if (n(w.fee) + n(w.payout) !== a || n(w.fee) < 0 || n(w.payout) <= 0) problems.push({ check: 'withdrawals', message: `${where}: fee ${n(w.fee)} and payout ${n(w.payout)} do not make its amount ${a}` });
    if (n(w.parts) !== a) problems.push({ check: 'withdrawals', message: `${where}: its parts take ${n(w.parts)} of its amount ${a}` });
  }
  for (const [p, taken] of takenByWithdrawals) {
    if (taken !== (perPromoter.get(p) ?? 0)) problems.push({ check: 'withdrawals', message: `${p}: his commissions were taken ${taken} by withdrawals, his open and paid withdrawals are ${perPromoter.get(p) ?? 0}` });
  }
  return { expected, problems, commissions: rows.length, withdrawals: withdrawals.length };
}
