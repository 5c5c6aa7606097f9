import type { ParentOrder } from '@contract/order';
import { testApp, type TestApp } from '../../test/app';
import { makeSku } from '../order/testing';
import { ensureAccount, LEDGER_SHARDS, PLATFORM } from './ledger';
import { issueGiftCard, MAX_PIN_ATTEMPTS } from './service';

const MERCHANT = 'm_gc1';

/**
 * The gift card PIN lockout counts wrong PINs only, race-free: concurrent payments with the
 * right PIN all go through, wrong guesses interleaved with uses never lock the card before the
 * limit, and the limit of wrong guesses does lock it (on SQLite and PostgreSQL).
 */
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
  // The accounts every payment shares exist already, as in a shop that has taken payments: the
  // first payments creating them at once is the ledger's concern, not this test's.
  const now = Date.now();
  for (let shard = 0; shard < LEDGER_SHARDS; shard++) {
    for (const kind of ['payment_clearing', 'points_expense', 'points_issuance', 'funding'] as const) await ensureAccount(t.db, { kind, ownerId: PLATFORM, shard }, now);
    await ensureAccount(t.db, { kind: 'merchant_payable', ownerId: MERCHANT, shard }, now);
  }
});
afterAll(async () => {
  await t.close();
});

const PIN = '135790';
const WRONG = '000000';
let cards = 0;
async function card(faceValue: number): Promise<{ number: string; id: string }> {
  cards += 1;
  const number = `77${String(process.pid % 100000).padStart(5, '0')}${String(Date.now() % 1_000_000).padStart(6, '0')}${String(cards).padStart(3, '0')}`.slice(0, 16);
  const now = Date.now();
  const issued = await t.db.transaction().execute((trx) => issueGiftCard(trx, { number, pin: PIN, faceValue, expiresAt: now + 86_400_000 }, now));
  return { number, id: issued.id };
}

let keys = 0;
const key = () => `gc-${process.pid}-${Date.now()}-${++keys}`;

/** A shopper with an order of 100 fen, ready to pay. */
async function shopperWithOrder(): Promise<{ token: string; orderId: string }> {
  const token = await t.login();
  const sku = await makeSku(t.db, { price: 100, merchantId: MERCHANT });
  const order = await t.post<ParentOrder>('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '孙八', contactPhone: '13500135000' } }, { token, idempotencyKey: key() });
  if (order.status !== 201) throw new Error(`order: ${order.status} ${order.text}`);
  return { token, orderId: order.body.id };
}

const payWithCard = (s: { token: string; orderId: string }, number: string, pin: string) =>
  t.post<{ code?: string; status?: string }>('/api/payments', { orderId: s.orderId, tenders: { giftCards: [{ number, pin }] } }, { token: s.token, idempotencyKey: key() });
const verify = (token: string, number: string, pin: string) => t.post<{ code?: string }>('/api/gift-cards/verify', { number, pin }, { token });

async function cardRow(id: string) {
  const row = await t.db.selectFrom('gift_cards').select(['failed_attempts', 'locked_until']).where('id', '=', id).executeTakeFirstOrThrow();
  return { failedAttempts: Number(row.failed_attempts), locked: row.locked_until !== null && Number(row.locked_until) > Date.now() };
}

it('30 concurrent payments with the right PIN all go through', async () => {
  const c = await card(10_000);
  const shoppers = [];
  for (let i = 0; i < 30; i++) shoppers.push(await shopperWithOrder());
  const results = await Promise.all(shoppers.map((s) => payWithCard(s, c.number, PIN)));
  expect(results.map((r) => (r.status === 201 ? 'paid' : String(r.body.code)))).toEqual(shoppers.map(() => 'paid'));
  expect(results.every((r) => r.body.status === 'paid')).toBe(true);
  expect(await cardRow(c.id)).toEqual({ failedAttempts: 0, locked: false });
});

it(`${MAX_PIN_ATTEMPTS - 1} wrong guesses interleaved with uses do not lock the card`, async () => {
  const c = await card(10_000);
  const guesser = await t.login();
  const shoppers = [];
  for (let i = 0; i < 12; i++) shoppers.push(await shopperWithOrder());
  const uses = shoppers.map((s) => payWithCard(s, c.number, PIN));
  const guesses = Array.from({ length: MAX_PIN_ATTEMPTS - 1 }, () => verify(guesser, c.number, WRONG));
  const [used, guessed] = await Promise.all([Promise.all(uses), Promise.all(guesses)]);
  expect(used.map((r) => (r.status === 201 ? 'paid' : String(r.body.code)))).toEqual(shoppers.map(() => 'paid'));
  expect(guessed.map((r) => r.body.code)).toEqual(guesses.map(() => 'GIFT_CARD_INVALID'));
  expect((await cardRow(c.id)).locked).toBe(false);
  expect((await verify(guesser, c.number, PIN)).status).toBe(200);
});

it(`${MAX_PIN_ATTEMPTS - 1} wrong guesses counted, then concurrent uses: none is refused, and a right PIN clears the count`, async () => {
  const c = await card(10_000);
  const guesser = await t.login();
  for (let i = 0; i < MAX_PIN_ATTEMPTS - 1; i++) expect((await verify(guesser, c.number, WRONG)).body.code).toBe('GIFT_CARD_INVALID');
  expect(await cardRow(c.id)).toEqual({ failedAttempts: MAX_PIN_ATTEMPTS - 1, locked: false });
  const shoppers = [];
  for (let i = 0; i < 10; i++) shoppers.push(await shopperWithOrder());
  const used = await Promise.all(shoppers.map((s) => payWithCard(s, c.number, PIN)));
  expect(used.map((r) => (r.status === 201 ? 'paid' : String(r.body.code)))).toEqual(shoppers.map(() => 'paid'));
  expect(await cardRow(c.id)).toEqual({ failedAttempts: 0, locked: false });
});

it('the limit of wrong guesses locks the card, however concurrent; then the right PIN is refused too', async () => {
  const c = await card(10_000);
  const guesser = await t.login();
  const answers = await Promise.all(Array.from({ length: 20 }, () => verify(guesser, c.number, WRONG)));
  const codes = answers.map((r) => String(r.body.code));
  expect(codes.filter((x) => x === 'GIFT_CARD_INVALID')).toHaveLength(MAX_PIN_ATTEMPTS - 1);
  expect(codes.filter((x) => x === 'GIFT_CARD_LOCKED')).toHaveLength(20 - (MAX_PIN_ATTEMPTS - 1));
  expect(await cardRow(c.id)).toEqual({ failedAttempts: MAX_PIN_ATTEMPTS, locked: true });

  const right = await verify(guesser, c.number, PIN);
  expect([right.status, right.body.code]).toEqual([429, 'GIFT_CARD_LOCKED']);
  const paid = await payWithCard(await shopperWithOrder(), c.number, PIN);
  expect([paid.status, paid.body.code]).toEqual([429, 'GIFT_CARD_LOCKED']);
});

it('sequential wrong guesses: the last of the limit locks', async () => {
  const c = await card(1_000);
  const guesser = await t.login();
  const codes = [];
  for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) codes.push((await verify(guesser, c.number, WRONG)).body.code);
  expect(codes).toEqual([...Array.from({ length: MAX_PIN_ATTEMPTS - 1 }, () => 'GIFT_CARD_INVALID'), 'GIFT_CARD_LOCKED']);
});
