import type { Kysely } from 'kysely';

/**
 * The payment core (types in the payment and wallet modules' tables.ts, the outbox's in server/infra/tables.ts): the double-entry ledger,
 * gift cards, tenders of a payment and their allocation to child orders, refunds, channel
 * notifications, the transactional outbox and its consumers. Same conventions as 002.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // --- ledger ------------------------------------------------------------------------------
  await db.schema
    .createTable('ledger_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('may_go_negative', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ledger_accounts_kind_owner_uq', ['kind', 'owner_id'])
    .execute();

  await db.schema
    .createTable('journal_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One business step posts at most once: e.g. "hold:<paymentId>", "release:<paymentId>".
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('memo', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('journal_entries')
    .addColumn('tx_id', 'text', (c) => c.notNull().references('journal_transactions.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('journal_entries_pk', ['tx_id', 'seq'])
    .execute();
  await db.schema.createIndex('journal_entries_account_idx').on('journal_entries').column('account_id').execute();

  await db.schema
    .createTable('gift_cards')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_accounts.id'))
    .addColumn('face_value', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // --- payments ----------------------------------------------------------------------------
  for (const [column, type] of [
    ['internal_amount', 'bigint'],
    ['channel_amount', 'bigint'],
  ] as const) {
    await db.schema.alterTable('payments').addColumn(column, type, (c) => c.notNull().defaultTo(0)).execute();
  }
  for (const column of ['scene', 'end_reason', 'client_params', 'request_hash', 'app_id', 'merchant_no'] as const) {
    await db.schema.alterTable('payments').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('payments').addColumn('ended_at', 'bigint').execute();
  await db.schema.alterTable('payments').addColumn('next_check_at', 'bigint').execute();
  await db.schema.createIndex('payments_status_check_idx').on('payments').columns(['status', 'next_check_at']).execute();

  await db.schema
    .createTable('payment_tenders')
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('gift_card_id', 'text')
    .addColumn('account_id', 'text')
    .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('payment_tenders_pk', ['payment_id', 'seq'])
    .execute();

  await db.schema
    .createTable('payment_allocations')
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('tender_seq', 'integer', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('payment_allocations_pk', ['payment_id', 'tender_seq', 'order_id'])
    .execute();
  await db.schema.createIndex('payment_allocations_order_idx').on('payment_allocations').column('order_id').execute();

  for (const column of ['paid_amount', 'refunded_amount'] as const) {
    await db.schema.alterTable('orders').addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  }

  await db.schema.alterTable('payment_notifications').addColumn('kind', 'text', (c) => c.notNull().defaultTo('payment')).execute();

  // --- refunds -----------------------------------------------------------------------------
  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('refund_no', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    // 'shopper' | 'late_payment' (money that arrived after its payment was closed)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('succeeded_at', 'bigint')
    .addColumn('next_check_at', 'bigint')
    .execute();
  await db.schema.createIndex('refunds_order_idx').on('refunds').column('order_id').execute();
  await db.schema.createIndex('refunds_status_check_idx').on('refunds').columns(['status', 'next_check_at']).execute();

  await db.schema
    .createTable('refund_parts')
    .addColumn('refund_id', 'text', (c) => c.notNull().references('refunds.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('tender_seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('points', 'bigint', (c) => c.notNull().defaultTo(0))
    // pending | done | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('channel_refund_id', 'text')
    .addPrimaryKeyConstraint('refund_parts_pk', ['refund_id', 'seq'])
    .execute();

  // --- outbox ------------------------------------------------------------------------------
  await db.schema
    .createTable('outbox_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('aggregate_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('outbox_deliveries')
    .addColumn('event_id', 'text', (c) => c.notNull().references('outbox_events.id'))
    .addColumn('sink', 'text', (c) => c.notNull())
    // pending | delivered | dead
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .addPrimaryKeyConstraint('outbox_deliveries_pk', ['event_id', 'sink'])
    .execute();
  await db.schema.createIndex('outbox_deliveries_due_idx').on('outbox_deliveries').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('consumed_events')
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('consumed_events_pk', ['consumer', 'event_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['consumed_events', 'outbox_deliveries', 'outbox_events', 'refund_parts', 'refunds', 'payment_allocations', 'payment_tenders', 'gift_cards', 'journal_entries', 'journal_transactions', 'ledger_accounts']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
