import Taro from '@tarojs/taro';
import { sandboxLoginCode, sandboxLoginEnabled } from './sandbox-login';
import type { MiniLoginInput } from './types';

/**
 * Alipay: an auth code from my.getAuthCode({ scopes: 'auth_base' }), exchanged by the server
 * through alipay.system.oauth.token. Taro's alipay runtime maps Taro.login to my.getAuthCode
 * with scopes 'auth_base' and copies authCode into `code`; authCode is read too in case a
 * host build answers without the mapping.
 */
export async function login(): Promise<MiniLoginInput | null> {
  if (sandboxLoginEnabled()) return { platform: 'alipay', code: sandboxLoginCode() };
  const res: Taro.login.SuccessCallbackResult & { authCode?: string } = await Taro.login();
  const code = res.code || res.authCode;
  if (!code) throw new Error(res.errMsg || 'my.getAuthCode returned no code');
  return { platform: 'alipay', code };
}
