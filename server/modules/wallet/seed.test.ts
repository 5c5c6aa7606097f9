import { testDb, type TestDb } from '../../test/db';
import { AppError } from '../../infra/errors';
import { DEMO_GIFT_CARDS, seedGiftCards } from '../../seed/wallet';
import { checkLedger } from '../../checks/ledger';
import { maskCardNumber, verifyGiftCard } from './service';

const NOW = Date.UTC(2025, 0, 1);

let tdb: TestDb;
beforeAll(async () => {
  tdb = await testDb();
});
afterAll(async () => {
  await tdb.destroy();
});

it('documents at least a ¥50, a ¥200, a ¥1000 and an expired card', () => {
  const valid = DEMO_GIFT_CARDS.filter((c) => c.expiresInMs > 0).map((c) => c.faceValue);
  expect(valid).toEqual(expect.arrayContaining([5_000, 20_000, 100_000]));
  expect(DEMO_GIFT_CARDS.some((c) => c.expiresInMs < 0)).toBe(true);
  for (const c of DEMO_GIFT_CARDS) {
    expect(c.number).toMatch(/^\d{16}$/);
    expect(c.pin).toMatch(/^\d{6}$/);
  }
  expect(new Set(DEMO_GIFT_CARDS.map((c) => c.number)).size).toBe(DEMO_GIFT_CARDS.length);
});

it('issues the demo cards once, concurrently too, and they verify with their PINs', async () => {
  const results = await Promise.all([seedGiftCards(tdb.db, NOW), seedGiftCards(tdb.db, NOW)]);
  expect(results[0].issued + results[1].issued).toBe(DEMO_GIFT_CARDS.length);
  expect(results[0].skipped + results[1].skipped).toBe(DEMO_GIFT_CARDS.length);
  expect(await seedGiftCards(tdb.db, NOW + 1000)).toEqual({ issued: 0, skipped: DEMO_GIFT_CARDS.length });
  const rows = await tdb.db.selectFrom('gift_cards').select('number').execute();
  expect(rows).toHaveLength(DEMO_GIFT_CARDS.length);

  for (const card of DEMO_GIFT_CARDS) {
    if (card.expiresInMs > 0) {
      const view = await verifyGiftCard(tdb.db, { number: card.number, pin: card.pin }, NOW + 60_000);
      expect(view).toEqual({ maskedNumber: maskCardNumber(card.number), balance: card.faceValue, expiresAt: NOW + card.expiresInMs });
    } else {
      await expect(verifyGiftCard(tdb.db, { number: card.number, pin: card.pin }, NOW + 60_000)).rejects.toThrow(AppError);
      await expect(verifyGiftCard(tdb.db, { number: card.number, pin: card.pin }, NOW + 60_000)).rejects.toMatchObject({ code: 'GIFT_CARD_EXPIRED' });
    }
  }
  expect((await checkLedger(tdb.db)).discrepancies).toEqual([]);
});
