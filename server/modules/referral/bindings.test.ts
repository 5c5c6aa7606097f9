import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { testDb, type TestDb } from '../../test/db';
import { ancestorsOf } from './bindings';

let tdb: TestDb;
let db: Kysely<Database>;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
});
afterAll(async () => {
  await tdb.destroy();
});

const bind = (userId: string, promoterId: string, expiresAt: number | null = null) =>
  db.insertInto('referral_bindings').values({ user_id: userId, promoter_id: promoterId, link_id: null, bound_at: 1, expires_at: expiresAt }).execute();

it('walks the promoters above a shopper, nearest first, up to the levels asked; a lapsed binding or a cycle ends the chain', async () => {
  // d -> c -> b -> a (d was referred by c, ...)
  await bind('u_anc_d', 'u_anc_c');
  await bind('u_anc_c', 'u_anc_b');
  await bind('u_anc_b', 'u_anc_a');
  expect(await ancestorsOf(db, 'u_anc_d', 2)).toEqual(['u_anc_c', 'u_anc_b']);
  expect(await ancestorsOf(db, 'u_anc_d', 3)).toEqual(['u_anc_c', 'u_anc_b', 'u_anc_a']);
  expect(await ancestorsOf(db, 'u_anc_a', 3)).toEqual([]);
  // A lapsed binding ends the chain where it lapsed.
  await bind('u_anc_e', 'u_anc_d', 1000);
  expect(await ancestorsOf(db, 'u_anc_e', 3, 999)).toEqual(['u_anc_d', 'u_anc_c', 'u_anc_b']);
  expect(await ancestorsOf(db, 'u_anc_e', 3, 1000)).toEqual([]);
  // A cycle (which binding refuses) never repeats an account.
  await bind('u_cyc_x', 'u_cyc_y');
  await bind('u_cyc_y', 'u_cyc_x');
  expect(await ancestorsOf(db, 'u_cyc_x', 3)).toEqual(['u_cyc_y']);
});
