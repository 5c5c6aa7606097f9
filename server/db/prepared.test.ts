import { sql } from 'kysely';
import { testDb, type TestDb } from '../test/db';
import { insertTogether, prepared } from './prepared';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await testDb();
  const now = Date.now();
  await tdb.db
    .insertInto('ledger_accounts')
    .values([
      { id: 'a', kind: 'user_balance', owner_id: 'u1', unit: 'fen', balance: 100, may_go_negative: 0, created_at: now },
      { id: 'b', kind: 'user_balance', owner_id: 'u2', unit: 'fen', balance: 5, may_go_negative: 0, created_at: now },
      { id: 'c', kind: 'funding', owner_id: 'platform', unit: 'fen', balance: 0, may_go_negative: 1, created_at: now },
    ])
    .execute();
});
afterAll(() => tdb.destroy());

test('the same query runs with each call’s values; constants of the builder stay', async () => {
  const compiles: string[] = [];
  const byKind = prepared<{ kind: string; min: number }, { id: string }>((db, p) => {
    compiles.push('x');
    return db.selectFrom('ledger_accounts').select('id').where('kind', '=', p('kind')).where('balance', '>=', p('min')).where('unit', '=', 'fen').orderBy('id');
  });
  expect((await byKind.execute(tdb.db, { kind: 'user_balance', min: 0 })).rows.map((r) => r.id)).toEqual(['a', 'b']);
  expect((await byKind.execute(tdb.db, { kind: 'user_balance', min: 50 })).rows.map((r) => r.id)).toEqual(['a']);
  expect((await byKind.execute(tdb.db, { kind: 'funding', min: 0 })).rows.map((r) => r.id)).toEqual(['c']);
  expect(compiles).toHaveLength(1);
});

test('a named value used twice fills both places; writes report the rows they changed', async () => {
  const move = prepared<{ id: string; amount: number }>((db, p) =>
    db
      .updateTable('ledger_accounts')
      .set({ balance: sql<number>`balance + ${p('amount')}` })
      .where('id', '=', p('id'))
      .where((eb) => eb.or([eb('may_go_negative', '=', 1), eb(sql<number>`balance + ${p('amount')}`, '>=', 0)])),
  );
  expect(Number((await move.execute(tdb.db, { id: 'b', amount: -5 })).numAffectedRows)).toBe(1);
  expect(Number((await move.execute(tdb.db, { id: 'b', amount: -1 })).numAffectedRows)).toBe(0); // would go negative
  expect(Number((await move.execute(tdb.db, { id: 'c', amount: -7 })).numAffectedRows)).toBe(1); // may go negative
  const rows = await tdb.db.selectFrom('ledger_accounts').select(['id', 'balance']).where('id', 'in', ['b', 'c']).orderBy('id').execute();
  expect(rows.map((r) => Number(r.balance))).toEqual([0, -7]);
});

test('inside a transaction, and rolled back with it', async () => {
  const setBalance = prepared<{ id: string; balance: number }>((db, p) => db.updateTable('ledger_accounts').set({ balance: p('balance') }).where('id', '=', p('id')));
  await expect(
    tdb.db.transaction().execute(async (trx) => {
      await setBalance.execute(trx, { id: 'a', balance: 1 });
      throw new Error('roll back');
    }),
  ).rejects.toThrow('roll back');
  const a = await tdb.db.selectFrom('ledger_accounts').select('balance').where('id', '=', 'a').executeTakeFirstOrThrow();
  expect(Number(a.balance)).toBe(100);
});

test('a shape compiles once per value: one insert per row count', async () => {
  let compiles = 0;
  const insert = prepared<Record<string, string | number>, unknown, number>((db, p, rows) => {
    compiles++;
    return db.insertInto('ledger_accounts').values(
      Array.from({ length: rows }, (_, i) => ({ id: p(`id${i}`), kind: 'gift_card', owner_id: p(`id${i}`), unit: 'fen', balance: 0, may_go_negative: 0, created_at: 1 })),
    );
  });
  await insert.execute(tdb.db, { id0: 'g1' }, 1);
  await insert.execute(tdb.db, { id0: 'g2', id1: 'g3' }, 2);
  await insert.execute(tdb.db, { id0: 'g4' }, 1);
  expect(compiles).toBe(2);
  const ids = await tdb.db.selectFrom('ledger_accounts').select('id').where('kind', '=', 'gift_card').orderBy('id').execute();
  expect(ids.map((r) => r.id)).toEqual(['g1', 'g2', 'g3', 'g4']);
});

