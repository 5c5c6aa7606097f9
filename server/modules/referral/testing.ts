import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { newId } from '../../infra/ids';

/** Test fixtures for the referral module, written straight into the test database. Only tests import this file. */

/** A pending promoter application of `userId`; its id. */
export async function addApplication(db: Kysely<Database>, userId: string, now = Date.now()): Promise<string> {
  const id = newId('rap', now);
  await db.insertInto('referral_applications').values({ id, user_id: userId, status: 'pending', note: null, reason: null, created_at: now, decided_at: null, decided_by: null }).execute();
  return id;
}

/** A binding of `userId` under `promoterId`, as a sign-in would write it. */
export async function addBinding(db: Kysely<Database>, userId: string, promoterId: string, boundAt = Date.now(), expiresAt: number | null = null): Promise<void> {
  await db.insertInto('referral_bindings').values({ user_id: userId, promoter_id: promoterId, link_id: null, bound_at: boundAt, expires_at: expiresAt }).execute();
}
