import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32

/**
 * A prefixed, time-ordered id: `<prefix>_<10 chars of time><16 random chars>` (ULID layout),
 * e.g. `o_01HZX3...`. Sorting ids sorts by creation time (to the millisecond).
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[bytes[i] % 32];
  return `${prefix}_${time}${rand}`;
}