test('a missing value is a programming error, and nothing runs', async () => {
  const byId = prepared<{ id: string }>((db, p) => db.deleteFrom('ledger_accounts').where('id', '=', p('id')));
  await expect(byId.execute(tdb.db, {} as { id: string })).rejects.toThrow("no value for parameter 'id'");
  expect(await tdb.db.selectFrom('ledger_accounts').select('id').where('id', '=', 'a').executeTakeFirst()).toBeDefined();
});

(process.env.TEST_DB === 'postgres' ? test : test.skip)('PostgreSQL: a prepared query runs as a named statement, parsed once per connection; other queries stay unnamed', async () => {
  const byOwner = prepared<{ owner: string }, { id: string }>((db, p) => db.selectFrom('ledger_accounts').select('id').where('owner_id', '=', p('owner')));
  const named = await tdb.db.transaction().execute(async (trx) => {
    for (let i = 0; i < 3; i++) expect((await byOwner.execute(trx, { owner: 'u1' })).rows).toEqual([{ id: 'a' }]);
    await trx.selectFrom('ledger_accounts').select('id').where('owner_id', '=', 'u2').where('kind', '=', 'user_balance').execute(); // an ad-hoc builder
    // pg_prepared_statements lists this connection's named statements.
    return (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx)).rows;
  });
  const ours = named.filter((s) => s.statement.includes('"owner_id" = $1') && s.statement.includes('ledger_accounts'));
  expect(ours).toHaveLength(1); // the prepared query, once; the ad-hoc one not at all
  expect(ours[0].name).toMatch(/^shop_\d+$/);
  expect(ours[0].statement).not.toContain('"kind"');
});

test('insertTogether writes several tables’ rows at once (one statement on PostgreSQL); a failing group leaves nothing of the others', async () => {
  const now = Date.now();
  const account = (id: string) => ({ id, kind: 'gift_card', owner_id: id, unit: 'fen', balance: 0, may_go_negative: 0, created_at: now });
  await insertTogether(tdb.db, [
    { table: 'ledger_accounts', rows: [account('t1'), account('t2')] },
    { table: 'journal_transactions', rows: [] },
    { table: 'journal_transactions', rows: [{ id: 'jt1', ref: 'together:1', kind: 'test', memo: '', created_at: now }] },
    { table: 'journal_entries', rows: [{ tx_id: 'jt1', seq: 0, account_id: 't1', unit: 'fen', amount: 5 }, { tx_id: 'jt1', seq: 1, account_id: 't2', unit: 'fen', amount: -5 }] },
  ]);
  const entries = await tdb.db.selectFrom('journal_entries').select(['account_id', 'amount']).where('tx_id', '=', 'jt1').orderBy('seq').execute();
  expect(entries.map((e) => [e.account_id, Number(e.amount)])).toEqual([
    ['t1', 5],
    ['t2', -5],
  ]);

  expect(await tdb.db.selectFrom('journal_transactions').select(['id', 'ref']).where('ref', '=', 'together:1').execute()).toEqual([{ id: 'jt1', ref: 'together:1' }]);
  const failing = tdb.db.transaction().execute((trx) =>
    insertTogether(trx, [
      { table: 'ledger_accounts', rows: [account('t3')] },
      { table: 'journal_transactions', rows: [{ id: 'jt2', ref: 'together:1', kind: 'test', memo: '', created_at: now }] }, // ref taken
    ]),
  );
  const outcome = await failing.then(
    () => 'resolved',
    (err: unknown) => (String(err).includes('UNIQUE') || String(err).includes('unique') ? 'unique violation' : String(err)),
  );
  const written = {
    t3: await tdb.db.selectFrom('ledger_accounts').select('id').where('id', '=', 't3').execute(),
    jt2: await tdb.db.selectFrom('journal_transactions').select(['id', 'ref']).where('id', '=', 'jt2').execute(),
  };
  expect({ outcome, written }).toEqual({ outcome: 'unique violation', written: { t3: [], jt2: [] } });
});
