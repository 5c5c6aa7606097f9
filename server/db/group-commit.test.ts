import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { createDb, migrateToLatest, type Database } from './index';

describe('SQLite group commit', () => {
  let dir: string;
  let file: string;
  let db: Kysely<Database>;
  let groups: number[];
  let probe: SQLite.Database;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shop-group-'));
    file = path.join(dir, 'shop.db');
    groups = [];
    db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: file, sqliteGroupCommit: true }, { onGroupCommit: (n) => groups.push(n) });
    await migrateToLatest(db);
    await sql`create table t (id integer primary key, v text not null unique)`.execute(db);
    // A second connection sees only what has been committed.
    probe = new SQLite(file, { readonly: true });
  });
  afterEach(async () => {
    probe.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = (v: string) => probe.prepare('select count(*) as n from t where v = ?').get(v) as { n: number };
  const insert = (trx: Kysely<Database>, v: string) => sql`insert into t (v) values (${v})`.execute(trx);

  it('lets concurrent transactions share one commit, each durable when its commit returns', async () => {
    groups.length = 0;
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        await db.transaction().execute(async (trx) => {
          await insert(trx, `a${i}`);
          await insert(trx, `b${i}`);
        });
        // The commit returned: another connection sees both rows.
        seen.push(committed(`a${i}`).n + committed(`b${i}`).n);
      }),
    );
    expect(seen).toEqual(Array(20).fill(2));
    expect(groups.reduce((a, b) => a + b, 0)).toBe(20);
    expect(groups.length).toBeLessThan(20); // shared commits
  });

  it('rolls back one transaction of a group without touching the others', async () => {
    const results = await Promise.allSettled(
      ['x1', 'x2', 'x3'].map((v) =>
        db.transaction().execute(async (trx) => {
          await insert(trx, v);
          if (v === 'x2') throw new Error('business rule says no');
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect([committed('x1').n, committed('x2').n, committed('x3').n]).toEqual([1, 0, 1]);
  });

  it('keeps a failed statement inside a transaction to that transaction (unique violation, then rollback)', async () => {
    await insert(db, 'dup');
    const [bad, good] = await Promise.allSettled([
      db.transaction().execute(async (trx) => {
        await insert(trx, 'dup-other');
        await insert(trx, 'dup'); // violates the unique constraint
      }),
      db.transaction().execute((trx) => insert(trx, 'neighbour')),
    ]);
    expect(bad.status).toBe('rejected');
    expect(good.status).toBe('fulfilled');
    expect([committed('dup').n, committed('dup-other').n, committed('neighbour').n]).toEqual([1, 0, 1]);
  });

  it('returns a write outside a transaction once it is durable', async () => {
    await Promise.all(['s1', 's2', 's3'].map((v) => insert(db, v).then(() => expect(committed(v).n).toBe(1))));
  });

  it('answers a read that saw a pending write of the group only once that write is durable', async () => {
    let readerSaw = -1;
    let durableWhenRead = -1;
    await Promise.all([
      db.transaction().execute((trx) => insert(trx, 'pending')),
      (async () => {
        // Queued behind the transaction: runs inside the same group, after its savepoint.
        const { rows } = await sql<{ n: number }>`select count(*) as n from t where v = 'pending'`.execute(db);
        readerSaw = rows[0].n;
        durableWhenRead = committed('pending').n;
      })(),
    ]);
    expect(readerSaw).toBe(1);
    expect(durableWhenRead).toBe(1);
  });

  it('reports a lost group to every transaction in it and carries on with a new one', async () => {
    const results = await Promise.allSettled([
      db.transaction().execute((trx) => insert(trx, 'lost1')),
      db.transaction().execute(async (trx) => {
        await insert(trx, 'lost2');
        // Ends the group's outer transaction underneath it, as SQLite does on a full disk.
        await sql`rollback`.execute(trx);
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect([committed('lost1').n, committed('lost2').n]).toEqual([0, 0]);
    await db.transaction().execute((trx) => insert(trx, 'after'));
    expect(committed('after').n).toBe(1);
  });

  it('hands the connection to waiters in arrival order', async () => {
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.transaction().execute(async (trx) => {
          order.push(i);
          await insert(trx, `o${i}`);
        }),
      ),
    );
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('commits what is pending when the database is closed', async () => {
    const pending = db.transaction().execute((trx) => insert(trx, 'at-close'));
    await pending;
    await db.destroy();
    expect(committed('at-close').n).toBe(1);
    db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: file, sqliteGroupCommit: true });
  });
});
