import Taro from '@tarojs/taro';
import { sandboxLoginCode, sandboxLoginEnabled } from './sandbox-login';
import type { MiniLoginInput } from './types';

/** Douyin: tt.login's code plus its anonymousCode, exchanged through jscode2session. */
export async function login(): Promise<MiniLoginInput | null> {
  if (sandboxLoginEnabled()) return { platform: 'tt', code: sandboxLoginCode() };
  const res = await Taro.login({ force: true });
  if (!res.code) throw new Error(res.errMsg || 'tt.login returned no code');
  return res.anonymousCode
    ? { platform: 'tt', code: res.code, anonymousCode: res.anonymousCode }
    : { platform: 'tt', code: res.code };
}
