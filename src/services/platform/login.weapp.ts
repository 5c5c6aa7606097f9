import Taro from '@tarojs/taro';
import { sandboxLoginCode, sandboxLoginEnabled } from './sandbox-login';
import type { MiniLoginInput } from './types';

/** WeChat: wx.login's code, exchanged by the server through jscode2session. */
export async function login(): Promise<MiniLoginInput | null> {
  if (sandboxLoginEnabled()) return { platform: 'weapp', code: sandboxLoginCode() };
  const res = await Taro.login();
  if (!res.code) throw new Error(res.errMsg || 'wx.login returned no code');
  return { platform: 'weapp', code: res.code };
}
