import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { devpayKey } from '../channels/devpay/wire';
import type { Database } from '../db/types';
import type { Config } from '../platform/config';
import { connectSmsGateway } from '../platform/sms';
import { registerChannelSandbox, sandboxTimeScale } from './channels';
import { createSandboxContext, type ChannelSandboxContext } from './channels/context';
import { FaultController } from './channels/faults';
import type { Notifier } from './channels/notifier';
import { registerSandboxLogin } from './login';
import { registerDevpayStandIn } from './devpay';
import { registerMerchantConsoleStandIn } from './merchant-console';
import { registerSandboxSms, sandboxSmsGateway } from './sms';

/**
 * The stand-ins for the services outside the shop, served under /sandbox/ with SANDBOX=on
 * (docs/decisions/0020-stand-ins.md): the payment channels' gateways (WeChat Pay, Alipay,
 * Douyin Pay) with their fault controls, the mini-program platforms' login services, the SMS
 * gateway, DevPay (the development payment channel: its API and cashier) and the merchant
 * console that ships orders.
 *
 * This is the only entry: server/app.ts calls it; nothing under server/modules, server/channels
 * or server/platform imports server/standins (lint forbids it). The channel gateways also run on
 * their own (server/standins/channels/main.ts).
 */
export interface StandInsOptions {
  config: Config;
  db: Kysely<Database>;
  log: ChannelSandboxContext['log'];
}

/** The channel gateways' shared context, with their notifiers (tests read their deliveries). */
export type ChannelStandIns = ChannelSandboxContext & { notifiers: Notifier[]; stop(): void };

export function registerStandIns(app: FastifyInstance, options: StandInsOptions): ChannelStandIns {
  const { config, db, log } = options;
  const channels = createSandboxContext({ faults: new FaultController(), timeScale: sandboxTimeScale(), baseUrl: () => config.publicBaseUrl, log });
  registerChannelSandbox(app, channels);
  app.addHook('onClose', async () => channels.stop());

  registerSandboxLogin(app, { config, db });
  registerSandboxSms(app);
  connectSmsGateway(sandboxSmsGateway);
  registerDevpayStandIn(app, config, { key: devpayKey(config) });
  registerMerchantConsoleStandIn(app, db);
  return channels;
}
