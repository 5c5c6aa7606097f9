import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32

// Random bytes are drawn from a pool refilled 4 KB at a time: one call into the system's CSPRNG
// per 256 ids instead of one per id (a checkout makes about ten ids).
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function randomChars(count: number): string {
  if (poolOffset + count > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  let out = '';
  for (let i = 0; i < count; i++) out += ALPHABET[POOL[poolOffset + i] % 32];
  poolOffset += count;
  return out;
}

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
  return `${prefix}_${time}${randomChars(16)}`;
}
