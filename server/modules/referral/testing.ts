import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { newId } from '../../infra/ids';
import { transact } from '../../db/transaction';
import { orderNumber } from '../order';
import { checkLedger } from '../../checks/ledger';
import { balanceOf } from '../wallet';
import { commissionsOnCompleted, commissionsOnPaid, commissionsOnRefund, expenseAccount, promoterAccounts, snapshotOrder, type CommissionRow } from './commissions';
import { createWithdrawal } from './withdrawals';
import { post } from '../wallet';
import type { WithdrawConfig } from '../../infra/config';
import type { LineRefund } from './amounts';
import { setRules } from './rules';
import { makeMerchant } from '../merchant/testing';

/** Test fixtures for the referral module, written straight into the test database. Only tests import this file. */

/** A pending promoter application of `userId`; its id. */
export async function addApplication(db: Kysely<Database>, userId: string, now = Date.now()): Promise<string> {
  const id = newId('rap', now);
  await db.insertInto('referral_applications').values({ id, user_id: userId, status: 'pending', note: null, reason: null, created_at: now, decided_at: null, decided_by: null }).execute();
  return id;
}

/** A binding of `userId` under `promoterId`, as a sign-in would write it. */
export async function addBinding(db: Kysely<Database>, userId: string, promoterId: string, boundAt = Date.now(), expiresAt: number | null = null): Promise<void> {
  await db.insertInto('referral_bindings').values({ user_id: userId, promoter_id: promoterId, link_id: null, bound_at: boundAt, expires_at: expiresAt }).execute();
}

/**
 * Test fixtures for commissions: networks, orders placed, paid and completed as the order
 * module would leave them (rows written directly), and the module's steps run as its consumer
 * runs them. Only tests import this file.
 */
type Db = Kysely<Database>;
let counter = 0;
export const uniq = (prefix: string) => `${prefix}_${process.pid}x${++counter}`;

/** Binds a chain: chain[0] referred the buyer, chain[1] referred chain[0], ... */
export async function bindChain(db: Db, buyer: string, chain: readonly string[]): Promise<void> {
  let user = buyer;
  for (const promoter of chain) {
    await db.insertInto('referral_bindings').values({ user_id: user, promoter_id: promoter, link_id: null, bound_at: 1, expires_at: null }).onConflict((oc) => oc.column('user_id').doNothing()).execute();
    user = promoter;
  }
}

export async function merchantWithRules(db: Db, rules: Parameters<typeof setRules>[3], at: number): Promise<string> {
  const merchantId = uniq('m');
  await makeMerchant(db, merchantId);
  await setRules(db, merchantId, uniq('u_owner'), rules, at);
  return merchantId;
}

export interface FixtureLine {
  price: number;
  quantity: number;
  productId?: string;
  skuId?: string;
}

/** A child order placed at `at` (lines, an order discount, a shipping fee). */
export async function placeOrder(db: Db, input: { buyer: string; merchantId: string; lines: readonly FixtureLine[]; discount?: number; shipping?: number; at: number }): Promise<string> {
  const parentId = uniq('po');
  const id = uniq('o');
  const items = input.lines.reduce((s, l) => s + l.price * l.quantity, 0);
  const discount = Math.min(input.discount ?? 0, items);
  const shipping = input.shipping ?? 0;
  const payable = items - discount + shipping;
  await db
    .insertInto('parent_orders')
    .values({ id: parentId, user_id: input.buyer, idempotency_key: parentId, items_amount: items, shipping_amount: shipping, discount_amount: discount, payable_amount: payable, created_at: input.at, expires_at: input.at + 900_000, order_no: orderNumber(input.at) })
    .execute();
  await db
    .insertInto('orders')
    .values({
      id,
      parent_id: parentId,
      user_id: input.buyer,
      merchant_id: input.merchantId,
      merchant_name: input.merchantId,
      status: 'pending_payment',
      items_amount: items,
      shipping_amount: shipping,
      discount_amount: discount,
      payable_amount: payable,
      fulfilment: 'delivery',
      ship_to: '{}',
      remark: null,
      order_no: orderNumber(input.at),
      created_at: input.at,
      updated_at: input.at,
      expires_at: input.at + 900_000,
      paid_at: null,
      shipped_at: null,
      completed_at: null,
      ended_at: null,
    })
    .execute();
  await db
    .insertInto('order_lines')
    .values(
      input.lines.map((l, i) => ({
        order_id: id,
        line_no: i,
        sku_id: l.skuId ?? `sku_${id}_${i}`,
        product_id: l.productId ?? `p_${id}_${i}`,
        title: `商品${i}`,
        spec_text: '',
        image: '',
        unit_price: l.price,
        quantity: l.quantity,
        line_amount: l.price * l.quantity,
      })),
    )
    .execute();
  await transact(db, (trx) => snapshotOrder(trx, id, input.at));
  return id;
}

