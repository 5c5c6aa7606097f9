import Fastify from 'fastify';
import { wallet as walletSchema, giftCardView, type GiftCardCredential } from '../../../contract/wallet';
import { AppError } from '../../infra/errors';
import type { HandlerContext } from '../../infra/http';
import { ConfigError, loadConfig } from '../../infra/config';
import { testDb, type TestDb } from '../../test/db';
import { tmpdir } from 'node:os';
import { loadWalletConfig, WALLET_ENV_VARS, walletConfigOf, type WalletConfig } from './config';
import { balanceOf, PLATFORM } from './ledger';
import { handlers } from './routes';
import {
  ensureWelcome,
  getWallet,
  hashPin,
  issueGiftCard,
  maskCardNumber,
  MAX_PIN_ATTEMPTS,
  PIN_LOCK_MS,
  pinMatches,
  resolveGiftCards,
  verifyGiftCard,
  verifyGiftCards,
} from './service';

const NOW = Date.UTC(2025, 5, 1);
const DAY = 24 * 3600 * 1000;
const config: WalletConfig = { pointsRule: { pointsPerYuan: 100, capPercent: 50 }, welcomeBalance: 20000, welcomePoints: 5000 };

let tdb: TestDb;
beforeAll(async () => {
  tdb = await testDb();
});
afterAll(async () => {
  await tdb.destroy();
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  throw new Error('expected an AppError');
}

let cardCounter = 0;
function cardNumber(): string {
  cardCounter += 1;
  return `6${String(process.pid % 1000).padStart(3, '0')}${String(cardCounter).padStart(12, '0')}`;
}

async function newCard(opts: { faceValue?: number; expiresAt?: number; pin?: string } = {}) {
  const number = cardNumber();
  const pin = opts.pin ?? '135790';
  const record = await tdb.db.transaction().execute((trx) => issueGiftCard(trx, { number, pin, faceValue: opts.faceValue ?? 5000, expiresAt: opts.expiresAt ?? NOW + 365 * DAY }, NOW));
  return { number, pin, record };
}

async function attemptsOf(id: string) {
  return tdb.db.selectFrom('gift_cards').select(['failed_attempts', 'locked_until']).where('id', '=', id).executeTakeFirstOrThrow();
}

describe('loadWalletConfig', () => {
  it('has demo defaults outside production and no grant in production', () => {
    expect(loadWalletConfig({}, { production: false })).toEqual({ pointsRule: { pointsPerYuan: 100, capPercent: 50 }, welcomeBalance: 20000, welcomePoints: 5000 });
    expect(loadWalletConfig({}, { production: true })).toEqual({ pointsRule: { pointsPerYuan: 100, capPercent: 50 }, welcomeBalance: 0, welcomePoints: 0 });
  });

  it('reads every variable', () => {
    const env = { POINTS_PER_YUAN: '20', POINTS_CAP_PERCENT: '0', WELCOME_BALANCE_FEN: '0', WELCOME_POINTS: ' 10 ' };
    expect(loadWalletConfig(env, { production: true })).toEqual({ pointsRule: { pointsPerYuan: 20, capPercent: 0 }, welcomeBalance: 0, welcomePoints: 10 });
  });

  it.each([
    [{ POINTS_PER_YUAN: '3' }, /POINTS_PER_YUAN must divide 100/],
    [{ POINTS_PER_YUAN: '0' }, /POINTS_PER_YUAN must be between 1 and 100/],
    [{ POINTS_PER_YUAN: '200' }, /POINTS_PER_YUAN must be between 1 and 100/],
    [{ POINTS_PER_YUAN: '2.5' }, /POINTS_PER_YUAN must be a whole number/],
    [{ POINTS_CAP_PERCENT: '101' }, /POINTS_CAP_PERCENT must be between 0 and 100/],
    [{ POINTS_CAP_PERCENT: 'half' }, /POINTS_CAP_PERCENT must be a whole number/],
    [{ WELCOME_BALANCE_FEN: '-1' }, /WELCOME_BALANCE_FEN must be between 0/],
    [{ WELCOME_POINTS: '1e3' }, /WELCOME_POINTS must be a whole number/],
  ])('refuses %j', (env, message) => {
    expect(() => loadWalletConfig(env, { production: false })).toThrow(ConfigError);
    expect(() => loadWalletConfig(env, { production: false })).toThrow(message);
  });

  it('documents exactly the variables it reads', () => {
    expect(WALLET_ENV_VARS.map((v) => v.name).sort()).toEqual(['POINTS_CAP_PERCENT', 'POINTS_PER_YUAN', 'WELCOME_BALANCE_FEN', 'WELCOME_POINTS']);
    for (const v of WALLET_ENV_VARS) {
      expect(v.default).not.toBe('');
      expect(v.meaning.length).toBeGreaterThan(20);
    }
  });

  it('walletConfigOf reads once per server config', () => {
    const server = { nodeEnv: 'production' };
    const first = walletConfigOf(server, { WELCOME_POINTS: '7' });
    expect(first.welcomePoints).toBe(7);
    expect(walletConfigOf(server, { WELCOME_POINTS: '9' })).toBe(first);
  });
});

describe('wallet and welcome grant', () => {
  it('grants the welcome balance and points once', async () => {
    const w1 = await getWallet(tdb.db, 'u_w1', config, NOW);
    expect(walletSchema.parse(w1)).toEqual({ balance: 20000, points: 5000, pointsRule: { pointsPerYuan: 100, capPercent: 50 } });
    const w2 = await getWallet(tdb.db, 'u_w1', config, NOW + 1000);
    expect(w2).toEqual(w1);
    const txs = await tdb.db.selectFrom('journal_transactions').select(['kind']).where('ref', '=', 'welcome:u_w1').execute();
    expect(txs).toEqual([{ kind: 'welcome' }]);
  });

  it('funds the grant from the platform', async () => {
    const fundingBefore = await balanceOf(tdb.db, { kind: 'funding', ownerId: PLATFORM });
    const issuanceBefore = await balanceOf(tdb.db, { kind: 'points_issuance', ownerId: PLATFORM });
    await getWallet(tdb.db, 'u_w2', config, NOW);
    expect(await balanceOf(tdb.db, { kind: 'funding', ownerId: PLATFORM })).toBe(fundingBefore - 20000);
    expect(await balanceOf(tdb.db, { kind: 'points_issuance', ownerId: PLATFORM })).toBe(issuanceBefore - 5000);
  });

  it('grants nothing when configured so', async () => {
    const none = { ...config, welcomeBalance: 0, welcomePoints: 0 };
    expect(await getWallet(tdb.db, 'u_w3', none, NOW)).toEqual({ balance: 0, points: 0, pointsRule: config.pointsRule });
    expect(await tdb.db.selectFrom('journal_transactions').select('id').where('ref', '=', 'welcome:u_w3').execute()).toEqual([]);
    // Only points: the balance side is skipped.
    const pointsOnly = { ...config, welcomeBalance: 0, welcomePoints: 300 };
    expect(await getWallet(tdb.db, 'u_w4', pointsOnly, NOW)).toMatchObject({ balance: 0, points: 300 });
  });

  it('ensureWelcome stands or falls with the caller\'s transaction', async () => {
    await expect(
      tdb.db.transaction().execute(async (trx) => {
        expect(await ensureWelcome(trx, 'u_w5', config, NOW)).toBe(true);
        expect(await ensureWelcome(trx, 'u_w5', config, NOW)).toBe(false);
        throw new Error('the payment failed');
      }),
    ).rejects.toThrow('the payment failed');
    expect(await balanceOf(tdb.db, { kind: 'user_balance', ownerId: 'u_w5' })).toBe(0);
    expect((await getWallet(tdb.db, 'u_w5', config, NOW)).balance).toBe(20000);
  });

  it('concurrent first reads grant once', async () => {
    const wallets = await Promise.all(Array.from({ length: 6 }, () => getWallet(tdb.db, 'u_w6', config, NOW)));
    for (const w of wallets) expect(w.balance).toBe(20000);
    expect(await balanceOf(tdb.db, { kind: 'user_balance', ownerId: 'u_w6' })).toBe(20000);
  });
});

describe('gift cards', () => {
  it('masks numbers', () => {
    expect(maskCardNumber('6200123412345678')).toBe('**** **** **** 5678');
  });

  it('stores a salted scrypt hash of the PIN', async () => {
    const a = await hashPin('123456');
    const b = await hashPin('123456');
    expect(a).toMatch(/^scrypt\$[\w-]+\$[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('123456');
    expect(await pinMatches('123456', a)).toBe(true);
    expect(await pinMatches('123457', a)).toBe(false);
    expect(await pinMatches('123456', 'plain$123456')).toBe(false);
  });

  it('a PIN check is cheap (a few ms at most)', async () => {
    const stored = await hashPin('000000');
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20; i++) await pinMatches('000000', stored);
    const perCheckMs = Number(process.hrtime.bigint() - t0) / 20 / 1e6;
    // About 1-2 ms on an idle core; generous bound for a loaded machine.
    expect(perCheckMs).toBeLessThan(25);
  });

  it('issues a card funded by the platform and verifies it', async () => {
    const fundingBefore = await balanceOf(tdb.db, { kind: 'funding', ownerId: PLATFORM });
    const { number, pin, record } = await newCard({ faceValue: 20000 });
    expect(record).toMatchObject({ accountId: `gift_card:${record.id}`, maskedNumber: maskCardNumber(number), balance: 20000 });
    expect(record.id).toMatch(/^gc_/);
    expect(await balanceOf(tdb.db, { kind: 'funding', ownerId: PLATFORM })).toBe(fundingBefore - 20000);
    const tx = await tdb.db.selectFrom('journal_transactions').select('kind').where('ref', '=', `giftcard-issue:${record.id}`).executeTakeFirst();
    expect(tx).toEqual({ kind: 'giftcard-issue' });
    const row = await tdb.db.selectFrom('gift_cards').selectAll().where('id', '=', record.id).executeTakeFirstOrThrow();
    expect(row.pin_hash).not.toContain(pin);
    expect(Number(row.face_value)).toBe(20000);

    const view = await verifyGiftCard(tdb.db, { number, pin }, NOW);
    expect(giftCardView.parse(view)).toEqual({ maskedNumber: maskCardNumber(number), balance: 20000, expiresAt: NOW + 365 * DAY });
  });

  it('refuses bad issue input', async () => {
    await expect(tdb.db.transaction().execute((trx) => issueGiftCard(trx, { number: '123', pin: '123456', faceValue: 1, expiresAt: NOW }, NOW))).rejects.toThrow(RangeError);
    await expect(tdb.db.transaction().execute((trx) => issueGiftCard(trx, { number: cardNumber(), pin: '12345', faceValue: 1, expiresAt: NOW }, NOW))).rejects.toThrow(RangeError);
    await expect(tdb.db.transaction().execute((trx) => issueGiftCard(trx, { number: cardNumber(), pin: '123456', faceValue: 0, expiresAt: NOW }, NOW))).rejects.toThrow(RangeError);
  });

  it('answers an unknown number and a wrong PIN alike', async () => {
    const { number } = await newCard();
    let unknown: unknown;
    let wrong: unknown;
    try {
      await verifyGiftCard(tdb.db, { number: '9999999999999999', pin: '135790' }, NOW);
    } catch (err) {
      unknown = err;
    }
    try {
      await verifyGiftCard(tdb.db, { number, pin: '000000' }, NOW);
    } catch (err) {
      wrong = err;
    }
    expect(unknown).toBeInstanceOf(AppError);
    expect(wrong).toBeInstanceOf(AppError);
    const shape = (e: unknown) => ({ code: (e as AppError).code, status: (e as AppError).status, detail: (e as AppError).detail, extra: (e as AppError).extra });
    expect(shape(unknown)).toEqual(shape(wrong));
    expect(shape(unknown).code).toBe('GIFT_CARD_INVALID');
  });

  it('counts wrong PINs for good, locks after five for 15 minutes, then lets the right PIN in', async () => {
    const { number, pin, record } = await newCard();
    for (let i = 1; i < MAX_PIN_ATTEMPTS; i++) {
      expect(await codeOf(verifyGiftCard(tdb.db, { number, pin: '000000' }, NOW))).toBe('GIFT_CARD_INVALID');
      // Committed although the request failed.
      expect((await attemptsOf(record.id)).failed_attempts).toBe(i);
    }
    let fifth: unknown;
    try {
      await verifyGiftCard(tdb.db, { number, pin: '000000' }, NOW);
    } catch (err) {
      fifth = err;
    }
    expect((fifth as AppError).code).toBe('GIFT_CARD_LOCKED');
    expect((fifth as AppError).extra).toEqual({ retryAfterSeconds: PIN_LOCK_MS / 1000 });
    expect(Number((await attemptsOf(record.id)).locked_until)).toBe(NOW + PIN_LOCK_MS);

    // Locked: even the right PIN is refused until the lock ends.
    expect(await codeOf(verifyGiftCard(tdb.db, { number, pin }, NOW + 60_000))).toBe('GIFT_CARD_LOCKED');
    expect(await codeOf(verifyGiftCard(tdb.db, { number, pin }, NOW + PIN_LOCK_MS - 1))).toBe('GIFT_CARD_LOCKED');
    const after = await verifyGiftCard(tdb.db, { number, pin }, NOW + PIN_LOCK_MS);
    expect(after.balance).toBe(5000);
    expect(await attemptsOf(record.id)).toEqual({ failed_attempts: 0, locked_until: null });
  });

  it('a right PIN resets the count', async () => {
    const { number, pin, record } = await newCard();
    for (let i = 0; i < MAX_PIN_ATTEMPTS - 1; i++) await codeOf(verifyGiftCard(tdb.db, { number, pin: '000000' }, NOW));
    await verifyGiftCard(tdb.db, { number, pin }, NOW);
    expect((await attemptsOf(record.id)).failed_attempts).toBe(0);
    for (let i = 0; i < MAX_PIN_ATTEMPTS - 1; i++) expect(await codeOf(verifyGiftCard(tdb.db, { number, pin: '000000' }, NOW))).toBe('GIFT_CARD_INVALID');
  });

  it('concurrent guesses get at most five PIN checks', async () => {
    const { number, record } = await newCard();
    const codes = await Promise.all(Array.from({ length: 12 }, (_, i) => codeOf(verifyGiftCard(tdb.db, { number, pin: String(100000 + i) }, NOW))));
    // Five guesses were checked: four answered INVALID and the fifth locked the card; the
    // other seven were refused without a check.
    expect(codes.filter((c) => c === 'GIFT_CARD_INVALID')).toHaveLength(MAX_PIN_ATTEMPTS - 1);
    expect(codes.filter((c) => c === 'GIFT_CARD_LOCKED')).toHaveLength(12 - (MAX_PIN_ATTEMPTS - 1));
    expect(Number((await attemptsOf(record.id)).locked_until)).toBe(NOW + PIN_LOCK_MS);
  });

  it('answers an expired card only to the right PIN', async () => {
    const { number, pin } = await newCard({ expiresAt: NOW - 1 });
    expect(await codeOf(verifyGiftCard(tdb.db, { number, pin }, NOW))).toBe('GIFT_CARD_EXPIRED');
    expect(await codeOf(verifyGiftCard(tdb.db, { number, pin: '000000' }, NOW))).toBe('GIFT_CARD_INVALID');
    // Expires at the instant expiresAt.
    const edge = await newCard({ expiresAt: NOW });
    expect(await codeOf(verifyGiftCard(tdb.db, { number: edge.number, pin: edge.pin }, NOW))).toBe('GIFT_CARD_EXPIRED');
    expect((await verifyGiftCard(tdb.db, { number: edge.number, pin: edge.pin }, NOW - 1)).balance).toBe(5000);
  });

  it('refuses malformed credentials as invalid', async () => {
    expect(await codeOf(verifyGiftCard(tdb.db, { number: '12', pin: '135790' }, NOW))).toBe('GIFT_CARD_INVALID');
  });

  it('resolveGiftCards answers the cards in order inside a transaction and refuses duplicates', async () => {
    const a = await newCard({ faceValue: 1000 });
    const b = await newCard({ faceValue: 3000 });
    const cards = await tdb.db.transaction().execute((trx) =>
      resolveGiftCards(trx, [{ number: b.number, pin: b.pin }, { number: a.number, pin: a.pin }], NOW),
    );
    expect(cards).toEqual([
      { id: b.record.id, accountId: `gift_card:${b.record.id}`, maskedNumber: maskCardNumber(b.number), balance: 3000, expiresAt: b.record.expiresAt },
      { id: a.record.id, accountId: `gift_card:${a.record.id}`, maskedNumber: maskCardNumber(a.number), balance: 1000, expiresAt: a.record.expiresAt },
    ]);
    let dup: unknown;
    try {
      await tdb.db.transaction().execute((trx) => resolveGiftCards(trx, [{ number: a.number, pin: a.pin }, { number: a.number, pin: a.pin }], NOW));
    } catch (err) {
      dup = err;
    }
    expect((dup as AppError).code).toBe('VALIDATION_FAILED');
    expect((dup as AppError).errors).toEqual([{ path: 'giftCards.1.number', message: 'this gift card is listed twice' }]);
    expect(await codeOf(tdb.db.transaction().execute((trx) => resolveGiftCards(trx, [{ number: a.number, pin: '000000' }], NOW)))).toBe('GIFT_CARD_INVALID');
  });

  it('verifyGiftCards counts a wrong PIN for good before a payment transaction', async () => {
    const a = await newCard();
    const b = await newCard();
    expect(await codeOf(verifyGiftCards(tdb.db, [{ number: a.number, pin: a.pin }, { number: b.number, pin: '000000' }], NOW))).toBe('GIFT_CARD_INVALID');
    expect((await attemptsOf(b.record.id)).failed_attempts).toBe(1);
    expect((await attemptsOf(a.record.id)).failed_attempts).toBe(0);
    expect(await codeOf(verifyGiftCards(tdb.db, [{ number: a.number, pin: a.pin }, { number: a.number, pin: a.pin }], NOW))).toBe('VALIDATION_FAILED');
    const ok = await verifyGiftCards(tdb.db, [{ number: a.number, pin: a.pin }, { number: b.number, pin: b.pin }], NOW);
    expect(ok.map((c) => c.id)).toEqual([a.record.id, b.record.id]);
  });
});

describe('route handlers', () => {
  const serverConfig = loadConfig({ NODE_ENV: 'test', SANDBOX: 'off', TOKEN_SECRET: 'wallet-test-token-secret-0123456789abcdef', DATA_DIR: tmpdir() });
  const base = {
    params: undefined,
    query: undefined,
    config: serverConfig,
    log: Fastify({ logger: false }).log,
    requestId: 'req-test',
    ip: '127.0.0.1',
    idempotencyKey: null,
    setHeader: () => undefined,
  };
  const walletCtx = (userId: string): HandlerContext<'getWallet'> => ({ ...base, db: tdb.db, body: undefined, user: { id: userId, platform: 'h5', openid: `h5_${userId}` } });
  const verifyCtx = (body: GiftCardCredential, userId: string): HandlerContext<'verifyGiftCard'> => ({ ...base, db: tdb.db, body, user: { id: userId, platform: 'h5', openid: `h5_${userId}` } });

  it('getWallet answers the contract\'s wallet for the signed-in user', async () => {
    const w = await handlers.getWallet(walletCtx('u_route1'));
    // NODE_ENV=test: the demo defaults unless the environment says otherwise.
    const expected = loadWalletConfig(process.env, { production: false });
    expect(walletSchema.parse(w)).toEqual({ balance: expected.welcomeBalance, points: expected.welcomePoints, pointsRule: expected.pointsRule });
  });

  it('verifyGiftCard answers the card view or the card problem', async () => {
    const { number, pin } = await newCard({ faceValue: 777, expiresAt: Date.now() + DAY });
    const view = await handlers.verifyGiftCard(verifyCtx({ number, pin }, 'u_route2'));
    expect(view).toMatchObject({ maskedNumber: maskCardNumber(number), balance: 777 });
    expect(await codeOf(handlers.verifyGiftCard(verifyCtx({ number, pin: '000000' }, 'u_route2')))).toBe('GIFT_CARD_INVALID');
  });
});
