import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { devpayKey } from '../channels/devpay/wire';
import type { Database } from '../db/types';
import type { Config } from '../infra/config';
import { connectSmsGateway } from '../infra/sms';
import { registerChannelStandIns, standInsTimeScale } from './channels';
import { createStandInContext, type StandInContext } from './channels/context';
import { FaultController } from './channels/faults';
import type { Notifier } from './channels/notifier';
import { registerLoginStandIns } from './login';
import { registerAppCodeStandIns } from './appcodes';
import { registerWeappRiskStandIn } from './weapp-risk';
import { registerWechatLiveStandIn } from './wechat-live';
import { registerDevpayStandIn } from './devpay';
import { registerMerchantConsoleStandIn } from './merchant-console';
import { registerSmsStandIn, smsStandIn } from './sms';

/**
 * The stand-ins for the services outside the shop, served under /sandbox/ with SANDBOX=on
 * (docs/decisions/0020-stand-ins.md): the payment channels' gateways (WeChat Pay, Alipay,
 * Douyin Pay) with their fault controls, the mini-program platforms' login services and code
 * APIs (share posters: ./appcodes.ts), WeChat's user risk rank (./weapp-risk.ts), WeChat 小程序直播's
 * goods and room APIs (./wechat-live.ts), the SMS
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
  log: StandInContext['log'];
}

/** The channel gateways' shared context, with their notifiers (tests read their deliveries). */
export type ChannelStandIns = StandInContext & { notifiers: Notifier[]; stop(): void };

export function registerStandIns(app: FastifyInstance, options: StandInsOptions): ChannelStandIns {
  const { config, db, log } = options;
  const channels = createStandInContext({ faults: new FaultController(), timeScale: standInsTimeScale(), baseUrl: () => config.publicBaseUrl, log });
  registerChannelStandIns(app, channels);
  app.addHook('onClose', async () => channels.stop());

  registerLoginStandIns(app, config);
  const codes = registerAppCodeStandIns(app, config);
  registerWeappRiskStandIn(app, config, codes.wxTokens);
  registerWechatLiveStandIn(app, codes.wxTokens);
  registerSmsStandIn(app);
  connectSmsGateway(smsStandIn);
  registerDevpayStandIn(app, config, { key: devpayKey(config) });
  registerMerchantConsoleStandIn(app, db);
  return channels;
}
