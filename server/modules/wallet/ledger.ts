import { sql, type Kysely } from 'kysely';
import { dialectOfDb } from '../../db';
import { listParams, prepared, slots } from '../../db/prepared';
import type { Database } from '../../db/types';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';

type Db = Kysely<Database>;

/**
 * The double-entry ledger. Every movement of money or points is one journal transaction of
 * entries that sum to zero per unit; each account's balance is the sum of its entries and, for
 * every account not marked may_go_negative, never below zero (a guarded update refuses it).
 * A transaction carries a unique `ref` naming the business step ("hold:<paymentId>"), so a
 * step replayed after a crash or a duplicate posts nothing the second time.
 */
export type Unit = 'fen' | 'points';

/**
 * Account kinds. Owner ids: user_balance / user_points: the user; gift_card: the gift card;
 * merchant_payable: the merchant; channel_clearing: the channel; the platform accounts: 'platform'.
 */
export const ACCOUNT_KINDS = {
  user_balance: { unit: 'fen', mayGoNegative: false },
  user_points: { unit: 'points', mayGoNegative: false },
  gift_card: { unit: 'fen', mayGoNegative: false },
  /** Internal tenders held for open payments. */
  payment_clearing: { unit: 'fen', mayGoNegative: false },
  /** What the platform owes each merchant for paid orders. */
  merchant_payable: { unit: 'fen', mayGoNegative: false },
  /** Money the channel holds for us: debited when a channel part is paid, credited back by channel refunds. */
  channel_clearing: { unit: 'fen', mayGoNegative: true },
  /** Where points come from and go back to (issued to shoppers, spent by them). */
  points_issuance: { unit: 'points', mayGoNegative: true },
  /** The platform's cost of points spent as money. */
  points_expense: { unit: 'fen', mayGoNegative: true },
  /** Money put into wallets and gift cards from outside (top-ups, sold gift cards, demo grants). */
  funding: { unit: 'fen', mayGoNegative: true },
  /** Money that arrived for a payment already closed, until it is refunded through the channel. */
  late_payments: { unit: 'fen', mayGoNegative: false },
  /** A promoter's commissions on paid orders not yet completed (the referral module's; owner: the promoter). */
  commission_pending: { unit: 'fen', mayGoNegative: false },
  /** A promoter's commissions on completed orders within the merchant's freeze window. */
  commission_frozen: { unit: 'fen', mayGoNegative: false },
  /** A promoter's commissions he may withdraw. */
  commission_available: { unit: 'fen', mayGoNegative: false },
  /** What a promoter withdrew (a register: only withdrawals credit it). */
  commission_withdrawn: { unit: 'fen', mayGoNegative: false },
  /**
   * The clawback receivable: minus what a promoter owes for commissions reversed after they were
   * withdrawn (never positive); his later earnings pay it down when they become available.
   */
  commission_clawback: { unit: 'fen', mayGoNegative: true },
  /** A merchant's commission expense (negative: what it has paid promoters for its goods, net of reversals). */
  commission_expense: { unit: 'fen', mayGoNegative: true },
  /** A promoter's commissions taken by his withdrawals that are not settled yet (requested, approved or transferring). */
  commission_in_transit: { unit: 'fen', mayGoNegative: false },
  /** What the platform paid out for withdrawn commissions (negative: minus every settled withdrawal, its fee included). */
  commission_payouts: { unit: 'fen', mayGoNegative: true },
  /** The fees kept from settled withdrawals (the platform's). */
  withdrawal_fees: { unit: 'fen', mayGoNegative: false },
  /** Money paid out through a channel's transfer API (owner: the channel; WeChat Pay's merchant transfer, Alipay's fund transfer). */
  payout_clearing: { unit: 'fen', mayGoNegative: true },
} as const satisfies Record<string, { unit: Unit; mayGoNegative: boolean }>;

export type AccountKind = keyof typeof ACCOUNT_KINDS;

export interface AccountRef {
  kind: AccountKind;
  ownerId: string;
  /** Of a sharded kind (SHARDED_KINDS): which of its LEDGER_SHARDS accounts; 0 when omitted. */
  shard?: number;
}

export const PLATFORM = 'platform';

