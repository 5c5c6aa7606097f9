/**
 * How the app was opened (mini-programs; launch.h5.ts is H5's): the launch's page and query, and
 * the host's scene number (WeChat's 1007 chat, 1047 code, 1154 timeline...). Taro picks
 * launch.<env>.ts at build time; this file serves WeChat, Alipay and Douyin (and jest).
 *
 * Alipay hands a code's query (qrcode.create's query_param, a plain QR code's `qrCode`) to the
 * app's launch only, not to the page it opens: the page merges the launch query when it is the
 * launch page (landingParams in services/referral/landing.ts).
 */
import Taro from '@tarojs/taro';
import { launchInfoOf, type HostOptions, type LaunchInfo } from './launch-info';

export type { LaunchInfo } from './launch-info';

function read(name: 'getLaunchOptionsSync' | 'getEnterOptionsSync'): HostOptions {
  try {
    const fn = (Taro as unknown as Record<string, (() => HostOptions) | undefined>)[name];
    return typeof fn === 'function' ? fn() : null;
  } catch {
    return null;
  }
}

/** The app's launch (cold start). */
export function launchInfo(): LaunchInfo {
  return launchInfoOf(read('getLaunchOptionsSync'));
}

/** How the app was last entered (a hot start from a new card or code), else the launch. */
export function enterInfo(): LaunchInfo {
  const entered = read('getEnterOptionsSync');
  return entered ? launchInfoOf(entered) : launchInfo();
}
