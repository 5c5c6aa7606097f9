import { randomInt } from 'node:crypto';

/**
 * Order numbers as shoppers and merchants read them (what a shop prints on a receipt and a
 * merchant types into a search box), apart from the internal ids: 19 digits, the order's date
 * in China time (YYYYMMDD) followed by 11 random digits, e.g. 2026120738294017465. The date
 * tells when at a glance; the random part makes numbers impossible to guess or to count orders
 * by. Uniqueness is enforced by a unique index; a collision (about 1 in 20 days at 100,000
 * orders a day) is retried with new numbers (createOrder).
 */
export const ORDER_NUMBER_PATTERN = /^\d{19}$/;
const RANDOM_DIGITS = 11;
const CHINA_OFFSET_MS = 8 * 3600_000;

/** YYYYMMDD of an epoch-ms time in China Standard Time (UTC+8, no daylight saving). */
export function chinaDate(now: number): string {
  return new Date(now + CHINA_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

function randomDigits(count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(randomInt(10));
  return out;
}

export function orderNumber(now: number, random: (count: number) => string = randomDigits): string {
  return chinaDate(now) + random(RANDOM_DIGITS);
}

/** True when a unique violation is the order number's (a collision to retry), not the idempotency key's. */
export function isOrderNumberCollision(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const text = `${'constraint' in err ? String(err.constraint) : ''} ${'message' in err ? String(err.message) : ''}`;
  return text.includes('order_no');
}
