import { sql, type Kysely } from 'kysely';
import { dialectOfDb } from '../db';
import type { Database } from '../db/types';
import { ACCOUNT_KINDS, accountId, PLATFORM, storedOwnerId, type AccountKind } from '../modules/wallet';
import { transact } from '../db/transaction';
import { COMMISSION_ACCOUNT_KINDS, expectedCommissionBalances } from '../modules/referral';

type Db = Kysely<Database>;

/**
 * The ledger check (`npm run ledger:check`): proves the books balance and agree with the
 * payment tables. Read-only; everything is read in one transaction (a repeatable-read snapshot
 * on PostgreSQL, SQLite's snapshot in WAL mode), so steps committed while it runs cannot make a
 * consistent ledger look broken.
 *
 * Generic checks: every transaction's entries sum to zero per unit and it has at least two
 * entries; an entry's unit is its account's; each account's balance is the sum of its entries;
 * no account that may not go negative is negative; each account's id, unit and sign rule match
 * its kind.
 * Payment checks (the payment module's tables): payment_clearing equals the internal tenders
 * of open payments; a payment's tenders sum to its amount and its allocations to each tender;
 * hold, capture and release steps match the payment's status; refunded amounts match the done
 * refund parts and stay within the tender.
 */
export interface Discrepancy {
  /** Which invariant failed (stable names, e.g. "entries-balance", "clearing"). */
  check: string;
  message: string;
}

export interface LedgerCheckReport {
  transactions: number;
  entries: number;
  accounts: number;
  payments: number;
  refundParts: number;
  /** Referral commissions checked. */
  commissions: number;
  discrepancies: Discrepancy[];
}

const OPEN_STATUSES = ['paying', 'closing'] as const;
const ENDED_UNPAID = ['closed', 'failed'] as const;

function n(value: unknown): number {
  return Number(value ?? 0);
}

function isAccountKind(kind: string): kind is AccountKind {
  return Object.prototype.hasOwnProperty.call(ACCOUNT_KINDS, kind);
}

async function countOf(db: Db, table: 'journal_transactions' | 'journal_entries' | 'ledger_accounts' | 'payments' | 'refund_parts'): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('c'))
    .executeTakeFirstOrThrow();
  return n(row.c);
}

