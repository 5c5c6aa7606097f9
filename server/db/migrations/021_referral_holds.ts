import type { Kysely } from 'kysely';

/**
 * Referral fraud controls (docs/referral.md, "Fraud controls"; decision 0031):
 *
 * - `referral_holds` (the referral module's): one row per (order, promoter) whose commissions a
 *   signal held at earn time (or whose buyer waits for WeChat's risk check): the reasons, the
 *   risk check's progress, the merchant's decision.
 * - `referral_commissions.held` / `hold_id`: a flag beside the commission's state (1 while its
 *   hold waits for a check or a decision: the unfreeze job skips it), and the hold it belongs to.
 * - `referral_devices` (the referral module's): the device ids an account used, at sign-in and on
 *   shared-link visits (the device signal compares the buyer's with the promoter's).
 * - `payments.payer_id` / `client_ip` (the payment module's): who the channel says paid (WeChat
 *   Pay's payer openid, Alipay's buyer id; null for internal tenders) and the address the shopper
 *   paid from (the risk check sends it as client_ip), with an index on the payer.
 *
 * Numbered 021 beside other branches' 020; migrations run unordered (decision 0016) and this one
 * adds only its own tables and columns.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('referral_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_no', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('promoter_id', 'text', (c) => c.notNull())
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    // checking | open | cleared | released | rejected
    .addColumn('state', 'text', (c) => c.notNull())
    // JSON array of { code, ... } (holds.ts)
    .addColumn('reasons', 'text', (c) => c.notNull())
    // none | pending | done | failed
    .addColumn('risk_state', 'text', (c) => c.notNull())
    .addColumn('risk_rank', 'integer')
    .addColumn('risk_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('risk_next_at', 'bigint')
    .addColumn('risk_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('decided_by', 'text')
    .addColumn('decision_note', 'text')
    .addUniqueConstraint('referral_holds_order_promoter_key', ['order_id', 'promoter_id'])
    .execute();
  // The merchant's queue, by state, newest first.
  await db.schema.createIndex('referral_holds_queue_idx').on('referral_holds').columns(['merchant_id', 'state', 'created_at', 'id']).execute();
  // The risk-check job's look-up of checks due.
  await db.schema.createIndex('referral_holds_risk_idx').on('referral_holds').columns(['risk_state', 'risk_next_at']).execute();
  await db.schema.createIndex('referral_holds_promoter_idx').on('referral_holds').columns(['promoter_id', 'state']).execute();

  await db.schema.alterTable('referral_commissions').addColumn('held', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('referral_commissions').addColumn('hold_id', 'text').execute();
  // A hold's commissions (the queue's amounts, a decision, the risk check's clearing).
  await db.schema.createIndex('referral_commissions_hold_idx').on('referral_commissions').column('hold_id').execute();

  await db.schema
    .createTable('referral_devices')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_devices_pk', ['user_id', 'device_id'])
    .execute();

  await db.schema.alterTable('payments').addColumn('payer_id', 'text').execute();
  await db.schema.alterTable('payments').addColumn('client_ip', 'text').execute();
  await db.schema.createIndex('payments_payer_idx').on('payments').columns(['payer_id', 'channel']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('payments_payer_idx').ifExists().execute();
  await db.schema.alterTable('payments').dropColumn('client_ip').execute();
  await db.schema.alterTable('payments').dropColumn('payer_id').execute();
  await db.schema.dropTable('referral_devices').ifExists().execute();
  await db.schema.dropIndex('referral_commissions_hold_idx').ifExists().execute();
  await db.schema.alterTable('referral_commissions').dropColumn('hold_id').execute();
  await db.schema.alterTable('referral_commissions').dropColumn('held').execute();
  await db.schema.dropTable('referral_holds').ifExists().execute();
}
