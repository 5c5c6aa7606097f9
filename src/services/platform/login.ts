/**
 * Mini-program login: `login()` gets the platform's one-time code for `loginMini`, or null
 * where there is none (H5 logs in with phone + one-time code). Taro picks login.<env>.ts at
 * build time; this file declares the interface and is the fallback for other hosts (and jest).
 */
import type { MiniLoginInput } from './types';

export type { MiniLoginInput } from './types';

export async function login(): Promise<MiniLoginInput | null> {
  return null;
}
