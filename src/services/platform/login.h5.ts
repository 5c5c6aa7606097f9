import type { MiniLoginInput } from './types';

/** H5 has no platform login: the login page shows phone + one-time code instead. */
export async function login(): Promise<MiniLoginInput | null> {
  return null;
}
