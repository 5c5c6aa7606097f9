import type { Generated } from 'kysely';

/** Tables of the infrastructure: idempotency keys, the outbox and its consumers' record of what they applied. */

export interface IdempotencyKeysTable {
  /** The user id, or 'anon'. */
  scope: string;
  key: string;
  /** The contract route name. */
  route: string;
  request_hash: string;
  state: 'in_progress' | 'done';
  response_status: number | null;
  /** JSON text of the stored response body (null for 204). */
  response_body: string | null;
  created_at: number;
  updated_at: number;
}

/** An event written in the same transaction as the state change it announces. */
export interface OutboxEventTable {
  id: string;
  /** e.g. payment.succeeded, payment.failed, refund.succeeded */
  type: string;
  /** The payload's version (server/events/catalog.ts). */
  version: Generated<number>;
  aggregate_id: string;
  /** JSON text. */
  payload: string;
  created_at: number;
}

/** Delivery of one event to one sink (in-process consumer or merchant webhook). */
export interface OutboxDeliveryTable {
  event_id: string;
  sink: string;
  /** pending | delivered | dead */
  status: string;
  attempts: number;
  next_attempt_at: number;
  /** A relay claimed it until then (another node skips it). */
  locked_until: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

/** Events a consumer has handled (deduplication by event id). */
export interface ConsumedEventTable {
  consumer: string;
  event_id: string;
  consumed_at: number;
}

/** The step runner's record of a multi-step flow (server/infra/steps.ts). */
export interface OperationTable {
  id: string;
  /** The flow's stable name, e.g. payment.create. */
  flow: string;
  /** running | done | compensating | compensated */
  status: string;
  /** Running: the first step not yet recorded; compensating: the next step to undo. */
  step: number;
  /** JSON text: the flow's state as of the last record. */
  state: string;
  attempts: Generated<number>;
  /** The runner's lease, or when the resume job next tries it; null once finished. */
  next_attempt_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface InfrastructureTables {
  idempotency_keys: IdempotencyKeysTable;
  outbox_events: OutboxEventTable;
  outbox_deliveries: OutboxDeliveryTable;
  consumed_events: ConsumedEventTable;
  operations: OperationTable;
}
