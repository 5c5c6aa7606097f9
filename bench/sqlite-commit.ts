/**
 * What a SQLite commit costs on this machine, and what grouping and checkpointing change
 * (`npm run bench:sqlite`). Raw better-sqlite3 on a WAL database in a temp folder (set
 * BENCH_DIR to measure another disk), synchronous = NORMAL as the server runs it.
 *
 * 1. Transactions of 5 inserts into one table with two indexes, each its own commit, with
 *    SQLite's automatic checkpoint (every 1000 pages, inside a commit) and without it (as the
 *    server runs with SQLITE_CHECKPOINT=background): time per transaction, average and
 *    worst commit.
 * 2. Transactions of one insert into each of 6 such tables, committed alone or in groups of
 *    4, 10 and 32 as savepoints of one outer transaction (SQLITE_GROUP_COMMIT=on): time per
 *    transaction.
 *
 * BENCH_TXNS (default 20000) transactions per case. Prints a table; a report, not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';

const TXNS = Number(process.env.BENCH_TXNS ?? 20_000);
const root = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'bench-sqlite-'));

function open(name: string, autocheckpoint: number, tables: string[]): SQLite.Database {
  const db = new SQLite(path.join(root, `${name}.db`));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
  for (const t of tables) {
    db.exec(`create table ${t} (id integer primary key, a text, b text, c integer); create index ${t}_a on ${t}(a); create index ${t}_b on ${t}(b)`);
  }
  return db;
}

const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;
const rows: string[][] = [];

for (const [label, autocheckpoint] of [
  ['automatic checkpoints (inline)', 1000],
  ['no checkpoints in commits (background)', 0],
] as const) {
  const db = open(`single-${autocheckpoint}`, autocheckpoint, ['t']);
  const insert = db.prepare('insert into t (a, b, c) values (?, ?, ?)');
  const begin = db.prepare('begin');
  const commit = db.prepare('commit');
  let commitMs = 0;
  let worst = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < TXNS; i++) {
    begin.run();
    for (let j = 0; j < 5; j++) insert.run(`a${Math.random()}`, `b${Math.random()}`, i);
    const c = process.hrtime.bigint();
    commit.run();
    const took = ms(c);
    commitMs += took;
    worst = Math.max(worst, took);
  }
  const total = ms(start);
  rows.push([`5 inserts, 1 table, ${label}`, (total / TXNS).toFixed(3), (commitMs / TXNS).toFixed(3), worst.toFixed(1)]);
  db.close();
}

const tables = ['t1', 't2', 't3', 't4', 't5', 't6'];
for (const group of [1, 4, 10, 32]) {
  const db = open(`group-${group}`, 0, tables);
  const inserts = tables.map((t) => db.prepare(`insert into ${t} (a, b, c) values (?, ?, ?)`));
  const start = process.hrtime.bigint();
  for (let i = 0; i < TXNS; i += group) {
    db.exec('begin immediate');
    for (let g = 0; g < group; g++) {
      db.exec('savepoint tx');
      for (const s of inserts) s.run(`a${Math.random()}`, `b${Math.random()}`, i);
      db.exec('release tx');
    }
    db.exec('commit');
  }
  const total = ms(start);
  rows.push([`1 insert into each of 6 tables, ${group === 1 ? 'own commit' : `${group} per commit`}`, (total / TXNS).toFixed(3), '', '']);
  db.close();
}

rmSync(root, { recursive: true, force: true });
process.stdout.write(`SQLite commits: ${TXNS} transactions per case, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}\n\n`);
process.stdout.write('| case | ms per transaction | ms per commit (avg) | worst commit ms |\n| --- | --- | --- | --- |\n');
for (const r of rows) process.stdout.write(`| ${r.join(' | ')} |\n`);
