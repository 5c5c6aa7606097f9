import type { Kysely } from 'kysely';
import { configuredChannelAdapters } from '../../channels/from-config';
import { channelRegistry, type ChannelRegistry } from '../../channels/registry';
import { createSandboxAdapter } from '../../channels/sandbox/adapter';
import { sandboxPayKey } from '../../channels/sandbox/wire';
import type { Database } from '../../db/types';
import type { Config } from '../../platform/config';
import { consumerSink, createOutbox, type Outbox, type Sink } from '../../platform/outbox';
import { loadWebhookEndpoints, webhookSink } from '../../platform/webhooks';
import { applyOrderEvent, ORDER_CONSUMER, REFUND_SUCCEEDED } from '../order/consumer';
import { walletConfigOf } from '../wallet/config';
import { bindOutbox } from '../../events/emit';
import type { PaymentDeps, PaymentLog } from './deps';
import { PAYMENT_EVENTS } from './service';

/**
 * The channels served when none are given: every channel the configuration enables (WeChat
 * Pay, Alipay, Douyin; with SANDBOX=on they default to the channel sandbox) and, with
 * SANDBOX=on, the simple local sandbox channel.
 */
export function defaultChannels(config: Config): ChannelRegistry {
  const adapters = configuredChannelAdapters(config);
  if (config.sandbox) adapters.push(createSandboxAdapter({ key: sandboxPayKey(config), baseUrl: () => config.publicBaseUrl }));
  return channelRegistry(adapters);
}

export interface PaymentSetupOptions {
  db: Kysely<Database>;
  config: Config;
  log: PaymentLog;
  channels?: ChannelRegistry;
  /** Extra outbox sinks (tests); the order consumer and the merchant webhooks are always there. */
  sinks?: Sink[];
  /** An outbox already built (the one bound to db, for jobs run beside the app): used as it is, sinks and all. */
  outbox?: Outbox;
  env?: Record<string, string | undefined>;
}

/**
 * Builds the payment core's dependencies: the wallet configuration, the channel registry, and
 * the outbox with its sinks (the order module's consumer and one sink per merchant webhook from
 * MERCHANT_WEBHOOK_URL).
 */
export function buildPaymentDeps(options: PaymentSetupOptions): PaymentDeps {
  const { db, config, log } = options;
  let deps: PaymentDeps | null = null;
  if (options.outbox) {
    deps = { db, config, wallet: walletConfigOf(config), channels: options.channels ?? defaultChannels(config), outbox: options.outbox, log };
    return deps;
  }
  const orderSink = consumerSink(ORDER_CONSUMER, [PAYMENT_EVENTS.succeeded, REFUND_SUCCEEDED], db, async (trx, event) => {
    if (!deps) throw new Error('payment dependencies are not ready');
    await applyOrderEvent(trx, deps, event);
  });
  const webhooks = loadWebhookEndpoints(options.env ?? process.env).map((endpoint) => webhookSink(endpoint));
  const outbox = createOutbox({ db, log, sinks: [orderSink, ...webhooks, ...(options.sinks ?? [])] });
  // Events are written through the transactions they belong to (server/events/emit.ts).
  bindOutbox(db, outbox);
  deps = { db, config, wallet: walletConfigOf(config), channels: options.channels ?? defaultChannels(config), outbox, log };
  return deps;
}
