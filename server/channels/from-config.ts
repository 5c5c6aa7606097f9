import type { Config } from '../infra/config';
import { createAlipayAdapter } from './alipay/adapter';
import { createDouyinAdapter } from './douyin/adapter';
import type { ChannelAdapter } from './types';
import type { PayoutAdapter } from './payout';
import { createWechatpayTransferAdapter } from './wechatpay/transfer';
import { createAlipayTransferAdapter } from './alipay/transfer';
import { createWechatpayAdapter } from './wechatpay/adapter';

/** Adapters for every real channel the configuration enables (with SANDBOX=on: the sandbox keys and the stand-ins' URLs). */
export function configuredChannelAdapters(config: Pick<Config, 'channels'>): ChannelAdapter[] {
  const adapters: ChannelAdapter[] = [];
  const { wechatpay, alipay, douyin } = config.channels;
  if (wechatpay) adapters.push(createWechatpayAdapter(wechatpay));
  if (alipay) adapters.push(createAlipayAdapter(alipay));
  if (douyin) adapters.push(createDouyinAdapter(douyin));
  return adapters;
}

/** Payout adapters (promoters' withdrawals) for every real channel the configuration enables that can transfer to a person. */
export function configuredPayoutAdapters(config: Pick<Config, 'channels'>): PayoutAdapter[] {
  const adapters: PayoutAdapter[] = [];
  const { wechatpay, alipay } = config.channels;
  if (wechatpay) adapters.push(createWechatpayTransferAdapter(wechatpay));
  if (alipay) adapters.push(createAlipayTransferAdapter(alipay));
  return adapters;
}
