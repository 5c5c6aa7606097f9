import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/**
 * SQLite's WAL checkpoint, off the request path.
 *
 * By default SQLite checkpoints inside whichever commit pushes the WAL past 1000 pages: that
 * commit copies the pages into the database file and fsyncs it while the event loop waits. On
 * the build VM a commit averaged 0.19 ms with automatic checkpoints and 0.12 ms without
 * (`npm run bench:sqlite`, docs/benchmarks.md). Here a worker thread with its own connection to
 * the same file runs `wal_checkpoint(PASSIVE)` every `intervalMs`. PASSIVE never waits for
 * readers or writers, so it cannot stall a request.
 *
 * The WAL starts over from its beginning only when a writer begins while every frame has been
 * copied. Under sustained load (group commit keeps a write transaction open nearly all the time)
 * the worker never quite catches up at such a moment, and the WAL grew without end: 280 MB after
 * 15 s of the checkout benchmark. So the serving connection keeps a backstop: a commit that
 * finds more than `backstopPages` frames in the WAL checkpoints in place (most pages are copied
 * already, so this is the short tail), the next writer then starts the WAL over, and
 * `journal_size_limit` truncates the file back. Between backstops no commit checkpoints.
 *
 * Durability is unchanged: a commit is in the WAL either way, and a checkpoint interrupted by a
 * crash is redone from the WAL on the next open. If the worker stops for any reason, the
 * serving connection goes back to automatic checkpoints.
 */
export interface CheckpointerOptions {
  intervalMs?: number;
  /** WAL frames past which a commit on the serving connection checkpoints (default 8192: 32 MiB of 4 KiB pages). */
  backstopPages?: number;
}

export const WAL_BACKSTOP_PAGES = 8192;

export interface Checkpointer {
  /** Resolves after the worker has run one checkpoint; for tests and shutdown. */
  checkpointNow(): Promise<CheckpointResult>;
  /** Stops the worker (a last PASSIVE checkpoint first); the serving connection stays usable. */
  stop(): void;
  /** False once the worker has stopped or failed (automatic checkpoints are back on). */
  readonly running: boolean;
}

export interface CheckpointResult {
  /** Frames in the WAL when the checkpoint ran. */
  walFrames: number;
  /** Frames copied into the database file (walFrames when the checkpoint caught up). */
  checkpointed: number;
}

const DEFAULT_AUTOCHECKPOINT = 1000;

// Plain JS (the worker runs without the TypeScript loader). workerData: { driver, path, intervalMs }.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('synchronous = NORMAL');
const run = () => {
  const [row] = db.pragma('wal_checkpoint(PASSIVE)');
  return { walFrames: row.log, checkpointed: row.checkpointed };
};
const timer = setInterval(() => {
  try { run(); } catch (err) { /* SQLITE_BUSY or a locked file: the next tick tries again */ }
}, workerData.intervalMs);
parentPort.on('message', (msg) => {
  if (msg && msg.type === 'checkpoint') {
    let result = null, error = null;
    try { result = run(); } catch (err) { error = String(err && err.message || err); }
    parentPort.postMessage({ type: 'checkpointed', id: msg.id, result, error });
  } else if (msg && msg.type === 'stop') {
    clearInterval(timer);
    try { run(); } catch (err) {}
    db.close();
    process.exit(0);
  }
});
`;

export function startCheckpointer(database: SQLite.Database, options: CheckpointerOptions = {}): Checkpointer {
  if (database.memory) throw new Error('an in-memory database has no WAL to checkpoint');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), path: database.name, intervalMs: options.intervalMs ?? 100 },
  });
  worker.unref();
  const backstop = options.backstopPages ?? WAL_BACKSTOP_PAGES;
  database.pragma(`wal_autocheckpoint = ${backstop}`);
  database.pragma(`journal_size_limit = ${backstop * Number(database.pragma('page_size', { simple: true }))}`);

  let running = true;
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  const fallBack = (reason: Error) => {
    if (!running) return;
    running = false;
    if (database.open) database.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    for (const w of waiting.values()) w.reject(reason);
    waiting.clear();
  };
  worker.on('message', (msg: { type: string; id: number; result: CheckpointResult | null; error: string | null }) => {
    if (msg.type !== 'checkpointed') return;
    const w = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (!w) return;
    if (msg.result) w.resolve(msg.result);
    else w.reject(new Error(`checkpoint failed: ${msg.error ?? 'unknown'}`));
  });
  worker.on('error', (err) => fallBack(err));
  worker.on('exit', (code) => fallBack(new Error(`the checkpoint worker exited (${code})`)));

  return {
    get running() {
      return running;
    },
    checkpointNow() {
      if (!running) return Promise.reject(new Error('the checkpoint worker is not running'));
      const id = ++nextId;
      return new Promise<CheckpointResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ type: 'checkpoint', id });
      });
    },
    stop() {
      if (!running) return;
      worker.postMessage({ type: 'stop' });
      fallBack(new Error('the checkpoint worker was stopped'));
    },
  };
}
