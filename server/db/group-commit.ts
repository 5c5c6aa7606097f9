import {
  type CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';

/**
 * SQLite with group commit: many transactions, one commit.
 *
 * On SQLite every commit writes each page the transaction touched to the WAL; on the build
 * VM that costs 0.1-0.5 ms per commit whatever the transaction's size (docs/benchmarks.md),
 * and a checkout is several transactions. Here the one connection keeps a *group*: an
 * outer `BEGIN IMMEDIATE` transaction in which each of the application's transactions runs
 * as a savepoint. A transaction that rolls back is rolled back to its savepoint and leaves
 * the group; one that commits releases its savepoint, and its `commit` returns only once the
 * whole group has been committed. The group is committed as soon as the event loop has run
 * the work that was ready (setImmediate), so concurrent requests share a commit and a lone
 * request waits for nothing but its own.
 *
 * What the application sees is unchanged: a transaction (or a statement outside one)
 * returns only when its writes are durable, and a statement that read data written by
 * another transaction of the open group returns only once that group is durable, so no
 * response and no call to the outside world is ever based on writes a crash could still take
 * back. A crash loses the open group as a whole, as it would lose transactions that had not
 * committed yet; none of their callers had been answered.
 *
 * Transactions still run one at a time (SQLite has one writer); the connection is handed to
 * waiters in arrival order (Kysely's own SQLite driver wakes every waiter on each release).
 */
export interface GroupCommitOptions {
  database: SqliteDatabase & { inTransaction?: boolean };
  /** Called after each group commit with the number of transactions it carried (for benchmarks). */
  onGroupCommit?: (transactions: number) => void;
}

export class GroupCommitSqliteDialect implements Dialect {
  constructor(private readonly options: GroupCommitOptions) {}
  createDriver(): Driver {
    return new GroupCommitDriver(this.options);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/** A mutex that hands over to one waiter at a time, first come first served. */
class FifoMutex {
  private locked = false;
  private readonly waiters: (() => void)[] = [];
  lock(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  unlock(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}

interface Group {
  /** Transactions and statements whose writes are in the group. */
  writers: number;
  /** Callers waiting for the group to be durable. */
  waiters: { resolve: () => void; reject: (err: Error) => void }[];
  /** Set once the group has ended (committed or lost). */
  outcome: Error | null | undefined;
}

const SAVEPOINT = 'group_tx';

class GroupCommitDriver implements Driver {
  private readonly db: GroupCommitOptions['database'];
  private readonly mutex = new FifoMutex();
  private group: Group | null = null;
  private flushScheduled = false;

  constructor(private readonly options: GroupCommitOptions) {
    this.db = options.database;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    return new GroupConnection(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupConnection;
    this.openGroup();
    this.exec(`savepoint ${SAVEPOINT}`);
    conn.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupConnection;
    const group = this.group;
    conn.inTransaction = false;
    try {
      this.exec(`release ${SAVEPOINT}`);
    } catch (err) {
      this.checkGroupAlive(err);
      throw err;
    }
    if (!group || group.outcome !== undefined) throw new Error('the transaction was lost with its commit group');
    group.writers++;
    conn.release();
    await this.durable(group);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupConnection;
    conn.inTransaction = false;
    if (!this.group || this.group.outcome !== undefined || !this.db.inTransaction) return; // lost with the group already
    try {
      this.exec(`rollback to ${SAVEPOINT}`);
      this.exec(`release ${SAVEPOINT}`);
    } catch (err) {
      this.checkGroupAlive(err);
      throw err;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const conn = connection as GroupConnection;
    const wait = conn.mustWaitFor;
    conn.release();
    if (wait) await this.durable(wait);
  }

  async destroy(): Promise<void> {
    await this.mutex.lock();
    try {
      this.commitGroup();
    } finally {
      this.mutex.unlock();
    }
    this.db.close();
  }

  /** Runs one statement for a connection; outside a transaction a write joins the group. */
  run(conn: GroupConnection, compiled: CompiledQuery): QueryResult<unknown> {
    const stmt = this.db.prepare(compiled.sql);
    // `reader` (it returns rows) picks all() or run(), as in Kysely's driver; `readonly` says
    // whether it writes (an update ... returning is a reader that writes).
    const writes = (stmt as { readonly?: boolean }).readonly === false;
    if (!conn.inTransaction && writes) this.openGroup();
    let result: QueryResult<unknown>;
    try {
      if (stmt.reader) {
        result = { rows: stmt.all(compiled.parameters) as unknown[] };
      } else {
        const { changes, lastInsertRowid } = stmt.run(compiled.parameters);
        result = {
          numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
          insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
          rows: [],
        };
      }
    } catch (err) {
      this.checkGroupAlive(err);
      throw err;
    }
    // Outside a transaction: a write, or a read that may have seen the open group's writes,
    // returns once the group is durable (releaseConnection waits).
    if (!conn.inTransaction && this.group && (writes || this.group.writers > 0)) {
      if (writes) this.group.writers++;
      conn.mustWaitFor = this.group;
    }
    return result;
  }

  private exec(text: string): void {
    this.db.prepare(text).run([]);
  }

  private openGroup(): void {
    if (this.group) return;
    this.exec('begin immediate');
    this.group = { writers: 0, waiters: [], outcome: undefined };
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /** Commits the open group once the transaction running now (and those queued before) are done. */
  private async flush(): Promise<void> {
    await this.mutex.lock();
    try {
      this.commitGroup();
    } finally {
      this.mutex.unlock();
    }
  }

  private commitGroup(): void {
    const group = this.group;
    if (!group) return;
    this.group = null;
    let error: Error | null = null;
    try {
      if (this.db.inTransaction !== false) this.exec('commit');
      else error = new Error('the commit group was rolled back by SQLite');
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      try {
        if (this.db.inTransaction) this.exec('rollback');
      } catch {
        // nothing left to roll back
      }
    }
    this.settle(group, error);
    if (!error) this.options.onGroupCommit?.(group.writers);
  }

  /**
   * After a failed statement: SQLite rolls the whole transaction back on some errors (a full
   * disk, an I/O error, out of memory). Then the group is lost and everyone waiting for it hears so.
   */
  private checkGroupAlive(cause: unknown): void {
    const group = this.group;
    if (!group || this.db.inTransaction !== false) return;
    this.group = null;
    this.settle(group, new Error(`the commit group was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`));
  }

  private settle(group: Group, error: Error | null): void {
    group.outcome = error;
    for (const w of group.waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
    group.waiters = [];
  }

  private durable(group: Group): Promise<void> {
    if (group.outcome === null) return Promise.resolve();
    if (group.outcome) return Promise.reject(group.outcome);
    return new Promise((resolve, reject) => group.waiters.push({ resolve, reject }));
  }

  unlock(): void {
    this.mutex.unlock();
  }
}

class GroupConnection implements DatabaseConnection {
  inTransaction = false;
  mustWaitFor: Group | null = null;
  private released = false;

  constructor(private readonly driver: GroupCommitDriver) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(this.driver.run(this, compiledQuery) as QueryResult<R>);
    } catch (err) {
      return Promise.reject(err);
    }
  }

   
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported with group commit');
  }

  /** Hands the connection on; idempotent (a committed transaction releases it before Kysely does). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.driver.unlock();
  }
}
