import { sql } from 'kysely';
import { testDb, type TestDb } from '../test/db';
import { checkLedger, type LedgerCheckReport } from './ledger';
import { accountId, PLATFORM, post } from '../modules/wallet';
import { buildLedgerScenario, type LedgerScenario } from '../modules/wallet/testing';

const NOW = Date.UTC(2025, 5, 1);

let tdb: TestDb;
let s: LedgerScenario;
beforeAll(async () => {
  tdb = await testDb();
  s = await buildLedgerScenario(tdb.db, NOW);
});
afterAll(async () => {
  await tdb.destroy();
});

const checks = (r: LedgerCheckReport) => [...new Set(r.discrepancies.map((d) => d.check))].sort();

/** Applies a corruption, runs the check, and undoes the corruption whatever happened. */
async function corrupted(apply: () => Promise<unknown>, undo: () => Promise<unknown>): Promise<LedgerCheckReport> {
  await apply();
  try {
    return await checkLedger(tdb.db);
  } finally {
    await undo();
  }
}

const userBalance = () => accountId('user_balance', s.userId);

it('a clean ledger passes', async () => {
  const report = await checkLedger(tdb.db);
  expect(report.discrepancies).toEqual([]);
  expect(report.payments).toBe(4);
  expect(report.refundParts).toBe(1);
  expect(report.transactions).toBeGreaterThanOrEqual(9);
  expect(report.entries).toBeGreaterThan(report.transactions * 2 - 1);
  expect(report.accounts).toBeGreaterThan(5);
});

it('reports an edited balance', async () => {
  const report = await corrupted(
    () => tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance + 1` }).where('id', '=', userBalance()).execute(),
    () => tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance - 1` }).where('id', '=', userBalance()).execute(),
  );
  expect(checks(report)).toEqual(['account-balance']);
  expect(report.discrepancies[0].message).toContain(userBalance());
});

it('reports a deleted entry', async () => {
  const tx = await tdb.db.selectFrom('journal_transactions').select('id').where('ref', '=', `welcome:${s.userId}`).executeTakeFirstOrThrow();
  const entry = await tdb.db.selectFrom('journal_entries').selectAll().where('tx_id', '=', tx.id).where('account_id', '=', userBalance()).executeTakeFirstOrThrow();
  const report = await corrupted(
    () => tdb.db.deleteFrom('journal_entries').where('tx_id', '=', entry.tx_id).where('seq', '=', entry.seq).execute(),
    () => tdb.db.insertInto('journal_entries').values(entry).execute(),
  );
  expect(checks(report)).toEqual(['account-balance', 'entries-balance']);
  expect(report.discrepancies.find((d) => d.check === 'entries-balance')?.message).toContain(`welcome:${s.userId}`);
});

it('reports an unbalanced transaction inserted by hand', async () => {
  const id = 'jtx_handmade';
  const report = await corrupted(
    async () => {
      await tdb.db.insertInto('journal_transactions').values({ id, ref: 'handmade', kind: 'adjust', memo: 'by hand', created_at: NOW }).execute();
      await tdb.db
        .insertInto('journal_entries')
        .values([
          { tx_id: id, seq: 0, account_id: accountId('funding', PLATFORM), unit: 'fen', amount: -3 },
          { tx_id: id, seq: 1, account_id: userBalance(), unit: 'fen', amount: 5 },
        ])
        .execute();
      // Balances follow the entries, so only the transaction itself is wrong.
      await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance - 3` }).where('id', '=', accountId('funding', PLATFORM)).execute();
      await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance + 5` }).where('id', '=', userBalance()).execute();
    },
    async () => {
      await tdb.db.deleteFrom('journal_entries').where('tx_id', '=', id).execute();
      await tdb.db.deleteFrom('journal_transactions').where('id', '=', id).execute();
      await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance + 3` }).where('id', '=', accountId('funding', PLATFORM)).execute();
      await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance - 5` }).where('id', '=', userBalance()).execute();
    },
  );
  expect(report.discrepancies).toEqual([{ check: 'entries-balance', message: 'transaction jtx_handmade (handmade): fen entries sum to 2, not 0' }]);
});

it('reports a transaction with a single entry', async () => {
  const id = 'jtx_single';
  const report = await corrupted(
    async () => {
      await tdb.db.insertInto('journal_transactions').values({ id, ref: 'single', kind: 'adjust', memo: '', created_at: NOW }).execute();
      await tdb.db.insertInto('journal_entries').values({ tx_id: id, seq: 0, account_id: userBalance(), unit: 'fen', amount: 0 }).execute();
    },
    async () => {
      await tdb.db.deleteFrom('journal_entries').where('tx_id', '=', id).execute();
      await tdb.db.deleteFrom('journal_transactions').where('id', '=', id).execute();
    },
  );
  expect(checks(report)).toEqual(['entries-count']);
});