/**
 * Accounts every shopper's payments share (the platform's, a channel's, a merchant's) are split
 * into LEDGER_SHARDS accounts of the same kind and owner: shard 0 is `<kind>:<owner>`, shard k
 * `<kind>:<owner>~k`. Each payment posts to one shard, chosen when it is created (its
 * ledger_shard), for its hold, capture, release, late money and refunds, so what a guarded shard
 * is debited for was credited to that same shard. On PostgreSQL a posting holds its accounts'
 * rows until commit: with one platform clearing account every payment waited for the one before
 * it (docs/decisions/0011-ledger-shards.md). The kind's balance is the sum of its shards.
 */
export const LEDGER_SHARDS = 16;
export const SHARDED_KINDS: ReadonlySet<AccountKind> = new Set<AccountKind>(['payment_clearing', 'merchant_payable', 'channel_clearing', 'points_issuance', 'points_expense', 'funding', 'late_payments', 'commission_expense']);
const SHARD_SEPARATOR = '~';

/** The owner_id stored for this account (the owner, with the shard for shard k > 0). */
export function storedOwnerId(ref: AccountRef): string {
  const shard = ref.shard ?? 0;
  if (shard === 0 || !SHARDED_KINDS.has(ref.kind)) return ref.ownerId;
  if (!Number.isInteger(shard) || shard < 0 || shard >= LEDGER_SHARDS) throw new RangeError(`ledger shard ${shard} is not in 0..${LEDGER_SHARDS - 1}`);
  return `${ref.ownerId}${SHARD_SEPARATOR}${shard}`;
}

/** A stable shard for a key (a user id, say) where no payment chose one. */
export function shardFor(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % LEDGER_SHARDS;
}

export function accountId(kind: AccountKind, ownerId: string): string {
  return `${kind}:${ownerId}`;
}

/** The id of the account a reference names (its shard included). */
export function accountIdOf(ref: AccountRef): string {
  return accountId(ref.kind, storedOwnerId(ref));
}

/** Creates the account if it does not exist yet; returns its id. */
export async function ensureAccount(db: Db, ref: AccountRef, now = Date.now()): Promise<string> {
  const id = accountIdOf(ref);
  const spec = ACCOUNT_KINDS[ref.kind];
  await db
    .insertInto('ledger_accounts')
    .values({ id, kind: ref.kind, owner_id: storedOwnerId(ref), unit: spec.unit, balance: 0, may_go_negative: spec.mayGoNegative ? 1 : 0, created_at: now })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return id;
}

/**
 * What a database transaction has done to the ledger so far: the accounts it locked up front
 * (lockAccounts) and whether it has posted. Keyed by the transaction object, which every step
 * of the transaction passes on.
 */
interface LedgerTrxState {
  locked: Set<string> | null;
  posted: boolean;
}
const trxState = new WeakMap<object, LedgerTrxState>();

function stateOf(trx: Db): LedgerTrxState {
  let state = trxState.get(trx);
  if (!state) {
    state = { locked: null, posted: false };
    trxState.set(trx, state);
  }
  return state;
}

/** Thrown for a programming error: a transaction that could take ledger locks out of order. */
export class LockOrderError extends Error {
  override name = 'LockOrderError';
}

/**
 * Locks these accounts, creating the ones that do not exist yet, one by one in account id order
 * (the order post() updates them in). A database transaction that posts more than once (a
 * welcome grant then a hold; a hold then a capture; several refund parts) calls it first with
 * every account it may touch, so that it never holds one account while waiting for another that
 * a concurrent transaction holds: on PostgreSQL such opposite orders deadlock. Creating is
 * locking too (a second creator waits for the first to commit), which is why missing accounts are
 * created here, in their place in the order, and never later by post(): a lock set that left
 * them out was how two payments deadlocked. post() refuses a second posting in the transaction
 * that touches an account not locked here (LockOrderError), so the rule is checked on SQLite as
 * well, where one writer at a time means the locks themselves are not needed.
 */
