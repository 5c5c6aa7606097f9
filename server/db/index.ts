import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresAdapter, SqliteDialect, sql, type MigrationResultSet, type PostgresPool, type PostgresPoolClient, type SqliteDatabase } from 'kysely';
import { CurrentSchemaPostgresDialect } from './introspector';
import pg from 'pg';
import { startCheckpointer } from './checkpointer';
import { GroupCommitSqliteDialect } from './group-commit';
import { migrations } from './migrations';
import type { Database } from './types';

export type { Database } from './types';
export type Db = Kysely<Database>;
export type Dialect = 'sqlite' | 'postgres';

/** What opening the database needs of the server's configuration (server/infra/config.ts has them all). */
export interface DbSettings {
  dialect: Dialect;
  databaseUrl: string | null;
  sqlitePath: string;
  sqliteCheckpoint?: 'background' | 'inline';
  sqliteGroupCommit?: boolean;
}

export interface DbOptions {
  /** PostgreSQL only: run every connection with this search_path (tests use a schema each). */
  pgSchema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** SQLite with group commit: called after each group commit with its transaction count. */
  onGroupCommit?: (transactions: number) => void;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * pg returns bigint (int8) and numeric as strings by default. Every bigint column here holds
 * epoch ms or a count, well inside Number.MAX_SAFE_INTEGER, so parse them as JS numbers.
 */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
} as pg.CustomTypesConfig;

const dialectOf = new WeakMap<object, Dialect>();
/** How a PostgreSQL database was reached: for a connection of its own (LISTEN) to the same place. */
const pgConnections = new WeakMap<object, { connectionString: string; schema: string | null }>();

/** The connection string and schema of a PostgreSQL database made by createDb; null for SQLite. */
export function pgConnectionOf(db: Kysely<Database>): { connectionString: string; schema: string | null } | null {
  return pgConnections.get(db) ?? null;
}

/**
 * SQL texts that run as named prepared statements on PostgreSQL, by text: every statement of
 * server/db/prepared.ts (a fixed set, one per query and shape). PostgreSQL then parses each once
 * per connection and, after a few executions, reuses a generic plan instead of planning the
 * statement again on every execution (1.6-2.4 ms of a checkout's database CPU went to
 * planning). Other statements (Kysely builders used once in a while, DDL) stay unnamed.
 */
const statementNames = new Map<string, string>();

/** Runs this SQL text as a named prepared statement from now on (PostgreSQL). */
export function nameStatement(text: string): void {
  if (!statementNames.has(text)) statementNames.set(text, `shop_${statementNames.size}`);
}

type PgQuery = PostgresPoolClient['query'];

/**
 * The pool as Kysely sees it, with each client's query() sending registered texts under their
 * name (node-postgres keeps which names each connection has parsed).
 */
function namedStatementPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = (textOrCursor: unknown, values?: ReadonlyArray<unknown>) => {
      if (typeof textOrCursor !== 'string') return client.query(textOrCursor as never);
      const name = statementNames.get(textOrCursor);
      return name ? client.query({ name, text: textOrCursor, values: values as unknown[] }) : client.query(textOrCursor, values as unknown[]);
    };
    return { query: query as unknown as PgQuery, release: () => client.release() };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let kyselyClient = wrapped.get(client);
      if (!kyselyClient) {
        kyselyClient = wrap(client);
        wrapped.set(client, kyselyClient);
      }
      return kyselyClient;
    },
    end: () => pool.end(),
  };
}

export function createDb(
  config: DbSettings,
  options: DbOptions = {},
): Db {
  if (config.dialect === 'postgres') {
    if (!config.databaseUrl) throw new Error('DATABASE_URL is required for PostgreSQL');
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes,
      options: options.pgSchema ? `-c search_path=${options.pgSchema}` : undefined,
    });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool: namedStatementPool(pool) }) });
    dialectOf.set(db, 'postgres');
    // The schema: given, or set by the connection string (`?options=-c search_path=...`).
    const fromUrl = /search_path(?:=|%3D)([A-Za-z0-9_]+)/.exec(config.databaseUrl)?.[1] ?? null;
    pgConnections.set(db, { connectionString: config.databaseUrl, schema: options.pgSchema ?? fromUrl });
    return db;
  }
  mkdirSync(path.dirname(config.sqlitePath), { recursive: true });
  const sqlite = new SQLite(config.sqlitePath);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // Checkpoints off the request path (server/db/checkpointer.ts) when configured; callers that
  // pass only a path (tests, scripts) keep SQLite's automatic checkpoints.
  const checkpointer = config.sqliteCheckpoint === 'background' && !sqlite.memory ? startCheckpointer(sqlite) : null;
  const cached = withStatementCache(sqlite);
  const database = {
    prepare: cached.prepare,
    close: () => {
      checkpointer?.stop();
      sqlite.close();
    },
    get inTransaction() {
      return sqlite.inTransaction;
    },
  };
  // Group commit (server/db/group-commit.ts) when configured; otherwise Kysely's own driver.
  const dialect = config.sqliteGroupCommit ? new GroupCommitSqliteDialect({ database, onGroupCommit: options.onGroupCommit }) : new SqliteDialect({ database });
  const db = new Kysely<Database>({ dialect });
  dialectOf.set(db, 'sqlite');
  return db;
}

/**
 * Kysely's SQLite driver prepares every statement again on each query (about a tenth of an
 * order's time); better-sqlite3 statements are reusable, so the most recently used ones are
 * kept by their SQL text. (A statement is busy only while it is being iterated, which this
 * codebase never does: Kysely's stream() is not used.)
 */
export function withStatementCache(database: SQLite.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text); // move to the most recently used end
      } else {
        stmt = database.prepare(text);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

/** Which dialect a database (or a transaction on one) speaks. */
export function dialectOfDb(db: Kysely<Database>): Dialect {
  const known = dialectOf.get(db);
  if (known) return known;
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  // Keep Kysely's bookkeeping tables in the schema the connection uses, so several schemas
  // in one PostgreSQL database (tests) never see each other's migration state.
  let migrationTableSchema: string | undefined;
  if (dialectOfDb(db) === 'postgres') {
    const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = row.rows[0]?.schema ?? undefined;
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema,
    // Migrations are written on parallel branches: a database that already ran 006 still runs
    // a 005 merged later. Each migration is written to stand alone (decision 0016).
    allowUnorderedMigrations: true,
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause.message}`, { cause });
  }
  return result;
}

/** True when the error is a unique-constraint violation on either dialect. */
export function isUniqueViolation(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = 'code' in err ? err.code : undefined;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when the error is a CHECK-constraint violation on either dialect. */
export function isCheckViolation(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const code = 'code' in err ? err.code : undefined;
  return code === '23514' || code === 'SQLITE_CONSTRAINT_CHECK';
}
