import type { Kysely } from 'kysely';

/**
 * Referral commissions (docs/referral.md, "Commissions"; decision 0029), the referral module's:
 *
 * - `referral_rules`: each merchant's commission rules, one row per version (a change inserts a
 *   new version, never updates one), so the rule in force at any time is exact;
 *   `referral_rule_overrides`: a version's rates per product and per SKU.
 * - `referral_commissions`: one row per (order line, level): the promoter and the rate
 *   snapshotted when the order was placed, then the amount earned, reversed and where it is in
 *   its lifecycle.
 * - `referral_commission_reversals`: what each refund reversed of each commission (one row per
 *   commission and refund: a refund is reversed once).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('referral_rules')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('levels', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    // JSON array of integers, one per level: basis points (mode rate) or fen per unit (mode fixed).
    .addColumn('amounts', 'text', (c) => c.notNull())
    .addColumn('freeze_days', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_rules_pk', ['merchant_id', 'version'])
    .execute();
  await db.schema.createIndex('referral_rules_in_force_idx').on('referral_rules').columns(['merchant_id', 'created_at']).execute();

  await db.schema
    .createTable('referral_rule_overrides')
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    // product | sku
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('amounts', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_rule_overrides_pk', ['merchant_id', 'version', 'target', 'target_id'])
    .execute();

  await db.schema
    .createTable('referral_commissions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_no', 'text', (c) => c.notNull())
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('promoter_id', 'text', (c) => c.notNull())
    .addColumn('buyer_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('sku_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    // The snapshot: the rule version in force when the order was placed and its terms for this line and level.
    .addColumn('rule_version', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('rule_amount', 'bigint', (c) => c.notNull())
    .addColumn('freeze_days', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('base', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('reversed_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refunded_base', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refunded_quantity', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('netted_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('clawed_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('withdrawn_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('withdrawal_ref', 'text')
    .addColumn('ledger_shard', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('paid_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('available_at', 'bigint')
    .addColumn('withdrawn_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('referral_commissions_line_level_key', ['order_id', 'line_no', 'level'])
    .execute();
  await db.schema.createIndex('referral_commissions_promoter_idx').on('referral_commissions').columns(['promoter_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('referral_commissions_due_idx').on('referral_commissions').columns(['status', 'available_at']).execute();
  await db.schema.createIndex('referral_commissions_merchant_idx').on('referral_commissions').columns(['merchant_id', 'paid_at']).execute();

  await db.schema
    .createTable('referral_commission_reversals')
    .addColumn('commission_id', 'text', (c) => c.notNull())
    .addColumn('refund_id', 'text', (c) => c.notNull())
    .addColumn('merchant_id', 'text', (c) => c.notNull())
    .addColumn('promoter_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    // The part booked to the clawback receivable (the promoter owes it).
    .addColumn('clawed', 'bigint', (c) => c.notNull())
    .addColumn('refunded_base', 'bigint', (c) => c.notNull())
    .addColumn('refunded_quantity', 'integer', (c) => c.notNull())
    .addColumn('from_status', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('referral_commission_reversals_pk', ['commission_id', 'refund_id'])
    .execute();
  await db.schema.createIndex('referral_commission_reversals_merchant_idx').on('referral_commission_reversals').columns(['merchant_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['referral_commission_reversals', 'referral_commissions', 'referral_rule_overrides', 'referral_rules']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
