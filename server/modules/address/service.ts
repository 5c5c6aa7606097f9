import { sql, type Kysely, type Transaction } from 'kysely';
import type { Address } from '../../../contract/address';
import { dialectOfDb, isUniqueViolation } from '../../db';
import type { Database } from '../../db/types';
import type { AddressesTable } from './tables';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { transact } from '../../db/transaction';

type Db = Kysely<Database> | Transaction<Database>;

export const MAX_ADDRESSES = 20;

export interface AddressFields {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
}

function toAddress(r: AddressesTable): Address {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    province: r.province,
    city: r.city,
    district: r.district,
    detail: r.detail,
    isDefault: Number(r.is_default) === 1,
  };
}

/** Default first, then newest first. */
export async function listAddresses(db: Db, userId: string): Promise<Address[]> {
  const rows = await db
    .selectFrom('addresses')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('is_default', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toAddress);
}

/** The user's address, or null when it does not exist or belongs to someone else. */
export async function getAddressForUser(db: Db, userId: string, addressId: string): Promise<Address | null> {
  const row = await db.selectFrom('addresses').selectAll().where('id', '=', addressId).where('user_id', '=', userId).executeTakeFirst();
  return row ? toAddress(row) : null;
}

/** The user's default address, or null. */
export async function getDefaultAddress(db: Db, userId: string): Promise<Address | null> {
  const row = await db.selectFrom('addresses').selectAll().where('user_id', '=', userId).where('is_default', '=', 1).executeTakeFirst();
  return row ? toAddress(row) : null;
}

/**
 * Runs a change to one user's address book in a transaction, one change per book at a time:
 * on PostgreSQL a transaction-scoped advisory lock on the user serialises them (SQLite has a
 * single writer already). The partial unique index (one default per user) stays the last line
 * of defence; should it ever fire, the change is retried and then sees the other's result.
 */
async function withBook<T>(db: Kysely<Database>, userId: string, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  const postgres = dialectOfDb(db) === 'postgres';
  for (let attempt = 0; ; attempt++) {
    try {
      return await transact(db, async (trx) => {
        if (postgres) await sql`select pg_advisory_xact_lock(hashtext(${`address-book:${userId}`}))`.execute(trx);
        return fn(trx);
      });
    } catch (err) {
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

export async function createAddress(db: Kysely<Database>, userId: string, input: AddressFields & { isDefault: boolean }): Promise<Address> {
  return withBook(db, userId, async (trx) => {
    const count = await trx
      .selectFrom('addresses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    const n = Number(count.n);
    if (n >= MAX_ADDRESSES) {
      throw new AppError('ADDRESS_LIMIT_REACHED', `An address book holds at most ${MAX_ADDRESSES} addresses; delete one first`, {
        errors: [{ path: 'body', message: `at most ${MAX_ADDRESSES} addresses` }],
      });
    }
    // The first address is the default whatever the input says.
    const isDefault = input.isDefault || n === 0;
    const now = Date.now();
    if (isDefault) {
      await trx.updateTable('addresses').set({ is_default: 0, updated_at: now }).where('user_id', '=', userId).where('is_default', '=', 1).execute();
    }
    const row: AddressesTable = {
      id: newId('adr', now),
      user_id: userId,
      name: input.name,
      phone: input.phone,
      province: input.province,
      city: input.city,
      district: input.district,
      detail: input.detail,
      is_default: isDefault ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('addresses').values(row).execute();
    return toAddress(row);
  });
}

export async function updateAddress(
  db: Kysely<Database>,
  userId: string,
  addressId: string,
  patch: Partial<AddressFields> & { isDefault?: boolean },
): Promise<Address> {
  return withBook(db, userId, async (trx) => {
    const current = await trx.selectFrom('addresses').selectAll().where('id', '=', addressId).where('user_id', '=', userId).executeTakeFirst();
    if (!current) throw new AppError('NOT_FOUND', `no address ${addressId}`);
    const now = Date.now();
    const { isDefault, ...fields } = patch;
    let is_default = current.is_default;
    if (isDefault === true && Number(current.is_default) !== 1) {
      await trx.updateTable('addresses').set({ is_default: 0, updated_at: now }).where('user_id', '=', userId).where('is_default', '=', 1).execute();
      is_default = 1;
    }
    // Unsetting the only default is refused silently: a non-empty book always has one default.
    // Unsetting it while others exist promotes the newest other address.
    if (isDefault === false && Number(current.is_default) === 1) {
      const other = await trx
        .selectFrom('addresses')
        .select('id')
        .where('user_id', '=', userId)
        .where('id', '!=', addressId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      if (other) {
        await trx.updateTable('addresses').set({ is_default: 0, updated_at: now }).where('id', '=', addressId).execute();
        await trx.updateTable('addresses').set({ is_default: 1, updated_at: now }).where('id', '=', other.id).execute();
        is_default = 0;
      }
    }
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<AddressFields>;
    await trx.updateTable('addresses').set({ ...defined, is_default, updated_at: now }).where('id', '=', addressId).execute();
    return toAddress({ ...current, ...defined, is_default, updated_at: now });
  });
}

export async function deleteAddress(db: Kysely<Database>, userId: string, addressId: string): Promise<void> {
  await withBook(db, userId, async (trx) => {
    const current = await trx.selectFrom('addresses').select(['id', 'is_default']).where('id', '=', addressId).where('user_id', '=', userId).executeTakeFirst();
    if (!current) throw new AppError('NOT_FOUND', `no address ${addressId}`);
    await trx.deleteFrom('addresses').where('id', '=', addressId).execute();
    if (Number(current.is_default) === 1) {
      const next = await trx
        .selectFrom('addresses')
        .select('id')
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      if (next) await trx.updateTable('addresses').set({ is_default: 1, updated_at: Date.now() }).where('id', '=', next.id).execute();
    }
  });
}