it('reports an entry in the wrong unit', async () => {
  const tx = await tdb.db.selectFrom('journal_transactions').select('id').where('ref', '=', `hold:${s.paying}`).executeTakeFirstOrThrow();
  const report = await corrupted(
    () => tdb.db.updateTable('journal_entries').set({ unit: 'points' }).where('tx_id', '=', tx.id).where('account_id', '=', userBalance()).execute(),
    () => tdb.db.updateTable('journal_entries').set({ unit: 'fen' }).where('tx_id', '=', tx.id).where('account_id', '=', userBalance()).execute(),
  );
  expect(checks(report)).toEqual(['entries-balance', 'entry-unit']);
});

it('reports a negative balance where none is allowed', async () => {
  // A stray debit posted by hand, balanced and with matching balance: only the sign is wrong.
  const id = 'jtx_overdraw';
  const points = accountId('user_points', s.userId);
  const pointsRow = await tdb.db.selectFrom('ledger_accounts').select('balance').where('id', '=', points).executeTakeFirstOrThrow();
  const amount = Number(pointsRow.balance) + 10;
  const report = await corrupted(
    async () => {
      await tdb.db.insertInto('journal_transactions').values({ id, ref: 'overdraw', kind: 'adjust', memo: '', created_at: NOW }).execute();
      await tdb.db
        .insertInto('journal_entries')
        .values([
          { tx_id: id, seq: 0, account_id: accountId('points_issuance', PLATFORM), unit: 'points', amount },
          { tx_id: id, seq: 1, account_id: points, unit: 'points', amount: -amount },
        ])
        .execute();
      await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance + ${amount}` }).where('id', '=', accountId('points_issuance', PLATFORM)).execute();
      await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance - ${amount}` }).where('id', '=', points).execute();
    },
    async () => {
      await tdb.db.deleteFrom('journal_entries').where('tx_id', '=', id).execute();
      await tdb.db.deleteFrom('journal_transactions').where('id', '=', id).execute();
      await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance - ${amount}` }).where('id', '=', accountId('points_issuance', PLATFORM)).execute();
      await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance + ${amount}` }).where('id', '=', points).execute();
    },
  );
  expect(report.discrepancies).toEqual([{ check: 'non-negative', message: `account ${points} may not go negative but has balance -10` }]);
});

it('reports an account whose metadata contradicts its kind', async () => {
  const report = await corrupted(
    () => tdb.db.updateTable('ledger_accounts').set({ may_go_negative: 1 }).where('id', '=', userBalance()).execute(),
    () => tdb.db.updateTable('ledger_accounts').set({ may_go_negative: 0 }).where('id', '=', userBalance()).execute(),
  );
  expect(checks(report)).toEqual(['account-kind']);
});

it('reports a clearing mismatch (a balanced posting into payment_clearing for no payment)', async () => {
  const report = await corrupted(
    () =>
      tdb.db.transaction().execute((trx) =>
        post(trx, {
          ref: 'stray-hold',
          kind: 'hold',
          memo: 'no payment',
          now: NOW,
          postings: [{ account: { kind: 'user_balance', ownerId: s.userId }, amount: -100 }, { account: { kind: 'payment_clearing', ownerId: PLATFORM }, amount: 100 }],
        }),
      ),
    () =>
      tdb.db.transaction().execute((trx) =>
        post(trx, {
          ref: 'stray-hold-undo',
          kind: 'release',
          memo: 'undo',
          now: NOW,
          postings: [{ account: { kind: 'user_balance', ownerId: s.userId }, amount: 100 }, { account: { kind: 'payment_clearing', ownerId: PLATFORM }, amount: -100 }],
        }),
      ),
  );
  expect(checks(report)).toEqual(['clearing']);
  expect(report.discrepancies[0].message).toMatch(/payment_clearing:platform has \d+ fen but the internal tenders of the paying\/closing payments posted to it sum to 500/);
  // The undo left two balanced transactions behind: still clean.
  expect((await checkLedger(tdb.db)).discrepancies).toEqual([]);
});