export async function lockAccounts(trx: Db, refs: readonly AccountRef[], now = Date.now()): Promise<void> {
  const state = stateOf(trx);
  if (state.posted) throw new LockOrderError('lockAccounts must come before the transaction\'s first posting');
  if (state.locked) throw new LockOrderError('lockAccounts may be called once per transaction, with every account it may touch');
  const byId = new Map<string, AccountRef>();
  for (const ref of refs) byId.set(accountIdOf(ref), ref);
  state.locked = new Set(byId.keys());
  if (byId.size === 0 || dialectOfDb(trx) !== 'postgres') return;
  // Byte order: the JavaScript string order post() sorts by. INSERT ... ON CONFLICT DO UPDATE
  // takes its rows in the order given, and locks a conflicting row even when its WHERE (false
  // here) leaves the row unchanged: so each account is created or locked in turn, in order.
  const ordered = [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const params: Record<string, string | number> = { now };
  ordered.forEach(([id, ref], i) => {
    const spec = ACCOUNT_KINDS[ref.kind];
    params[`id${i}`] = id;
    params[`kind${i}`] = ref.kind;
    params[`owner${i}`] = storedOwnerId(ref);
    params[`unit${i}`] = spec.unit;
    params[`neg${i}`] = spec.mayGoNegative ? 1 : 0;
  });
  await lockOrCreateAccounts.execute(trx, params, ordered.length);
}

export interface Posting {
  account: AccountRef;
  /** Signed: positive credits the account (its balance grows), negative debits it. */
  amount: number;
}

export interface JournalInput {
  /** Unique name of the business step; a second post with the same ref changes nothing. */
  ref: string;
  kind: string;
  memo: string;
  postings: readonly Posting[];
  now?: number;
}

/** Thrown for a programming error: postings that do not balance. Never a client's fault. */
export class UnbalancedJournalError extends Error {
  override name = 'UnbalancedJournalError';
}

/**
 * Posts one journal transaction inside the caller's database transaction. Answers 'duplicate'
 * (and changes nothing) when the ref was posted before. Throws AppError INSUFFICIENT_FUNDS when
 * an account that may not go negative would; the caller's transaction must then roll back.
 * Zero postings are skipped, and a journal whose postings all net to zero writes nothing (no
 * transaction row either: the step moved nothing; it answers 'posted'). Accounts are created
 * on first use and updated in id order (one lock order for every writer); the entries are
 * written with one insert.
 */
export async function post(trx: Db, input: JournalInput): Promise<'posted' | 'duplicate'> {
  const now = input.now ?? Date.now();
  const byAccount = new Map<string, { ref: AccountRef; amount: number }>();
  const totals = new Map<Unit, number>();
  for (const p of input.postings) {
    if (!Number.isSafeInteger(p.amount)) throw new UnbalancedJournalError(`${input.ref}: amount ${p.amount} is not an integer`);
    if (p.amount === 0) continue;
    const id = accountIdOf(p.account);
    const unit = ACCOUNT_KINDS[p.account.kind].unit;
    totals.set(unit, (totals.get(unit) ?? 0) + p.amount);
    const prev = byAccount.get(id);
    byAccount.set(id, { ref: p.account, amount: (prev?.amount ?? 0) + p.amount });
  }
  for (const [unit, total] of totals) {
    if (total !== 0) throw new UnbalancedJournalError(`${input.ref}: ${unit} entries sum to ${total}, not 0`);
  }
  // Every stored transaction moves something (the ledger check requires at least two entries):
  // a step with nothing to move (e.g. the hold of a payment paid wholly through its channel)
  // writes nothing at all.
  if ([...byAccount.values()].every((v) => v.amount === 0)) return 'posted';

  const state = stateOf(trx);
  if (state.posted) {
    const unlocked = [...byAccount.keys()].filter((id) => !state.locked?.has(id));
    if (unlocked.length > 0) {
      throw new LockOrderError(`${input.ref}: a second posting in one transaction touches ${unlocked.join(', ')}, which lockAccounts did not lock first`);
    }
  }
  state.posted = true;

  const txId = newId('jtx', now);
  const accounts = [...byAccount.entries()].filter(([, v]) => v.amount !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (dialectOfDb(trx) === 'postgres') return postInOneStatement(trx, input, txId, accounts, now);

  const inserted = await insertJournalTransaction.execute(trx, { id: txId, ref: input.ref, kind: input.kind, memo: input.memo, now });
  if (inserted.rows.length === 0) return 'duplicate';
  const move = async (id: string, amount: number): Promise<boolean> => {
    const updated = await moveBalance.execute(trx, { id, amount });
    return Number(updated.numAffectedRows) === 1;
  };
  for (const [id, { ref, amount }] of accounts) {
    // The guarded update first: the account almost always exists. Nothing updated means a
    // missing account (created here, then updated again) or one that cannot cover the amount.
    if (await move(id, amount)) continue;
    await ensureAccount(trx, ref, now);
    if (!(await move(id, amount))) throw insufficient(id, ref, amount);
  }
  const entries: Record<string, string | number> = {};
  accounts.forEach(([id, { ref, amount }], seq) => {
    entries[`account${seq}`] = id;
    entries[`unit${seq}`] = ACCOUNT_KINDS[ref.kind].unit;
    entries[`amount${seq}`] = amount;
  });
  await insertEntries.execute(trx, { txId, ...entries }, accounts.length);
  return 'posted';
}

function insufficient(id: string, ref: AccountRef, amount: number): AppError {
  return new AppError('INSUFFICIENT_FUNDS', `account ${id} cannot cover ${-amount} ${ACCOUNT_KINDS[ref.kind].unit}`, { account: ref.kind });
}

/**
 * post() on PostgreSQL: the journal transaction, every balance and the entries in one
 * statement (one round trip instead of two plus one per account). Each account is created or
 * updated in turn in id order (INSERT ... ON CONFLICT takes its rows in the order given), the
 * update guarded as in SQLite's path; an account the guard refuses is missing from RETURNING,
 * and one created by a debit comes back negative. Either is INSUFFICIENT_FUNDS, and the
 * caller's transaction rolls back what the statement did. A duplicate ref inserts no journal
 * transaction, and then nothing else happens either.
 */
async function postInOneStatement(trx: Db, input: JournalInput, txId: string, accounts: [string, { ref: AccountRef; amount: number }][], now: number): Promise<'posted' | 'duplicate'> {
  const params: Record<string, string | number> = { txId, ref: input.ref, kind: input.kind, memo: input.memo, now };
  accounts.forEach(([id, { ref, amount }], i) => {
    const spec = ACCOUNT_KINDS[ref.kind];
    params[`id${i}`] = id;
    params[`kind${i}`] = ref.kind;
    params[`owner${i}`] = storedOwnerId(ref);
    params[`unit${i}`] = spec.unit;
    params[`amount${i}`] = amount;
    params[`neg${i}`] = spec.mayGoNegative ? 1 : 0;
  });
  const { rows } = await postStatement.execute(trx, params, accounts.length);
  if (Number(rows[0]?.posted ?? 0) === 0) return 'duplicate';
  const moved = new Map(rows.filter((r) => r.id !== null).map((r) => [r.id as string, Number(r.balance)]));
  for (const [id, { ref, amount }] of accounts) {
    const balance = moved.get(id);
    if (balance === undefined || (balance < 0 && !ACCOUNT_KINDS[ref.kind].mayGoNegative)) throw insufficient(id, ref, amount);
  }
  return 'posted';
}

const postStatement = prepared<Record<string, unknown>, { posted: number; id: string | null; balance: number | null }, number>((db, p, count) => {
  const values = Array.from(
    { length: count },
    (_, i) => sql`(${p(`id${i}`)}::text, ${p(`kind${i}`)}::text, ${p(`owner${i}`)}::text, ${p(`unit${i}`)}::text, ${p(`amount${i}`)}::bigint, ${p(`neg${i}`)}::integer, ${sql.lit(i)})`,
  );
  const statement = sql<{ posted: number; id: string | null; balance: number | null }>`
    with tx as (
      insert into journal_transactions (id, ref, kind, memo, created_at)
      values (${p('txId')}, ${p('ref')}, ${p('kind')}, ${p('memo')}, ${p('now')})
      on conflict (ref) do nothing
      returning id
    ),
    v (id, kind, owner_id, unit, amount, may_go_negative, seq) as (values ${sql.join(values)}),
    moved as (
      insert into ledger_accounts as a (id, kind, owner_id, unit, balance, may_go_negative, created_at)
      select v.id, v.kind, v.owner_id, v.unit, v.amount, v.may_go_negative, ${p('now')} from v where exists (select 1 from tx) order by v.seq
      on conflict (id) do update set balance = a.balance + excluded.balance
      where a.may_go_negative = 1 or a.balance + excluded.balance >= 0
      returning a.id, a.balance
    ),
    entries as (
      insert into journal_entries (tx_id, seq, account_id, unit, amount)
      select tx.id, v.seq, v.id, v.unit, v.amount from tx cross join v
    )
    select t.posted, m.id, m.balance from (select count(*) as posted from tx) t left join moved m on true`;
  return { compile: () => statement.compile(db) };
});

// The statements of post() on SQLite, compiled once (server/db/prepared.ts): a checkout posts twice.
const insertJournalTransaction = prepared<{ id: string; ref: string; kind: string; memo: string; now: number }, { id: string }>((db, p) =>
  db
    .insertInto('journal_transactions')
    .values({ id: p('id'), ref: p('ref'), kind: p('kind'), memo: p('memo'), created_at: p('now') })
    .onConflict((oc) => oc.column('ref').doNothing())
    .returning('id'),
);

/** The guarded balance update: an account that may not go negative refuses what it cannot cover. */
const moveBalance = prepared<{ id: string; amount: number }>((db, p) =>
  db
    .updateTable('ledger_accounts')
    .set({ balance: sql<number>`balance + ${p('amount')}` })
    .where('id', '=', p('id'))
    .where((eb) => eb.or([eb('may_go_negative', '=', 1), eb(sql<number>`balance + ${p('amount')}`, '>=', 0)])),
);

/** The entries of one journal transaction in one insert; compiled once per number of entries. */
const insertEntries = prepared<Record<string, string | number>, unknown, number>((db, p, count) =>
  db.insertInto('journal_entries').values(
    Array.from({ length: count }, (_, seq) => ({ tx_id: p('txId'), seq, account_id: p(`account${seq}`), unit: p(`unit${seq}`), amount: p(`amount${seq}`) })),
  ),
);

/**
 * Balance of an account (0 when it does not exist yet). For a sharded kind without a shard:
 * the owner's balance over all its shards.
 */
export async function balanceOf(db: Db, ref: AccountRef): Promise<number> {
  if (ref.shard === undefined && SHARDED_KINDS.has(ref.kind)) {
    const row = await db
      .selectFrom('ledger_accounts')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('balance'), sql<number>`0`).as('balance'))
      .where('kind', '=', ref.kind)
      .where('owner_id', 'in', Array.from({ length: LEDGER_SHARDS }, (_, shard) => storedOwnerId({ ...ref, shard })))
      .executeTakeFirst();
    return row ? Number(row.balance) : 0;
  }
  const row = await db.selectFrom('ledger_accounts').select('balance').where('id', '=', accountIdOf(ref)).executeTakeFirst();
  return row ? Number(row.balance) : 0;
}

