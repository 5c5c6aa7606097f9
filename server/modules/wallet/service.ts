import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { GiftCardCredential, GiftCardView, Wallet } from '../../../contract/wallet';
import type { Database } from '../../db/types';
import { AppError, validationError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import type { WalletConfig } from './config';
import { accountId, balanceOf, ensureAccount, PLATFORM, post, shardFor, type AccountRef } from './ledger';
import { prepared } from '../../db/prepared';
import { transact } from '../../db/transaction';

type Db = Kysely<Database>;

// --- the shopper's wallet ----------------------------------------------------------------------

export function welcomeRef(userId: string): string {
  return `welcome:${userId}`;
}

const selectJournalByRef = prepared<{ ref: string }, { id: string }>((db, p) => db.selectFrom('journal_transactions').select('id').where('ref', '=', p('ref')));

async function hasRef(db: Db, ref: string): Promise<boolean> {
  return (await selectJournalByRef.execute(db, { ref })).rows.length > 0;
}

/**
 * The accounts the welcome grant posts to: the platform's side on the shopper's own shard (every
 * new shopper is granted at once), so a transaction that may grant it can lock them first.
 */
export function welcomeAccounts(userId: string) {
  const shard = shardFor(userId);
  return {
    funding: { kind: 'funding', ownerId: PLATFORM, shard },
    balance: { kind: 'user_balance', ownerId: userId },
    issuance: { kind: 'points_issuance', ownerId: PLATFORM, shard },
    points: { kind: 'user_points', ownerId: userId },
  } as const satisfies Record<string, AccountRef>;
}

/**
 * Grants the configured welcome balance and points once per shopper (ref welcome:<userId>),
 * inside the caller's transaction. Answers true when this call granted it. Idempotent: a grant
 * already posted (or racing in another transaction: the unique ref decides) posts nothing.
 * A configuration with no grant (production default) posts nothing.
 */
export async function ensureWelcome(trx: Db, userId: string, config: WalletConfig, now: number): Promise<boolean> {
  if (config.welcomeBalance === 0 && config.welcomePoints === 0) return false;
  const ref = welcomeRef(userId);
  if (await hasRef(trx, ref)) return false;
  const accounts = welcomeAccounts(userId);
  const outcome = await post(trx, {
    ref,
    kind: 'welcome',
    memo: 'Welcome grant',
    now,
    postings: [
      { account: accounts.funding, amount: -config.welcomeBalance },
      { account: accounts.balance, amount: config.welcomeBalance },
      { account: accounts.issuance, amount: -config.welcomePoints },
      { account: accounts.points, amount: config.welcomePoints },
    ],
  });
  return outcome === 'posted';
}

/** The shopper's wallet (granting the welcome balance on first use). */
export async function getWallet(db: Db, userId: string, config: WalletConfig, now: number): Promise<Wallet> {
  const granted = config.welcomeBalance === 0 && config.welcomePoints === 0 ? true : await hasRef(db, welcomeRef(userId));
  if (!granted) await transact(db, (trx) => ensureWelcome(trx, userId, config, now));
  const balance = await balanceOf(db, { kind: 'user_balance', ownerId: userId });
  const points = await balanceOf(db, { kind: 'user_points', ownerId: userId });
  return { balance, points, pointsRule: { ...config.pointsRule } };
}

// --- gift cards --------------------------------------------------------------------------------

/** Wrong PINs in a row that lock a card, and for how long. */
export const MAX_PIN_ATTEMPTS = 5;
export const PIN_LOCK_MS = 15 * 60 * 1000;

/**
 * scrypt cost for PINs. A check runs on every payment with a card, so it is cheap (about 1-2 ms,
 * 512 KiB); a 6-digit PIN has only 10^6 values, so no affordable hash cost protects a leaked
 * hash for long: the per-card lockout is what stops guessing online.
 */
const SCRYPT_PARAMS = { N: 512, r: 8, p: 1, maxmem: 4 * 1024 * 1024 } as const;
const SCRYPT_KEYLEN = 32;

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, SCRYPT_KEYLEN, SCRYPT_PARAMS, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** "scrypt$<salt base64url>$<hash base64url>" of a PIN, with a fresh 16-byte salt. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(pin, salt);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function pinMatches(pin: string, stored: string): Promise<boolean> {
  const [scheme, saltText, hashText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !hashText) return false;
  const expected = Buffer.from(hashText, 'base64url');
  const actual = await scryptAsync(pin, Buffer.from(saltText, 'base64url'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Hash an unknown card number's PIN is checked against, so both failures take the same time. */
let decoyHash: Promise<string> | null = null;
function decoy(): Promise<string> {
  decoyHash ??= hashPin(randomBytes(8).toString('hex'));
  return decoyHash;
}

/** "**** **** **** 1234" */
export function maskCardNumber(number: string): string {
  return `**** **** **** ${number.slice(-4)}`;
}

/** A gift card as the payment module needs it: its id (owner of its gift_card account) and balance. */
export interface GiftCardRecord {
  id: string;
  /** Its ledger account (kind gift_card, owner the card id). */
  accountId: string;
  maskedNumber: string;
  balance: number;
  expiresAt: number;
}

const CARD_NUMBER = /^\d{16}$/;
const CARD_PIN = /^\d{6}$/;

function invalidCard(): AppError {
  return new AppError('GIFT_CARD_INVALID', 'The gift card number or PIN is wrong');
}

function lockedCard(lockedUntil: number | null, now: number): AppError {
  const retryAfterSeconds = lockedUntil !== null && lockedUntil > now ? Math.ceil((lockedUntil - now) / 1000) : 1;
  return new AppError('GIFT_CARD_LOCKED', `Too many wrong PINs; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s)`, { retryAfterSeconds });
}

const lockedAt = (lockedUntil: unknown, now: number): number | null => (lockedUntil != null && Number(lockedUntil) > now ? Number(lockedUntil) : null);

/**
 * The checks every use of a card runs, in this order: the number is known, the card is not
 * locked, the PIN matches, the card has not expired. An unknown number and a wrong PIN answer
 * the same GIFT_CARD_INVALID (and both pay for one scrypt), so the answer does not tell which.
 * Expiry is checked only after the PIN, so it reveals nothing to someone without the PIN.
 *
 * Only wrong PINs count, each in one atomic update after its check: it raises failed_attempts
 * while the card is not locked (an expired lock starts a fresh count) and sets the lock when
 * the count reaches MAX_PIN_ATTEMPTS, so concurrent guesses are counted one by one and the
 * limit-th locks the card, whatever else is in flight. Right PINs in flight hold nothing, so a
 * card in use is never locked by fewer wrong guesses than the limit. A right PIN is answered
 * only if the card is still unlocked after the check (a lock that landed meanwhile wins), and
 * clears the wrong PINs it saw, unless another was counted since (a guess made during the check
 * is never forgiven). Every statement runs on `exec`: on a plain connection each commits at
 * once (a wrong PIN stays counted although the request fails); inside a transaction they stand
 * or fall with it (see resolveGiftCards).
 */
async function checkCredential(exec: Db, credential: GiftCardCredential, now: number): Promise<GiftCardRecord> {
  if (!CARD_NUMBER.test(credential.number) || !CARD_PIN.test(credential.pin)) throw invalidCard();
  const card = await exec
    .selectFrom('gift_cards')
    .select(['id', 'number', 'pin_hash', 'account_id', 'expires_at', 'locked_until'])
    .where('number', '=', credential.number)
    .executeTakeFirst();
  if (!card) {
    await pinMatches(credential.pin, await decoy());
    throw invalidCard();
  }
  const lockedBefore = lockedAt(card.locked_until, now);
  if (lockedBefore !== null) throw lockedCard(lockedBefore, now);

  if (!(await pinMatches(credential.pin, card.pin_hash))) {
    const fresh = sql<number>`case when locked_until is null then failed_attempts + 1 else 1 end`;
    const counted = await exec
      .updateTable('gift_cards')
      .set({
        failed_attempts: fresh,
        locked_until: sql<number | null>`case when ${fresh} >= ${MAX_PIN_ATTEMPTS} then cast(${now + PIN_LOCK_MS} as bigint) else null end`,
      })
      .where('id', '=', card.id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .returning('locked_until')
      .executeTakeFirst();
    if (!counted) {
      // Locked by other guesses while this one was checked.
      const row = await exec.selectFrom('gift_cards').select('locked_until').where('id', '=', card.id).executeTakeFirst();
      throw lockedCard(lockedAt(row?.locked_until, now), now);
    }
    const locked = lockedAt(counted.locked_until, now);
    if (locked !== null) throw lockedCard(locked, now);
    throw invalidCard();
  }

  const state = await exec.selectFrom('gift_cards').select(['failed_attempts', 'locked_until']).where('id', '=', card.id).executeTakeFirstOrThrow();
  const lockedAfter = lockedAt(state.locked_until, now);
  if (lockedAfter !== null) throw lockedCard(lockedAfter, now);
  if (Number(state.failed_attempts) > 0) {
    await exec
      .updateTable('gift_cards')
      .set({ failed_attempts: 0, locked_until: null })
      .where('id', '=', card.id)
      .where('failed_attempts', '=', Number(state.failed_attempts))
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .execute();
  }

  const expiresAt = Number(card.expires_at);
  if (expiresAt <= now) throw new AppError('GIFT_CARD_EXPIRED', `The gift card ${maskCardNumber(card.number)} has expired`);
  const account = await exec.selectFrom('ledger_accounts').select('balance').where('id', '=', card.account_id).executeTakeFirst();
  return { id: card.id, accountId: card.account_id, maskedNumber: maskCardNumber(card.number), balance: account ? Number(account.balance) : 0, expiresAt };
}

/** Checks a card for the shopper (POST /api/gift-cards/verify). Run on a plain connection. */
export async function verifyGiftCard(db: Db, credential: GiftCardCredential, now: number): Promise<GiftCardView> {
  const card = await checkCredential(db, credential, now);
  return { maskedNumber: card.maskedNumber, balance: card.balance, expiresAt: card.expiresAt };
}

function refuseDuplicates(credentials: readonly GiftCardCredential[]): void {
  const seen = new Set<string>();
  credentials.forEach((c, i) => {
    if (seen.has(c.number)) throw validationError([{ path: `giftCards.${i}.number`, message: 'this gift card is listed twice' }], 'A gift card is listed twice');
    seen.add(c.number);
  });
}

/**
 * Checks several cards on a plain connection (each failed attempt is committed at once), in
 * order; the first failure throws. A payment calls this before opening its transaction, so a
 * wrong PIN counts even though the payment then fails, and calls resolveGiftCards inside it.
 */
export async function verifyGiftCards(db: Db, credentials: readonly GiftCardCredential[], now: number): Promise<GiftCardRecord[]> {
  refuseDuplicates(credentials);
  const out: GiftCardRecord[] = [];
  for (const c of credentials) out.push(await checkCredential(db, c, now));
  return out;
}

/**
 * The cards a payment will hold, checked inside the payment's transaction (same checks as
 * verifyGiftCard; a card listed twice is VALIDATION_FAILED). The balances are read in the
 * transaction; the hold's guarded debit is what finally proves a card covers its share.
 * Attempt counts written here roll back with a failed transaction, so callers run
 * verifyGiftCards(db, ...) first: that is where a wrong PIN is counted for good.
 */
export async function resolveGiftCards(trx: Db, credentials: readonly GiftCardCredential[], now: number): Promise<GiftCardRecord[]> {
  refuseDuplicates(credentials);
  const out: GiftCardRecord[] = [];
  for (const c of credentials) out.push(await checkCredential(trx, c, now));
  return out;
}

export interface IssueGiftCardInput {
  number: string;
  pin: string;
  /** Fen loaded onto the card (funded by the platform: ref giftcard-issue:<cardId>). */
  faceValue: number;
  expiresAt: number;
}

/** Issues a card inside the caller's transaction: its row, its account and the funding posting. */
export async function issueGiftCard(trx: Db, input: IssueGiftCardInput, now: number): Promise<GiftCardRecord> {
  if (!CARD_NUMBER.test(input.number)) throw new RangeError('a gift card number has 16 digits');
  if (!CARD_PIN.test(input.pin)) throw new RangeError('a gift card PIN has 6 digits');
  if (!Number.isSafeInteger(input.faceValue) || input.faceValue <= 0) throw new RangeError(`face value must be positive integer fen, got ${input.faceValue}`);
  if (!Number.isSafeInteger(input.expiresAt)) throw new RangeError(`expiresAt must be epoch ms, got ${input.expiresAt}`);

  const id = newId('gc', now);
  const account = await ensureAccount(trx, { kind: 'gift_card', ownerId: id }, now);
  await trx
    .insertInto('gift_cards')
    .values({
      id,
      number: input.number,
      pin_hash: await hashPin(input.pin),
      account_id: account,
      face_value: input.faceValue,
      expires_at: input.expiresAt,
      failed_attempts: 0,
      locked_until: null,
      created_at: now,
    })
    .execute();
  await post(trx, {
    ref: `giftcard-issue:${id}`,
    kind: 'giftcard-issue',
    memo: `Gift card ${maskCardNumber(input.number)} issued`,
    now,
    postings: [
      { account: { kind: 'funding', ownerId: PLATFORM }, amount: -input.faceValue },
      { account: { kind: 'gift_card', ownerId: id }, amount: input.faceValue },
    ],
  });
  return { id, accountId: accountId('gift_card', id), maskedNumber: maskCardNumber(input.number), balance: input.faceValue, expiresAt: input.expiresAt };
}

/** The ids of the gift cards with these numbers (those that exist). */
export async function giftCardIdsByNumber(db: Kysely<Database>, numbers: readonly string[]): Promise<string[]> {
  if (numbers.length === 0) return [];
  return (await db.selectFrom('gift_cards').select('id').where('number', 'in', [...numbers]).execute()).map((c) => c.id);
}

/** Gift card numbers by card id (for showing which card a tender used). */
export async function giftCardNumbers(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('gift_cards').select(['id', 'number']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, r.number]));
}
