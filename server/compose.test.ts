import { sql } from 'kysely';
import { buildCore } from './compose';
import { testConfig } from './test/app';
import { testDb } from './test/db';

/** What compose.ts connects to a sign-in (identity's signedIn hook). */
it("never fails a sign-in for the referral module's binding: the failure is logged and the login goes on", async () => {
  const tdb = await testDb();
  const errors: { obj: object; msg: string }[] = [];
  const log = { info: () => undefined, warn: () => undefined, error: (obj: object, msg: string) => void errors.push({ obj, msg }) };
  const core = buildCore({ db: tdb.db, config: testConfig(), log, env: {} });
  try {
    // The binding's first read fails (its table is gone).
    await sql`drop table referral_visits`.execute(tdb.db);
    const signedIn = core.identity.signedIn;
    if (!signedIn) throw new Error('no signedIn hook');
    await expect(signedIn(tdb.db, { id: 'u_hook', phone: null, created: true, device: 'd0123456789abcdefghijkl' })).resolves.toBeUndefined();
    expect(errors.map((e) => e.msg)).toEqual(['referral binding at sign-in failed']);
    expect(errors[0].obj).toMatchObject({ userId: 'u_hook' });
  } finally {
    await core.outbox.stop();
    await tdb.destroy();
  }
});
