import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { WAL_BACKSTOP_PAGES, startCheckpointer } from './checkpointer';
import { createDb, migrateToLatest } from './index';

describe('background WAL checkpointer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shop-ckpt-'));
  });
  // The worker closes its connection after stop() returns, and closing a WAL database removes its
  // -wal and -shm files: a removal racing that close retries instead of failing with ENOTEMPTY.
  // Under load the close can come seconds later: a temporary folder left behind is not what these
  // tests check, so a removal that still races it after the retries is let go.
  afterEach(() => {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    } catch {
      // left in the OS's temporary folder
    }
  });

  function openWal(file: string): SQLite.Database {
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.exec('create table t (id integer primary key, v text not null)');
    return db;
  }
  const walSize = (file: string) => statSync(`${file}-wal`).size;

  it('takes checkpoints off the serving connection and keeps the WAL bounded', async () => {
    const file = path.join(dir, 'a.db');
    const db = openWal(file);
    const ckpt = startCheckpointer(db, { intervalMs: 60_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_BACKSTOP_PAGES);

    const insert = db.prepare('insert into t (v) values (?)');
    const batch = () => {
      for (let i = 0; i < 400; i++) insert.run('x'.repeat(500));
    };
    batch();
    // No automatic checkpoint ran: the WAL holds every frame written so far.
    const grown = walSize(file);
    expect(grown).toBeGreaterThan(150 * 1024);

    const result = await ckpt.checkpointNow();
    expect(result.walFrames).toBeGreaterThan(0);
    expect(result.checkpointed).toBe(result.walFrames);
    // Once checkpointed, the next writer starts the WAL over: it does not grow past its size.
    for (let round = 0; round < 5; round++) {
      batch();
      await ckpt.checkpointNow();
    }
    expect(walSize(file)).toBeLessThanOrEqual(grown * 1.2);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 2400 });

    ckpt.stop();
    expect(ckpt.running).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
    // Everything is in the database: a fresh connection reads it all.
    const again = new SQLite(file, { readonly: true });
    expect(again.prepare('select count(*) as n from t').get()).toEqual({ n: 2400 });
    again.close();
  });

  it('checkpoints on its own timer', async () => {
    const file = path.join(dir, 'b.db');
    const db = openWal(file);
    const ckpt = startCheckpointer(db, { intervalMs: 20 });
    const insert = db.prepare('insert into t (v) values (?)');
    for (let i = 0; i < 200; i++) insert.run('y'.repeat(500));
    const deadline = Date.now() + 5000;
    let done = false;
    while (!done && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 30));
      // A PASSIVE checkpoint here finds nothing left to copy once the timer's ran.
      const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      done = row.log > 0 && row.log === row.checkpointed;
    }
    expect(done).toBe(true);
    ckpt.stop();
    db.close();
  });

  it('keeps the WAL bounded under a writer that never pauses (the backstop)', () => {
    const file = path.join(dir, 'c.db');
    const db = openWal(file);
    // The worker's timer is held off so that the bound is exact: the backstop alone keeps the WAL
    // bounded, whatever the worker manages (under sustained writes it never catches up at the
    // moment a writer begins; with a 5 ms timer and no backstop this WAL grew to 41 MB).
    const ckpt = startCheckpointer(db, { intervalMs: 60_000, backstopPages: 256 });
    const insert = db.prepare('insert into t (v) values (?)');
    const begin = db.prepare('begin immediate');
    const commit = db.prepare('commit');
    // Back-to-back write transactions, as group commit runs them under load: 20 MB written.
    let largest = 0;
    try {
      for (let i = 0; i < 4000; i++) {
        begin.run();
        for (let j = 0; j < 5; j++) insert.run('z'.repeat(1000));
        commit.run();
        if (i % 100 === 0) largest = Math.max(largest, walSize(file));
      }
    } finally {
      // Stopped whatever happens: a worker left running keeps jest from exiting.
      ckpt.stop();
    }
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    // Never past the backstop by more than one transaction's frames, however long it runs.
    expect(largest).toBeLessThan(2 * 256 * pageSize);
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 20000 });
    db.close();
  });

  it('refuses an in-memory database', () => {
    const db = new SQLite(':memory:');
    expect(() => startCheckpointer(db)).toThrow(/in-memory/);
    db.close();
  });

  it.each([
    ['background', WAL_BACKSTOP_PAGES],
    ['inline', 1000],
  ] as const)('createDb with SQLITE_CHECKPOINT=%s sets the serving connection to wal_autocheckpoint=%d', async (mode, expected) => {
    const sqlitePath = path.join(dir, `${mode}.db`);
    const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath, sqliteCheckpoint: mode });
    await migrateToLatest(db);
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
    expect(rows[0]?.wal_autocheckpoint).toBe(expected);
    await db.destroy();
    // Closed with the database: the file opens again and holds the migrated schema.
    const again = new SQLite(sqlitePath, { readonly: true });
    expect(again.prepare("select count(*) as n from sqlite_master where name = 'idempotency_keys'").get()).toEqual({ n: 1 });
    again.close();
  });
});