async function genericChecks(db: Db, out: Discrepancy[]): Promise<void> {
  const unbalanced = await sql<{ tx_id: string; ref: string | null; unit: string; total: number }>`
    select e.tx_id, t.ref, e.unit, sum(e.amount) as total
    from journal_entries e left join journal_transactions t on t.id = e.tx_id
    group by e.tx_id, t.ref, e.unit
    having sum(e.amount) <> 0
    order by e.tx_id, e.unit`.execute(db);
  for (const r of unbalanced.rows) {
    out.push({ check: 'entries-balance', message: `transaction ${r.tx_id} (${r.ref ?? 'no transaction row'}): ${r.unit} entries sum to ${n(r.total)}, not 0` });
  }

  const thin = await sql<{ id: string; ref: string; entries: number }>`
    select t.id, t.ref, count(e.tx_id) as entries
    from journal_transactions t left join journal_entries e on e.tx_id = t.id
    group by t.id, t.ref
    having count(e.tx_id) < 2
    order by t.id`.execute(db);
  for (const r of thin.rows) {
    out.push({ check: 'entries-count', message: `transaction ${r.id} (${r.ref}) has ${n(r.entries)} entr${n(r.entries) === 1 ? 'y' : 'ies'}; every transaction has at least two` });
  }

  const unitMismatch = await sql<{ tx_id: string; seq: number; account_id: string; entry_unit: string; account_unit: string | null }>`
    select e.tx_id, e.seq, e.account_id, e.unit as entry_unit, a.unit as account_unit
    from journal_entries e left join ledger_accounts a on a.id = e.account_id
    where a.id is null or a.unit <> e.unit
    order by e.tx_id, e.seq`.execute(db);
  for (const r of unitMismatch.rows) {
    out.push({
      check: 'entry-unit',
      message:
        r.account_unit === null
          ? `entry ${r.tx_id}#${n(r.seq)} names account ${r.account_id}, which does not exist`
          : `entry ${r.tx_id}#${n(r.seq)} is in ${r.entry_unit} but account ${r.account_id} keeps ${r.account_unit}`,
    });
  }

  const drift = await sql<{ id: string; balance: number; total: number }>`
    select a.id, a.balance, coalesce(s.total, 0) as total
    from ledger_accounts a
    left join (select account_id, sum(amount) as total from journal_entries group by account_id) s on s.account_id = a.id
    where a.balance <> coalesce(s.total, 0)
    order by a.id`.execute(db);
  for (const r of drift.rows) {
    out.push({ check: 'account-balance', message: `account ${r.id} has balance ${n(r.balance)} but its entries sum to ${n(r.total)}` });
  }

  const negative = await db
    .selectFrom('ledger_accounts')
    .select(['id', 'balance'])
    .where('may_go_negative', '=', 0)
    .where('balance', '<', 0)
    .orderBy('id')
    .execute();
  for (const r of negative) out.push({ check: 'non-negative', message: `account ${r.id} may not go negative but has balance ${n(r.balance)}` });

  const accounts = await db.selectFrom('ledger_accounts').select(['id', 'kind', 'owner_id', 'unit', 'may_go_negative']).orderBy('id').execute();
  for (const a of accounts) {
    if (!isAccountKind(a.kind)) {
      out.push({ check: 'account-kind', message: `account ${a.id} has unknown kind ${a.kind}` });
      continue;
    }
    const spec = ACCOUNT_KINDS[a.kind];
    const problems: string[] = [];
    if (a.id !== accountId(a.kind, a.owner_id)) problems.push(`its id should be ${accountId(a.kind, a.owner_id)}`);
    if (a.unit !== spec.unit) problems.push(`unit ${a.unit}, kind ${a.kind} keeps ${spec.unit}`);
    if ((n(a.may_go_negative) === 1) !== spec.mayGoNegative) problems.push(`may_go_negative is ${n(a.may_go_negative)}, kind ${a.kind} says ${spec.mayGoNegative ? 1 : 0}`);
    if (problems.length > 0) out.push({ check: 'account-kind', message: `account ${a.id}: ${problems.join('; ')}` });
  }
}

interface PaymentRow {
  id: string;
  status: string;
  amount: number;
  internal_amount: number;
  channel_amount: number;
  tenders: number;
  tender_total: number;
  internal_total: number;
  channel_total: number;
  held: number;
  captured: number;
  released: number;
}