export async function pay(db: Db, orderId: string, at: number): Promise<void> {
  await db.updateTable('orders').set({ status: 'paid', paid_at: at, updated_at: at }).where('id', '=', orderId).execute();
  await transact(db, (trx) => commissionsOnPaid(trx, orderId, at));
}

export async function complete(db: Db, orderId: string, at: number): Promise<void> {
  await db.updateTable('orders').set({ status: 'completed', completed_at: at, updated_at: at }).where('id', '=', orderId).execute();
  await transact(db, (trx) => commissionsOnCompleted(trx, orderId, at, at));
}

/** A refund of lines (an after-sale's) or of an amount. */
export async function refund(db: Db, orderId: string, input: { lines?: LineRefund[]; amount?: number }, at: number): Promise<string> {
  const refundId = uniq('rf');
  const amount = input.amount ?? (input.lines ?? []).reduce((s, l) => s + l.amount, 0);
  await transact(db, (trx) => commissionsOnRefund(trx, { refundId, orderId, amount, lines: input.lines ?? null }, at));
  return refundId;
}

/** Withdrawal settings with no fee or limit, every withdrawal approved at once. */
export const OPEN_WITHDRAWALS: WithdrawConfig = { min: 1, feeBp: 0, feeFen: 0, dailyLimit: 0, autoApproveMax: Number.MAX_SAFE_INTEGER };

/** Withdraws everything available to the stored balance (approved and paid at once); answers the amount (0: nothing available). */
export async function withdrawAll(db: Db, promoterId: string, at: number): Promise<number> {
  const available = await balanceOf(db, promoterAccounts(promoterId).available);
  if (available <= 0) return 0;
  await transact(db, (trx) => createWithdrawal(trx, OPEN_WITHDRAWALS, { promoterId, amount: available, destination: 'balance', payee: null, fee: 0 }, at));
  return available;
}

/**
 * A promoter with `amount` fen of available commission, as earning, freezing and unfreezing
 * would leave it: one commission row of a made-up order of `merchantId` and its journal (the
 * merchant's expense −amount, his available +amount).
 */
export async function availableCommission(db: Db, promoterId: string, amount: number, merchantId = 'm_fixture', at = Date.now()): Promise<string> {
  const id = newId('com', at);
  const orderId = uniq('o_fixture');
  await transact(db, async (trx) => {
    await trx
      .insertInto('referral_commissions')
      .values({
        id,
        order_id: orderId,
        order_no: orderNumber(at),
        line_no: 0,
        level: 1,
        promoter_id: promoterId,
        buyer_id: uniq('u_buyer'),
        merchant_id: merchantId,
        product_id: 'p_fixture',
        sku_id: 'sku_fixture',
        title: '商品',
        quantity: 1,
        rule_version: 1,
        mode: 'fixed',
        rule_amount: amount,
        freeze_days: 0,
        status: 'available',
        base: amount,
        amount,
        ledger_shard: 0,
        created_at: at,
        paid_at: at,
        completed_at: at,
        available_at: at,
        updated_at: at,
      })
      .execute();
    await post(trx, { ref: `fixture-commission:${id}`, kind: 'fixture', memo: 'a commission made available by a test', postings: [{ account: expenseAccount(merchantId, 0), amount: -amount }, { account: promoterAccounts(promoterId).available, amount }], now: at });
  });
  return id;
}

export async function commissionsOf(db: Db, orderId: string): Promise<CommissionRow[]> {
  return db.selectFrom('referral_commissions').selectAll().where('order_id', '=', orderId).orderBy('line_no').orderBy('level').execute();
}

/** The ledger check's discrepancies (none on a clean ledger). */
export async function ledgerProblems(db: Db): Promise<string[]> {
  return (await checkLedger(db)).discrepancies.map((d) => `[${d.check}] ${d.message}`);
}

/** A withdrawal to the balance waiting for the operating merchant's review, of a promoter given the commission it takes; its id. */
export async function requestedWithdrawal(db: Db, promoterId: string, amount = 5000, at = Date.now()): Promise<string> {
  await availableCommission(db, promoterId, amount, 'm_fixture', at);
  const w = await transact(db, (trx) => createWithdrawal(trx, { ...OPEN_WITHDRAWALS, autoApproveMax: 0 }, { promoterId, amount, destination: 'balance', payee: null, fee: 0 }, at));
  return w.id;
}
