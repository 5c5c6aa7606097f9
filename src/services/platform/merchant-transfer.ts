import Taro from '@tarojs/taro';
import type { WithdrawalDestination } from '@contract/referral-withdrawal';

/** The platform this build runs on (TARO_ENV): weapp, alipay, tt, h5. */
export function currentPlatform(env: string | undefined = process.env.TARO_ENV): string {
  return env ?? 'h5';
}

/**
 * Where a promoter may withdraw from this build: the stored balance always; WeChat's change only
 * in the WeChat mini-program and Alipay only in Alipay's (the channels pay the account of that
 * mini-program's login; the server refuses any other).
 */
export function withdrawDestinations(env: string | undefined = process.env.TARO_ENV): WithdrawalDestination[] {
  const platform = currentPlatform(env);
  if (platform === 'weapp') return ['balance', 'wechat'];
  if (platform === 'alipay') return ['balance', 'alipay'];
  return ['balance'];
}

export interface MerchantTransferConfirm {
  mchId: string;
  appId: string;
  package: string;
}

type RequestMerchantTransfer = (opts: MerchantTransferConfirm & { success?: () => void; fail?: (err: { errMsg?: string }) => void }) => void;

/**
 * Opens WeChat's confirmation of a merchant transfer (wx.requestMerchantTransfer) in the WeChat
 * mini-program. Answers 'confirmed' or 'cancelled'; 'unavailable' where there is no such API
 * (another platform, an old WeChat): the page then asks him to confirm in WeChat.
 */
export function requestMerchantTransfer(confirm: MerchantTransferConfirm, env: string | undefined = process.env.TARO_ENV): Promise<'confirmed' | 'cancelled' | 'unavailable'> {
  if (currentPlatform(env) !== 'weapp') return Promise.resolve('unavailable');
  const fromTaro = (Taro as unknown as { requestMerchantTransfer?: RequestMerchantTransfer }).requestMerchantTransfer;
  const fromWx = (globalThis as unknown as { wx?: { requestMerchantTransfer?: RequestMerchantTransfer } }).wx?.requestMerchantTransfer;
  const api = fromTaro ?? fromWx;
  if (typeof api !== 'function') return Promise.resolve('unavailable');
  return new Promise((resolve) => {
    try {
      api({ mchId: confirm.mchId, appId: confirm.appId, package: confirm.package, success: () => resolve('confirmed'), fail: () => resolve('cancelled') });
    } catch {
      resolve('unavailable');
    }
  });
}