async function paymentChecks(db: Db, out: Discrepancy[]): Promise<void> {
  // Each shard of payment_clearing (LEDGER_SHARDS) holds exactly the internal tenders of the
  // open payments posted to it.
  const clearing = await db.selectFrom('ledger_accounts').select(['owner_id', 'balance']).where('kind', '=', 'payment_clearing').execute();
  const open = await db
    .selectFrom('payment_tenders as t')
    .innerJoin('payments as p', 'p.id', 't.payment_id')
    .select(['p.ledger_shard', (eb) => eb.fn.coalesce(eb.fn.sum<number>('t.amount'), sql<number>`0`).as('total')])
    .where('t.kind', '<>', 'channel')
    .where('p.status', 'in', OPEN_STATUSES)
    .groupBy('p.ledger_shard')
    .execute();
  const heldOn = new Map<string, number>(open.map((o) => [storedOwnerId({ kind: 'payment_clearing', ownerId: PLATFORM, shard: n(o.ledger_shard) }), n(o.total)]));
  const balanceOn = new Map<string, number>(clearing.map((c) => [c.owner_id, n(c.balance)]));
  for (const owner of new Set([...heldOn.keys(), ...balanceOn.keys()])) {
    const balance = balanceOn.get(owner) ?? 0;
    const held = heldOn.get(owner) ?? 0;
    if (balance !== held) {
      out.push({
        check: 'clearing',
        message: `${accountId('payment_clearing', owner)} has ${balance} fen but the internal tenders of the paying/closing payments posted to it sum to ${held}`,
      });
    }
  }

  // Per payment: tenders, amounts and the steps its status requires.
  const payments = await sql<PaymentRow>`
    select p.id, p.status, p.amount, p.internal_amount, p.channel_amount,
      (select count(*) from payment_tenders t where t.payment_id = p.id) as tenders,
      (select coalesce(sum(t.amount), 0) from payment_tenders t where t.payment_id = p.id) as tender_total,
      (select coalesce(sum(t.amount), 0) from payment_tenders t where t.payment_id = p.id and t.kind <> 'channel') as internal_total,
      (select coalesce(sum(t.amount), 0) from payment_tenders t where t.payment_id = p.id and t.kind = 'channel') as channel_total,
      case when exists (select 1 from journal_transactions j where j.ref = 'hold:' || p.id) then 1 else 0 end as held,
      case when exists (select 1 from journal_transactions j where j.ref = 'capture:' || p.id) then 1 else 0 end as captured,
      case when exists (select 1 from journal_transactions j where j.ref = 'release:' || p.id) then 1 else 0 end as released
    from payments p
    order by p.id`.execute(db);
  for (const p of payments.rows) {
    const tenders = n(p.tenders);
    // Payments from before tenders existed (no tenders, no split recorded) have no ledger steps.
    if (tenders === 0 && n(p.internal_amount) === 0 && n(p.channel_amount) === 0) continue;
    const where = `payment ${p.id} (${p.status})`;
    if (tenders === 0) {
      out.push({ check: 'payment-tenders', message: `${where} records a split (${n(p.internal_amount)} internal + ${n(p.channel_amount)} channel) but has no tenders` });
      continue;
    }
    if (n(p.tender_total) !== n(p.amount)) out.push({ check: 'payment-tenders', message: `${where}: tenders sum to ${n(p.tender_total)}, the payment is ${n(p.amount)}` });
    if (n(p.internal_total) !== n(p.internal_amount) || n(p.channel_total) !== n(p.channel_amount)) {
      out.push({
        check: 'payment-tenders',
        message: `${where}: internal_amount ${n(p.internal_amount)} / channel_amount ${n(p.channel_amount)} differ from its tenders (${n(p.internal_total)} / ${n(p.channel_total)})`,
      });
    }

    const internal = n(p.internal_total);
    const held = n(p.held) === 1;
    const captured = n(p.captured) === 1;
    const released = n(p.released) === 1;
    if (internal > 0 && !held) out.push({ check: 'payment-steps', message: `${where} has ${internal} fen of internal tenders but no hold:${p.id} transaction` });
    if (internal === 0 && held) out.push({ check: 'payment-steps', message: `${where} has no internal tenders but a hold:${p.id} transaction` });
    if (captured && released) out.push({ check: 'payment-steps', message: `${where} has both capture:${p.id} and release:${p.id}` });
    if (p.status === 'paid') {
      if (!captured) out.push({ check: 'payment-steps', message: `${where} has no capture:${p.id} transaction` });
      if (released) out.push({ check: 'payment-steps', message: `${where} is paid but its tenders were released (release:${p.id})` });
    } else if ((ENDED_UNPAID as readonly string[]).includes(p.status)) {
      if (captured) out.push({ check: 'payment-steps', message: `${where} ended unpaid but was captured (capture:${p.id})` });
      if (internal > 0 && !released) out.push({ check: 'payment-steps', message: `${where} ended unpaid but its ${internal} fen of internal tenders were not released (no release:${p.id})` });
    } else if ((OPEN_STATUSES as readonly string[]).includes(p.status)) {
      if (captured || released) out.push({ check: 'payment-steps', message: `${where} is still open but has ${captured ? `capture:${p.id}` : `release:${p.id}`}` });
    } else {
      out.push({ check: 'payment-steps', message: `${where} has an unknown status` });
    }
  }

  // Allocations per tender sum to the tender.
  const allocations = await sql<{ payment_id: string; seq: number; amount: number; allocated: number; refunded: number }>`
    select t.payment_id, t.seq, t.amount, coalesce(sum(a.amount), 0) as allocated, t.refunded_amount as refunded
    from payment_tenders t
    left join payment_allocations a on a.payment_id = t.payment_id and a.tender_seq = t.seq
    group by t.payment_id, t.seq, t.amount, t.refunded_amount
    having coalesce(sum(a.amount), 0) <> t.amount
    order by t.payment_id, t.seq`.execute(db);
  for (const r of allocations.rows) {
    out.push({ check: 'allocations', message: `payment ${r.payment_id} tender #${n(r.seq)}: allocations sum to ${n(r.allocated)}, the tender is ${n(r.amount)}` });
  }
  const orphanAllocations = await sql<{ payment_id: string; tender_seq: number; order_id: string }>`
    select a.payment_id, a.tender_seq, a.order_id
    from payment_allocations a
    left join payment_tenders t on t.payment_id = a.payment_id and t.seq = a.tender_seq
    where t.payment_id is null
    order by a.payment_id, a.tender_seq`.execute(db);
  for (const r of orphanAllocations.rows) {
    out.push({ check: 'allocations', message: `payment ${r.payment_id}: allocation to order ${r.order_id} names tender #${n(r.tender_seq)}, which does not exist` });
  }
  const allocationRefunds = await db
    .selectFrom('payment_allocations')
    .select(['payment_id', 'tender_seq', 'order_id', 'amount', 'refunded_amount'])
    .where((eb) => eb.or([eb('refunded_amount', '<', 0), eb('refunded_amount', '>', eb.ref('amount'))]))
    .orderBy('payment_id')
    .execute();
  for (const r of allocationRefunds) {
    out.push({
      check: 'refunds',
      message: `payment ${r.payment_id} tender #${n(r.tender_seq)} order ${r.order_id}: refunded ${n(r.refunded_amount)} of an allocation of ${n(r.amount)}`,
    });
  }

  // Refunded amounts: each tender's equals its done refund parts and stays within the tender.
  const refunds = await sql<{ payment_id: string; seq: number; amount: number; refunded_amount: number; done: number }>`
    select t.payment_id, t.seq, t.amount, t.refunded_amount,
      coalesce((select sum(r.amount) from refund_parts r where r.payment_id = t.payment_id and r.tender_seq = t.seq and r.status = 'done'), 0) as done
    from payment_tenders t
    order by t.payment_id, t.seq`.execute(db);
  for (const r of refunds.rows) {
    const where = `payment ${r.payment_id} tender #${n(r.seq)}`;
    if (n(r.refunded_amount) !== n(r.done)) out.push({ check: 'refunds', message: `${where}: refunded_amount is ${n(r.refunded_amount)} but its done refund parts sum to ${n(r.done)}` });
    if (n(r.refunded_amount) < 0 || n(r.refunded_amount) > n(r.amount)) out.push({ check: 'refunds', message: `${where}: refunded ${n(r.refunded_amount)} of a tender of ${n(r.amount)}` });
    if (n(r.done) > n(r.amount)) out.push({ check: 'refunds', message: `${where}: done refund parts (${n(r.done)}) exceed the tender (${n(r.amount)})` });
  }
  const orphanParts = await sql<{ refund_id: string; seq: number; payment_id: string; tender_seq: number }>`
    select r.refund_id, r.seq, r.payment_id, r.tender_seq
    from refund_parts r
    left join payment_tenders t on t.payment_id = r.payment_id and t.seq = r.tender_seq
    where t.payment_id is null
    order by r.refund_id, r.seq`.execute(db);
  for (const r of orphanParts.rows) {
    out.push({ check: 'refunds', message: `refund ${r.refund_id} part #${n(r.seq)} names payment ${r.payment_id} tender #${n(r.tender_seq)}, which does not exist` });
  }

  // A refund part is posted exactly when it is done: refund:<refundId>:<seq>, or for the
  // automatic refund of late money (source late_payment) late-refund:<paymentId>.
  const parts = await sql<{ refund_id: string; seq: number; status: string; posted: number; late: number; payment_id: string }>`
    select r.refund_id, r.seq, r.status, r.payment_id,
      case when f.source = 'late_payment' then 1 else 0 end as late,
      case when exists (
        select 1 from journal_transactions j
        where j.ref = case when f.source = 'late_payment' then 'late-refund:' || r.payment_id
                           else 'refund:' || r.refund_id || ':' || cast(r.seq as text) end
      ) then 1 else 0 end as posted
    from refund_parts r
    join refunds f on f.id = r.refund_id
    order by r.refund_id, r.seq`.execute(db);
  for (const r of parts.rows) {
    const posted = n(r.posted) === 1;
    const ref = n(r.late) === 1 ? `late-refund:${r.payment_id}` : `refund:${r.refund_id}:${n(r.seq)}`;
    if (r.status === 'done' && !posted) out.push({ check: 'refund-steps', message: `refund part ${r.refund_id}#${n(r.seq)} is done but ${ref} was never posted` });
    if (r.status !== 'done' && posted) out.push({ check: 'refund-steps', message: `refund part ${r.refund_id}#${n(r.seq)} is ${r.status} but ${ref} was posted` });
  }
}


