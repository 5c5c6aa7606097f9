import type { Kysely } from 'kysely';
import type { StaffRole } from '../../../contract/merchant';
import type { Database } from '../../db/types';
import { newId } from '../../infra/ids';

/**
 * Test fixtures for the merchant module: merchants (the catalog's rows) and memberships written
 * straight into the test database. Only tests import this file.
 */
export async function makeMerchant(db: Kysely<Database>, id: string, name = `测试商户${id}`): Promise<string> {
  await db
    .insertInto('merchants')
    .values({ id, name, logo: `/images/${id}.svg`, created_at: Date.now() })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return id;
}

/** An active membership, as if an owner had invited the account; its staff id. */
export async function addStaff(db: Kysely<Database>, merchantId: string, userId: string, role: StaffRole, phone: string | null = null): Promise<string> {
  const id = newId('stf');
  const now = Date.now();
  await db
    .insertInto('merchant_staff')
    .values({ id, merchant_id: merchantId, user_id: userId, phone, role, status: 'active', invited_by: null, created_at: now, updated_at: now })
    .execute();
  return id;
}

/** An invite waiting for `phone`'s first login; its staff id. */
export async function addInvite(db: Kysely<Database>, merchantId: string, phone: string, role: StaffRole = 'operator'): Promise<string> {
  const id = newId('stf');
  const now = Date.now();
  await db
    .insertInto('merchant_staff')
    .values({ id, merchant_id: merchantId, user_id: null, phone, role, status: 'invited', invited_by: null, created_at: now, updated_at: now })
    .execute();
  return id;
}
