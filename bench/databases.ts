/**
 * The databases a benchmark runs against: a fresh SQLite file in a temp folder, and a fresh
 * schema in the PostgreSQL at DATABASE_URL (default the local test database). Each is created,
 * handed to `run`, and removed afterwards; PostgreSQL unreachable: skipped with a note.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb, type Db } from '../server/db';

export const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  db: Db;
  /** A temp folder for the app's DATA_DIR (and the SQLite file). */
  dir: string;
  sqlitePath: string | null;
  pgSchema: string | null;
}

export async function withSqlite<T>(run: (target: BenchDatabase) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-bench-'));
  const sqlitePath = path.join(dir, 'shop.db');
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath });
  try {
    return await run({ db, dir, sqlitePath, pgSchema: null });
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function withPostgres<T>(poolSize: number, run: (target: BenchDatabase) => Promise<T[]>): Promise<T[]> {
  const schema = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (err) {
    process.stderr.write(`  PostgreSQL not reachable at ${PG_URL} (${String(err)}); skipped\n`);
    return [];
  }
  await admin.query(`create schema "${schema}"`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-bench-'));
  const db = createDb({ dialect: 'postgres', databaseUrl: PG_URL, sqlitePath: '' }, { pgSchema: schema, poolSize });
  try {
    return await run({ db, dir, sqlitePath: null, pgSchema: schema });
  } finally {
    await db.destroy();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}
