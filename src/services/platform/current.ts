import type { SharePlatform } from '@contract/share';

/**
 * The app platform this build runs on, as the API names it (`weapp`, `alipay`, `tt`, `h5`: the
 * contract's platform of share codes and referral visits). TARO_ENV is fixed at build time;
 * everything that is not a mini-program is H5.
 */
export function currentPlatform(env: string | undefined = process.env.TARO_ENV): SharePlatform {
  return env === 'weapp' || env === 'alipay' || env === 'tt' ? env : 'h5';
}
