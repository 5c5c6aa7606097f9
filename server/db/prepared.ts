import type { CompiledQuery, Compilable, Insertable, Kysely, QueryCreator, QueryResult } from 'kysely';
import { dialectOfDb, nameStatement, type Dialect } from './index';
import type { Database } from './types';

/**
 * Queries built with Kysely once and then run with new parameters.
 *
 * Kysely builds an immutable operation tree and compiles it to SQL on every call; on the
 * checkout's path that was a fifth of the app's CPU, for statements whose SQL never changes
 * (`update ledger_accounts set balance = balance + ? where id = ? ...`). A prepared query is
 * written as the same Kysely builder, with `p('name')` where a value goes. It is built and
 * compiled on first use per dialect, and then each call only fills the parameter list from
 * the named values and hands the SQL to the driver (whose SQLite statement cache then finds
 * the same string each time).
 *
 * A builder whose SQL depends on its input (an `in` list, a multi-row insert) takes that
 * part of the input as its shape: `prepared((db, p, n: number) => ..., ...)` is compiled once
 * per distinct shape value (rows per insert, say), so keep shapes few and small.
 */
/** A named placeholder; typed `never` so that it fits wherever the builder expects a value. */
export type Param = (name: string) => never;

/** The named placeholder that stands for a value while the query is compiled. */
class Slot {
  constructor(readonly name: string) {}
}

interface Compiled {
  query: CompiledQuery<unknown>;
  /** Per parameter position: a named value, or a constant the builder put there. */
  slots: ({ name: string } | { value: unknown })[];
}

const slot: Param = (name) => new Slot(name) as never;

export interface PreparedQuery<P, S, R, DB = Database> {
  execute(db: Kysely<DB>, params: P, shape?: S): Promise<QueryResult<R>>;
}

function compile<DB>(build: (db: Kysely<DB>, p: Param, shape: never) => Compilable<unknown>, db: Kysely<DB>, shape: unknown, dialect: Dialect): Compiled {
  const query = build(db, slot, shape as never).compile();
  // PostgreSQL: a named prepared statement, parsed once per connection and planned once.
  if (dialect === 'postgres') nameStatement(query.sql);
  const slots = query.parameters.map((v) => (v instanceof Slot ? { name: v.name } : { value: v }));
  return { query, slots };
}

export function prepared<P extends Record<string, unknown>, R = unknown, S extends string | number = never, DB = Database>(
  build: (db: Kysely<DB>, p: Param, shape: S) => Compilable<R>,
): PreparedQuery<P, S, R, DB> {
  const cache = new Map<string, Compiled>();
  return {
    async execute(db, params, shape) {
      const dialect: Dialect = dialectOfDb(db as unknown as Kysely<Database>);
      const key = shape === undefined ? dialect : `${dialect}:${shape}`;
      let compiled = cache.get(key);
      if (!compiled) {
        compiled = compile(build as (db: Kysely<DB>, p: Param, shape: never) => Compilable<unknown>, db, shape, dialect);
        cache.set(key, compiled);
      }
      const parameters = compiled.slots.map((s) => {
        if (!('name' in s)) return s.value;
        const value = params[s.name];
        if (value === undefined) throw new Error(`prepared query: no value for parameter '${s.name}'`);
        return value;
      });
      const query: CompiledQuery<R> = { ...(compiled.query as CompiledQuery<R>), parameters };
      return db.executeQuery(query);
    },
  };
}

/** Placeholders `<prefix>0` .. `<prefix>n-1` for a list of n values (an `in` list, rows of an insert). */
export function slots(p: Param, prefix: string, count: number): never[] {
  return Array.from({ length: count }, (_, i) => p(`${prefix}${i}`));
}

/** The named values for slots(p, prefix, values.length). */
export function listParams(prefix: string, values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  values.forEach((v, i) => {
    out[`${prefix}${i}`] = v;
  });
  return out;
}

const byKey = new Map<string, PreparedQuery<Record<string, unknown>, never, unknown, unknown>>();

/**
 * One of a family of prepared queries whose SQL depends on more than a shape (a table, the
 * columns written): the query for `key` is made by `build` the first time and kept. Keys are
 * shared by every caller, so each begins with its own namespace (`insert:`, `transition:` ...).
 */
