import type { Kysely } from 'kysely';
import { configuredChannelAdapters } from '../../channels/from-config';
import { channelRegistry, type ChannelRegistry } from '../../channels/registry';
import { createDevpayAdapter } from '../../channels/devpay/adapter';
import { devpayKey } from '../../channels/devpay/wire';
import type { Database } from '../../db/types';
import type { Config } from '../../infra/config';
import type { Outbox } from '../../infra/outbox';
import { walletConfigOf } from '../wallet';
import type { PaymentDeps, PaymentLog } from './deps';

/**
 * The channels served when none are given: every channel the configuration enables (WeChat
 * Pay, Alipay, Douyin; with SANDBOX=on they default to their stand-ins) and, with SANDBOX=on,
 * DevPay, the development channel.
 */
export function defaultChannels(config: Config): ChannelRegistry {
  const adapters = configuredChannelAdapters(config);
  if (config.sandbox) adapters.push(createDevpayAdapter({ key: devpayKey(config), baseUrl: () => config.publicBaseUrl }));
  return channelRegistry(adapters);
}

export interface PaymentSetupOptions {
  db: Kysely<Database>;
  config: Config;
  log: PaymentLog;
  channels?: ChannelRegistry;
  /** The app's outbox (server/compose.ts builds it with every sink). */
  outbox: Outbox;
}

/** The payment core's dependencies: the wallet configuration, the channel registry, the app's outbox. */
export function buildPaymentDeps(options: PaymentSetupOptions): PaymentDeps {
  const { db, config, log } = options;
  return { db, config, wallet: walletConfigOf(config), channels: options.channels ?? defaultChannels(config), outbox: options.outbox, log };
}
