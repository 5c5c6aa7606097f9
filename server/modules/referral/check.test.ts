import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { testDb, type TestDb } from '../../test/db';
import { transact } from '../../db/transaction';
import { checkLedger } from '../../checks/ledger';
import { post } from '../wallet';
import { unfreezeDueCommissions } from './jobs';
import { availableCommission, bindChain, commissionsOf, complete, merchantWithRules, pay, placeOrder, refund, requestedWithdrawal, uniq, withdrawAll } from './testing';

/** The ledger check covers the commission accounts: a change to either side is found. */
let tdb: TestDb;
let db: Kysely<Database>;
let orderId: string;
let promoter: string;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
  const T0 = Date.UTC(2026, 2, 1);
  const merchantId = await merchantWithRules(db, { enabled: true, levels: 2, mode: 'rate', amounts: [1000, 500], freezeDays: 0 }, T0 - 1);
  const buyer = uniq('u_b');
  promoter = uniq('u_p');
  await bindChain(db, buyer, [promoter, uniq('u_p')]);
  orderId = await placeOrder(db, { buyer, merchantId, lines: [{ price: 4000, quantity: 2 }, { price: 1000, quantity: 1 }], at: T0 });
  await pay(db, orderId, T0 + 1);
  await complete(db, orderId, T0 + 2);
  await unfreezeDueCommissions(db, T0 + 3);
  await withdrawAll(db, promoter, T0 + 4);
  await refund(db, orderId, { lines: [{ lineNo: 0, quantity: 1, amount: 4000 }] }, T0 + 5);
  const other = await placeOrder(db, { buyer, merchantId, lines: [{ price: 1000, quantity: 1 }], at: T0 + 6 });
  await pay(db, other, T0 + 7);
});
afterAll(async () => {
  await tdb.destroy();
});

const checks = async () => [...new Set((await checkLedger(db)).discrepancies.map((d) => d.check))].sort();

it('is clean after earning, freezing, unfreezing, withdrawing and a clawback', async () => {
  const report = await checkLedger(db);
  expect(report.discrepancies).toEqual([]);
  expect(report.commissions).toBe(6);
});

it('finds a commission whose reversed amount was edited', async () => {
  const [c] = await commissionsOf(db, orderId);
  await db.updateTable('referral_commissions').set({ reversed_amount: Number(c.reversed_amount) + 1 }).where('id', '=', c.id).execute();
  try {
    expect(await checks()).toEqual(['commission-accounts', 'commissions']);
  } finally {
    await db.updateTable('referral_commissions').set({ reversed_amount: Number(c.reversed_amount) }).where('id', '=', c.id).execute();
  }
  expect(await checks()).toEqual([]);
});

it('finds money moved between a promoter’s commission accounts by a balanced journal', async () => {
  const move = (from: 'commission_withdrawn' | 'commission_pending', to: 'commission_withdrawn' | 'commission_pending', ref: string) =>
    transact(db, (trx) =>
      post(trx, { ref, kind: 'adjust', memo: 'by hand', postings: [{ account: { kind: from, ownerId: promoter }, amount: -10 }, { account: { kind: to, ownerId: promoter }, amount: 10 }] }),
    );
  await move('commission_withdrawn', 'commission_pending', 'stray-commission-move');
  try {
    const report = await checkLedger(db);
    expect(report.discrepancies.map((d) => d.message).sort()).toEqual([
      expect.stringMatching(new RegExp(`^commission_pending:${promoter} holds \\d+ fen but its commissions say \\d+$`)),
      expect.stringMatching(new RegExp(`^commission_withdrawn:${promoter} holds \\d+ fen`)),
    ]);
  } finally {
    await move('commission_pending', 'commission_withdrawn', 'stray-commission-move-undo');
  }
  expect(await checks()).toEqual([]);
});

describe('withdrawals', () => {
  it('finds a withdrawal whose amount was edited, a paid one whose money was moved, and a missing step', async () => {
    const p = uniq('u_wd');
    const wd = await requestedWithdrawal(db, p, 3000);
    const paid = uniq('u_wd');
    await availableCommission(db, paid, 2000);
    expect(await withdrawAll(db, paid, Date.now())).toBe(2000);
    expect(await checks()).toEqual([]);

    await db.updateTable('referral_withdrawals').set({ amount: 2999, payout: 2999 }).where('id', '=', wd).execute();
    try {
      expect(await checks()).toEqual(['commission-accounts', 'withdrawals']);
    } finally {
      await db.updateTable('referral_withdrawals').set({ amount: 3000, payout: 3000 }).where('id', '=', wd).execute();
    }
    // Paid in the table, but its journal says otherwise.
    await db.updateTable('referral_withdrawals').set({ status: 'succeeded' }).where('id', '=', wd).execute();
    try {
      expect(await checks()).toEqual(['commission-accounts', 'withdrawal-steps']);
    } finally {
      await db.updateTable('referral_withdrawals').set({ status: 'requested' }).where('id', '=', wd).execute();
    }
    const fees = (ref: string, amount: number) =>
      transact(db, (trx) => post(trx, { ref, kind: 'adjust', memo: 'by hand', postings: [{ account: { kind: 'withdrawal_fees', ownerId: 'platform' }, amount }, { account: { kind: 'commission_payouts', ownerId: 'platform' }, amount: -amount }] }));
    await fees('stray-fee', 5);
    try {
      expect(await checks()).toEqual(['commission-accounts']);
    } finally {
      await fees('stray-fee-undo', -5);
    }
    expect(await checks()).toEqual([]);
  });
});