/**
 * Commission checks (the referral module's commissions; docs/ledger.md): each commission
 * account holds what the commissions say it must (a merchant's expense over its shards), and
 * each commission is within its terms and its refunds.
 */
async function commissionChecks(db: Db, out: Discrepancy[]): Promise<number> {
  const { expected, problems, commissions } = await expectedCommissionBalances(db);
  out.push(...problems);
  const accounts = await db.selectFrom('ledger_accounts').select(['kind', 'owner_id', 'balance']).where('kind', 'in', [...COMMISSION_ACCOUNT_KINDS]).execute();
  const actual = new Map<string, number>();
  for (const a of accounts) {
    const owner = a.kind === 'commission_expense' ? a.owner_id.replace(/~\d+$/, '') : a.owner_id;
    const key = `${a.kind}:${owner}`;
    actual.set(key, (actual.get(key) ?? 0) + n(a.balance));
  }
  for (const key of [...new Set([...expected.keys(), ...actual.keys()])].sort()) {
    const want = expected.get(key) ?? 0;
    const have = actual.get(key) ?? 0;
    if (want !== have) out.push({ check: 'commission-accounts', message: `${key} holds ${have} fen but its commissions say ${want}` });
  }
  await withdrawalSteps(db, out);
  return commissions;
}

/** Each withdrawal's journals: its hold always; paid exactly when it succeeded; returned exactly when rejected or failed. */
async function withdrawalSteps(db: Db, out: Discrepancy[]): Promise<void> {
  const rows = await sql<{ id: string; status: string; held: number; paid: number; returned: number }>`
    select w.id, w.status,
      case when exists (select 1 from journal_transactions j where j.ref = 'withdrawal-hold:' || w.id) then 1 else 0 end as held,
      case when exists (select 1 from journal_transactions j where j.ref = 'withdrawal-paid:' || w.id) then 1 else 0 end as paid,
      case when exists (select 1 from journal_transactions j where j.ref = 'withdrawal-return:' || w.id) then 1 else 0 end as returned
    from referral_withdrawals w
    order by w.id`.execute(db);
  for (const w of rows.rows) {
    const where = `withdrawal ${w.id} (${w.status})`;
    if (n(w.held) !== 1) out.push({ check: 'withdrawal-steps', message: `${where}: withdrawal-hold was never posted` });
    if ((w.status === 'succeeded') !== (n(w.paid) === 1)) out.push({ check: 'withdrawal-steps', message: `${where}: withdrawal-paid ${n(w.paid) === 1 ? 'was posted' : 'is missing'}` });
    if ((w.status === 'rejected' || w.status === 'failed') !== (n(w.returned) === 1)) out.push({ check: 'withdrawal-steps', message: `${where}: withdrawal-return ${n(w.returned) === 1 ? 'was posted' : 'is missing'}` });
  }
}

/** Runs every check; a clean ledger answers no discrepancies. */
export async function checkLedger(db: Db): Promise<LedgerCheckReport> {
  // One snapshot for every check (PostgreSQL: repeatable read; SQLite's transactions are one already).
  const snapshot = dialectOfDb(db) === 'postgres' ? ({ isolation: 'repeatable read', readOnly: true } as const) : {};
  return transact(db, async (trx) => {
    const discrepancies: Discrepancy[] = [];
    await genericChecks(trx, discrepancies);
    await paymentChecks(trx, discrepancies);
    const commissions = await commissionChecks(trx, discrepancies);
    return {
      commissions,
      transactions: await countOf(trx, 'journal_transactions'),
      entries: await countOf(trx, 'journal_entries'),
      accounts: await countOf(trx, 'ledger_accounts'),
      payments: await countOf(trx, 'payments'),
      refundParts: await countOf(trx, 'refund_parts'),
      discrepancies,
    };
  }, snapshot);
}
