import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../db';
import type { Database } from '../db/types';
import { issueGiftCard } from '../modules/wallet';
import { transact } from '../db/transaction';

/**
 * The demo gift cards (also listed in docs/ledger.md). Fixed numbers and PINs so anyone can
 * try them at the cashier:
 *
 *   number               PIN      value   state
 *   8888 0000 0000 0050  123456   ¥50     valid for 3 years from seeding
 *   8888 0000 0000 0200  200200   ¥200    valid for 3 years from seeding
 *   8888 0000 0000 1000  100000   ¥1000   valid for 3 years from seeding
 *   8888 0000 0000 0404  404404   ¥100    expired (the day before seeding)
 *
 * Five wrong PINs lock a card for 15 minutes, so the demo cards can show the lockout too.
 */
export interface DemoGiftCard {
  number: string;
  pin: string;
  faceValue: number;
  /** Expiry relative to the seeding time (negative: already expired). */
  expiresInMs: number;
}

const DAY = 24 * 3600 * 1000;
const VALID_FOR = 3 * 365 * DAY;

export const DEMO_GIFT_CARDS: readonly DemoGiftCard[] = [
  { number: '8888000000000050', pin: '123456', faceValue: 5_000, expiresInMs: VALID_FOR },
  { number: '8888000000000200', pin: '200200', faceValue: 20_000, expiresInMs: VALID_FOR },
  { number: '8888000000001000', pin: '100000', faceValue: 100_000, expiresInMs: VALID_FOR },
  { number: '8888000000000404', pin: '404404', faceValue: 10_000, expiresInMs: -DAY },
];

export interface GiftCardSeedResult {
  issued: number;
  skipped: number;
}

/**
 * Issues the demo gift cards that do not exist yet (matched by number), each in its own
 * transaction with its funding posting. Idempotent, also across processes starting together:
 * a card another process issued first is skipped (the number is unique).
 */
export async function seedGiftCards(db: Kysely<Database>, now: number): Promise<GiftCardSeedResult> {
  const result: GiftCardSeedResult = { issued: 0, skipped: 0 };
  for (const card of DEMO_GIFT_CARDS) {
    try {
      const issued = await transact(db, async (trx) => {
        const existing = await trx.selectFrom('gift_cards').select('id').where('number', '=', card.number).executeTakeFirst();
        if (existing) return false;
        await issueGiftCard(trx, { number: card.number, pin: card.pin, faceValue: card.faceValue, expiresAt: now + card.expiresInMs }, now);
        return true;
      });
      if (issued) result.issued += 1;
      else result.skipped += 1;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      result.skipped += 1;
    }
  }
  return result;
}
