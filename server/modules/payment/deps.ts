import type { Kysely, Selectable } from 'kysely';
import type { ChannelRegistry } from '../../channels/registry';
import type { PaymentTable } from './tables';
import type { Database } from '../../db/types';
import type { Config } from '../../infra/config';
import type { Outbox } from '../../infra/outbox';
import type { WalletConfig } from '../wallet';
import type { RefundDeps } from './refunds';

export type PaymentRow = Selectable<PaymentTable>;

export interface PaymentLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Everything the payment core works with, built once per process (server/app.ts, or the jobs
 * when run on their own) and shared by the routes, the notify endpoints, the order consumer,
 * the refunds and the jobs.
 */
export interface PaymentDeps {
  db: Kysely<Database>;
  config: Config;
  wallet: WalletConfig;
  channels: ChannelRegistry;
  outbox: Outbox;
  log: PaymentLog;
}

/** The refunds module's view of the same dependencies. */
export function refundDepsOf(deps: PaymentDeps): RefundDeps {
  return { db: deps.db, channels: deps.channels, outbox: deps.outbox, log: deps.log, config: { pointsRule: deps.wallet.pointsRule } };
}
