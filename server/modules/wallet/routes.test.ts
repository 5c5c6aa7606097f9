import { testApp, type TestApp } from '../../test/app';
import { DEMO_GIFT_CARDS, seedGiftCards } from '../../seed/wallet';
import { loadWalletConfig } from './config';
import { maskCardNumber } from './service';

/** The wallet routes over real HTTP: auth, validation, problem answers, Retry-After. */
let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await testApp({ seed: false, env: { SANDBOX: 'on' } });
  await seedGiftCards(t.db, Date.now());
  token = await t.login();
});
afterAll(async () => {
  await t.close();
});

const card50 = DEMO_GIFT_CARDS[0];
const expired = DEMO_GIFT_CARDS.find((c) => c.expiresInMs < 0) ?? DEMO_GIFT_CARDS[3];

it('GET /api/wallet needs a session and answers the wallet with the welcome grant', async () => {
  expect((await t.get('/api/wallet')).status).toBe(401);
  const res = await t.get('/api/wallet', { token });
  expect(res.status).toBe(200);
  const cfg = loadWalletConfig(process.env, { production: false });
  expect(res.body).toEqual({ balance: cfg.welcomeBalance, points: cfg.welcomePoints, pointsRule: cfg.pointsRule });
  expect((await t.get('/api/wallet', { token })).body).toEqual(res.body);
});

it('POST /api/gift-cards/verify answers the card view', async () => {
  const res = await t.post('/api/gift-cards/verify', { number: card50.number, pin: card50.pin }, { token });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ maskedNumber: maskCardNumber(card50.number), balance: card50.faceValue });
  expect(typeof res.body.expiresAt).toBe('number');
});

it('validates the credential shape', async () => {
  const res = await t.post('/api/gift-cards/verify', { number: '1234', pin: 'abc' }, { token });
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('VALIDATION_FAILED');
  expect((await t.post('/api/gift-cards/verify', { number: card50.number, pin: card50.pin })).status).toBe(401);
});

it('answers unknown and wrong alike, expired only to the right PIN, and locks with Retry-After', async () => {
  const unknown = await t.post('/api/gift-cards/verify', { number: '1111222233334444', pin: '123456' }, { token });
  const wrong = await t.post('/api/gift-cards/verify', { number: expired.number, pin: '000000' }, { token });
  expect(unknown.status).toBe(400);
  expect(wrong.status).toBe(400);
  expect(unknown.body.code).toBe('GIFT_CARD_INVALID');
  expect(wrong.body.detail).toBe(unknown.body.detail);
  const exp = await t.post('/api/gift-cards/verify', { number: expired.number, pin: expired.pin }, { token });
  expect(exp.status).toBe(409);
  expect(exp.body.code).toBe('GIFT_CARD_EXPIRED');

  const target = DEMO_GIFT_CARDS[1];
  const codes: string[] = [];
  for (let i = 0; i < 5; i++) codes.push(String((await t.post('/api/gift-cards/verify', { number: target.number, pin: '000000' }, { token })).body.code));
  expect(codes).toEqual(['GIFT_CARD_INVALID', 'GIFT_CARD_INVALID', 'GIFT_CARD_INVALID', 'GIFT_CARD_INVALID', 'GIFT_CARD_LOCKED']);
  const locked = await t.post('/api/gift-cards/verify', { number: target.number, pin: target.pin }, { token });
  expect(locked.status).toBe(429);
  expect(locked.body.code).toBe('GIFT_CARD_LOCKED');
  expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
});
