import type { Kysely } from 'kysely';

/**
 * Promoters' withdrawals (docs/referral.md, "Withdrawals"; decision 0030), the referral module's:
 *
 * - `referral_withdrawals`: one row per withdrawal: the promoter, the amount asked for (fen), its
 *   fee and what is paid out, the destination (the stored balance, WeChat Pay or Alipay) and its
 *   payee, the review and the transfer as the channel reported it; its lifecycle (machine.ts).
 *   Its number at the channel (out_bill_no / out_biz_no) is its id without the underscore.
 * - `referral_withdrawal_parts`: which commissions a withdrawal took its amount from and how
 *   much of each (a commission may be taken from by several withdrawals), so a withdrawal that
 *   is rejected or fails gives each commission back exactly what it took.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('referral_withdrawals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('promoter_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('fee', 'bigint', (c) => c.notNull())
    // amount − fee: what reaches the promoter.
    .addColumn('payout', 'bigint', (c) => c.notNull())
    // balance | wechat | alipay
    .addColumn('destination', 'text', (c) => c.notNull())
    // The payee at the channel (openid / Alipay user id or open id); null for the balance.
    .addColumn('payee', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    // auto | manual: how it was (or is to be) approved.
    .addColumn('review', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'bigint')
    // The channel's own number for the transfer and its last reported state.
    .addColumn('channel_bill_no', 'text')
    .addColumn('channel_state', 'text')
    // WeChat's package_info while the transfer waits for the payee's confirmation.
    .addColumn('package_info', 'text')
    .addColumn('fail_reason', 'text')
    // The Asia/Shanghai day it was asked on (days since the epoch): the daily limit's key.
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('settled_at', 'bigint')
    // When the query job next asks the channel about a transfer still open.
    .addColumn('next_check_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referral_withdrawals_promoter_idx').on('referral_withdrawals').columns(['promoter_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('referral_withdrawals_day_idx').on('referral_withdrawals').columns(['promoter_id', 'day']).execute();
  await db.schema.createIndex('referral_withdrawals_status_idx').on('referral_withdrawals').columns(['status', 'created_at', 'id']).execute();
  await db.schema.createIndex('referral_withdrawals_check_idx').on('referral_withdrawals').columns(['status', 'next_check_at']).execute();

  await db.schema
    .createTable('referral_withdrawal_parts')
    .addColumn('withdrawal_id', 'text', (c) => c.notNull())
    .addColumn('commission_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    // Of the amount given back (rejected or failed), the part that paid down what the promoter owed.
    .addColumn('netted', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('referral_withdrawal_parts_pk', ['withdrawal_id', 'commission_id'])
    .execute();
  await db.schema.createIndex('referral_withdrawal_parts_commission_idx').on('referral_withdrawal_parts').columns(['commission_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['referral_withdrawal_parts', 'referral_withdrawals']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
