import Taro from '@tarojs/taro';

export const DEVICE_KEY = 'shop.device';
const PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function randomChars(n: number): string {
  const bytes = new Uint8Array(n);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (crypto?.getRandomValues) crypto.getRandomValues(bytes);
  else for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => ALPHABET[b % 62]).join('');
}

/**
 * This device's id, made once and kept in storage: the visitor key of shared links opened
 * before sign-in (POST /api/referral/visits), sent with every login so the server binds the
 * account from this device's visits (docs/referral.md, "Attribution and binding"). Not a
 * secret and not an identity: it only tells one device's visits from another's.
 */
export function deviceId(): string {
  let kept: unknown;
  try {
    kept = Taro.getStorageSync(DEVICE_KEY);
  } catch {
    kept = null;
  }
  if (typeof kept === 'string' && PATTERN.test(kept)) return kept;
  const made = `d${randomChars(23)}`;
  try {
    Taro.setStorageSync(DEVICE_KEY, made);
  } catch {
    // Storage unavailable: this run keeps using a new id per call, and visits simply do not bind.
  }
  return made;
}