it('checks payment_clearing per shard: money moved between shards is found although the total agrees', async () => {
  const move = (from: number, to: number, ref: string) =>
    tdb.db.transaction().execute((trx) =>
      post(trx, {
        ref,
        kind: 'hold',
        memo: 'between shards',
        now: NOW,
        postings: [
          { account: { kind: 'payment_clearing', ownerId: PLATFORM, shard: from }, amount: -100 },
          { account: { kind: 'payment_clearing', ownerId: PLATFORM, shard: to }, amount: 100 },
        ],
      }),
    );
  const report = await corrupted(
    () => move(0, 5, 'shard-move'),
    () => move(5, 0, 'shard-move-undo'),
  );
  expect(checks(report)).toEqual(['clearing']);
  expect(report.discrepancies.map((d) => d.message).sort()).toEqual([
    expect.stringMatching(/^payment_clearing:platform has 400 fen .* sum to 500$/),
    expect.stringMatching(/^payment_clearing:platform~5 has 100 fen .* sum to 0$/),
  ]);
  expect((await checkLedger(tdb.db)).discrepancies).toEqual([]);
});

it('reports a clearing mismatch when an open payment is marked ended without its release', async () => {
  const report = await corrupted(
    () => tdb.db.updateTable('payments').set({ status: 'closed' }).where('id', '=', s.paying).execute(),
    () => tdb.db.updateTable('payments').set({ status: 'paying' }).where('id', '=', s.paying).execute(),
  );
  expect(checks(report)).toEqual(['clearing', 'payment-steps']);
  expect(report.discrepancies.find((d) => d.check === 'payment-steps')?.message).toContain(`no release:${s.paying}`);
});

it('reports a paid payment without capture and with its tenders released', async () => {
  const report = await corrupted(
    () => tdb.db.updateTable('payments').set({ status: 'paid' }).where('id', '=', s.closed).execute(),
    () => tdb.db.updateTable('payments').set({ status: 'closed' }).where('id', '=', s.closed).execute(),
  );
  expect(report.discrepancies.map((d) => d.check)).toEqual(['payment-steps', 'payment-steps']);
  expect(report.discrepancies.map((d) => d.message).join('\n')).toMatch(/no capture:.*\n.*released/);
});

it('reports tenders that do not sum to the payment and allocations that do not sum to a tender', async () => {
  const report = await corrupted(
    () => tdb.db.updateTable('payment_allocations').set({ amount: sql<number>`amount - 1` }).where('payment_id', '=', s.giftCardPaid).execute(),
    () => tdb.db.updateTable('payment_allocations').set({ amount: sql<number>`amount + 1` }).where('payment_id', '=', s.giftCardPaid).execute(),
  );
  expect(report.discrepancies).toEqual([{ check: 'allocations', message: `payment ${s.giftCardPaid} tender #0: allocations sum to 799, the tender is 800` }]);

  const tenders = await corrupted(
    () => tdb.db.updateTable('payments').set({ amount: sql<number>`amount + 5` }).where('id', '=', s.paid).execute(),
    () => tdb.db.updateTable('payments').set({ amount: sql<number>`amount - 5` }).where('id', '=', s.paid).execute(),
  );
  expect(tenders.discrepancies).toEqual([{ check: 'payment-tenders', message: `payment ${s.paid} (paid): tenders sum to 6000, the payment is 6005` }]);
});

it('reports refunded amounts that disagree with the done refund parts or exceed the tender', async () => {
  const mismatch = await corrupted(
    () => tdb.db.updateTable('payment_tenders').set({ refunded_amount: 1400 }).where('payment_id', '=', s.paid).where('seq', '=', 1).execute(),
    () => tdb.db.updateTable('payment_tenders').set({ refunded_amount: 1500 }).where('payment_id', '=', s.paid).where('seq', '=', 1).execute(),
  );
  expect(mismatch.discrepancies).toEqual([{ check: 'refunds', message: `payment ${s.paid} tender #1: refunded_amount is 1400 but its done refund parts sum to 1500` }]);

  const over = await corrupted(
    () => tdb.db.updateTable('refund_parts').set({ amount: 2500 }).where('refund_id', '=', s.refundId).execute(),
    () => tdb.db.updateTable('refund_parts').set({ amount: 1500 }).where('refund_id', '=', s.refundId).execute(),
  );
  expect(over.discrepancies.map((d) => d.message)).toEqual([
    `payment ${s.paid} tender #1: refunded_amount is 1500 but its done refund parts sum to 2500`,
    `payment ${s.paid} tender #1: done refund parts (2500) exceed the tender (2000)`,
  ]);

  const pending = await corrupted(
    () => tdb.db.updateTable('refund_parts').set({ status: 'pending' }).where('refund_id', '=', s.refundId).execute(),
    () => tdb.db.updateTable('refund_parts').set({ status: 'done' }).where('refund_id', '=', s.refundId).execute(),
  );
  expect(checks(pending)).toEqual(['refund-steps', 'refunds']);
});
