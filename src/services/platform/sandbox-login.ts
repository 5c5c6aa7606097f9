import Taro from '@tarojs/taro';

const OWNER_KEY = 'shop.sandbox-login-owner';
const OWNER = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Sandbox builds (TARO_APP_SANDBOX=1, the default; release builds set 0) log in through the
 * server's stand-ins for the platforms' code-to-session services. Those stand-ins cannot turn a
 * genuine platform code into a user, so a sandbox build sends a sandbox code instead:
 * `sandbox-<owner>.<ms>`, where the owner is a random id kept on this device (the same device
 * logs in as the same account, as a real openid would) and the timestamp makes every code
 * fresh (a code works once and expires after five minutes, like the real ones).
 */
export function sandboxLoginEnabled(): boolean {
  return process.env.TARO_APP_SANDBOX === '1';
}

export function sandboxLoginCode(now = Date.now()): string {
  let owner: unknown = Taro.getStorageSync(OWNER_KEY);
  if (typeof owner !== 'string' || !OWNER.test(owner)) {
    owner = `dev${Math.random().toString(36).slice(2, 12)}${now.toString(36)}`;
    Taro.setStorageSync(OWNER_KEY, owner);
  }
  return `sandbox-${owner as string}.${now}`;
}
