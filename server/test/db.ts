import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { createDb, migrateToLatest, type Dialect } from '../db';
import type { Database } from '../db/types';

export interface TestDb {
  db: Kysely<Database>;
  dialect: Dialect;
  /** For PostgreSQL: the connection URL and the schema this database lives in. */
  databaseUrl: string | null;
  schema: string | null;
  /** SQLite file path (sqlite only). */
  sqlitePath: string | null;
  destroy(): Promise<void>;
}

const PG_CANDIDATES = process.env.TEST_DATABASE_URL
  ? [process.env.TEST_DATABASE_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

let workingPgUrl: string | null = null;

/**
 * SQLite test databases run with group commit, as the server does (SQLITE_GROUP_COMMIT=on);
 * TEST_SQLITE_GROUP_COMMIT=off runs them on Kysely's own driver instead.
 */
const TEST_SQLITE_GROUP_COMMIT = process.env.TEST_SQLITE_GROUP_COMMIT !== 'off';

async function adminQuery(text: string): Promise<string> {
  const candidates = workingPgUrl ? [workingPgUrl] : PG_CANDIDATES;
  let lastError: unknown;
  for (const url of candidates) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query(text);
      workingPgUrl = url;
      return url;
    } catch (err) {
      lastError = err;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`cannot reach the test PostgreSQL (${candidates.join(', ')}): ${String(lastError)}`);
}

/** Which database the tests run on: TEST_DB=postgres selects the local PostgreSQL. */
export function testDialect(): Dialect {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * A fresh, migrated database for one test file: SQLite in a new temp file by default, or with
 * TEST_DB=postgres a new schema (random name) in the local PostgreSQL. destroy() removes it.
 */
export async function testDb(options: { poolSize?: number; sqliteGroupCommit?: boolean } = {}): Promise<TestDb> {
  if (testDialect() === 'postgres') {
    const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const url = await adminQuery(`create schema "${schema}"`);
    const db = createDb({ dialect: 'postgres', databaseUrl: url, sqlitePath: '' }, { pgSchema: schema, poolSize: options.poolSize ?? 10 });
    await migrateToLatest(db);
    return {
      db,
      dialect: 'postgres',
      databaseUrl: url,
      schema,
      sqlitePath: null,
      destroy: async () => {
        await db.destroy();
        await adminQuery(`drop schema if exists "${schema}" cascade`);
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-test-'));
  const sqlitePath = path.join(dir, 'shop.db');
  const db = createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath, sqliteGroupCommit: options.sqliteGroupCommit ?? TEST_SQLITE_GROUP_COMMIT });
  await migrateToLatest(db);
  return {
    db,
    dialect: 'sqlite',
    databaseUrl: null,
    schema: null,
    sqlitePath,
    destroy: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