/** Balances of several accounts in one query, in the order asked (0 for an account not opened yet). */
export async function balancesOf(db: Db, refs: readonly AccountRef[]): Promise<number[]> {
  if (refs.length === 0) return [];
  const ids = refs.map(accountIdOf);
  const unique = [...new Set(ids)];
  const { rows } = await selectBalances.execute(db, listParams('id', unique), unique.length);
  const byId = new Map(rows.map((r) => [r.id, Number(r.balance)]));
  return ids.map((id) => byId.get(id) ?? 0);
}

const selectBalances = prepared<Record<string, unknown>, { id: string; balance: number }, number>((db, p, count) =>
  db.selectFrom('ledger_accounts').select(['id', 'balance']).where('id', 'in', slots(p, 'id', count)),
);

const lockOrCreateAccounts = prepared<Record<string, unknown>, unknown, number>((db, p, count) =>
  db
    .insertInto('ledger_accounts')
    .values(
      Array.from({ length: count }, (_, i) => ({
        id: p(`id${i}`),
        kind: p(`kind${i}`),
        owner_id: p(`owner${i}`),
        unit: p(`unit${i}`),
        balance: 0,
        may_go_negative: p(`neg${i}`),
        created_at: p('now'),
      })),
    )
    .onConflict((oc) => oc.column('id').doUpdateSet({ balance: (eb) => eb.ref('ledger_accounts.balance') }).where(sql<boolean>`false`)),
);

/** Whether a journal transaction with this reference was posted. */
export async function journalPosted(db: Kysely<Database>, ref: string): Promise<boolean> {
  return (await db.selectFrom('journal_transactions').select('id').where('ref', '=', ref).executeTakeFirst()) !== undefined;
}

/** A shopper's stored balance (what another module credits when it pays a shopper into the wallet, e.g. a promoter's withdrawal). */
export function userBalanceAccount(userId: string): AccountRef {
  return { kind: 'user_balance', ownerId: userId };
}