export function preparedFor<DB = Database>(key: string, build: (db: Kysely<DB>, p: Param) => Compilable<unknown>): PreparedQuery<Record<string, unknown>, never, unknown, DB> {
  let statement = byKey.get(key);
  if (!statement) {
    statement = prepared<Record<string, unknown>, unknown, never, unknown>(build as (db: Kysely<unknown>, p: Param) => Compilable<unknown>);
    byKey.set(key, statement);
  }
  return statement as PreparedQuery<Record<string, unknown>, never, unknown, DB>;
}

/**
 * `insert into <table> (<the rows' columns>) values (...), ...` compiled once per table, column
 * set and number of rows. Every row must have the same columns (null, not undefined, for none).
 */
export async function insertRows<T extends keyof Database & string>(db: Kysely<Database>, table: T, rows: readonly Insertable<Database[T]>[]): Promise<QueryResult<unknown>> {
  if (rows.length === 0) throw new Error(`insertRows(${table}): no rows`);
  const columns = Object.keys(rows[0]);
  const statement = preparedFor(`insert:${table}\u0000${rows.length}\u0000${columns.join(',')}`, (kdb, p) =>
    kdb.insertInto(table).values(rows.map((_, i) => Object.fromEntries(columns.map((c) => [c, p(`${c}\u0000${i}`)]))) as never),
  );
  const params: Record<string, unknown> = {};
  rows.forEach((row, i) => {
    const values = row as Record<string, unknown>;
    for (const c of columns) params[`${c}\u0000${i}`] = values[c];
    if (Object.keys(values).length !== columns.length) throw new Error(`insertRows(${table}): the rows do not all have the same columns`);
  });
  return statement.execute(db, params);
}

/** Rows for one table of insertTogether(). */
export type InsertGroup = { [T in keyof Database & string]: { table: T; rows: readonly Insertable<Database[T]>[] } }[keyof Database & string];

/**
 * Several tables' new rows in one statement on PostgreSQL (`with w0 as (insert ...), ...
 * insert ...`: one round trip instead of one per table; foreign keys are checked at the end of
 * the statement, so the order of the groups does not matter there), one insertRows() per table
 * on SQLite, where a statement costs no round trip. Groups without rows are left out. Compiled
 * once per tables, columns and row counts.
 */
export async function insertTogether(db: Kysely<Database>, groups: readonly InsertGroup[]): Promise<void> {
  const present = groups.filter((g) => g.rows.length > 0);
  if (present.length === 0) return;
  if (present.length === 1 || dialectOfDb(db) !== 'postgres') {
    for (const g of present) await insertRows(db, g.table, g.rows as never);
    return;
  }
  const shapes = present.map((g) => {
    const columns = Object.keys(g.rows[0]);
    for (const row of g.rows) {
      if (Object.keys(row).length !== columns.length) throw new Error(`insertTogether(${g.table}): the rows do not all have the same columns`);
    }
    return { table: g.table, count: g.rows.length, columns };
  });
  const key = `together:${shapes.map((x) => `${x.table}\u0000${x.count}\u0000${x.columns.join(',')}`).join('\u0001')}`;
  const rowsOf = (p: Param, i: number) =>
    Array.from({ length: shapes[i].count }, (_, r) => Object.fromEntries(shapes[i].columns.map((c) => [c, p(`${i}\u0000${c}\u0000${r}`)]))) as never;
  const statement = preparedFor(key, (kdb, p) => {
    // Each `with` widens the creator's table types by its name; only insertInto is used here.
    let withs: QueryCreator<Database> = kdb;
    for (let i = 0; i < shapes.length - 1; i++) {
      const table = shapes[i].table;
      withs = withs.with(`w${i}`, (qc) => qc.insertInto(table).values(rowsOf(p, i))) as unknown as QueryCreator<Database>;
    }
    const last = shapes.length - 1;
    return withs.insertInto(shapes[last].table).values(rowsOf(p, last));
  });
  const params: Record<string, unknown> = {};
  present.forEach((g, i) => {
    g.rows.forEach((row, r) => {
      const values = row as Record<string, unknown>;
      for (const c of shapes[i].columns) params[`${i}\u0000${c}\u0000${r}`] = values[c];
    });
  });
  await statement.execute(db, params);
}
