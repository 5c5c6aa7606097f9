/**
 * WebSocket fan-out, what bench:realtime and bench:live share: the client processes holding the
 * sockets (this file run with `--as-client`), the floor (a bare `ws` server, this file run with
 * `--as-floor-server`), the measurement of one event's arrival at every socket of the app (from
 * the message's `created_at` in realtime_messages and from the producing request's return), the
 * process readers (RSS, CPU, open files), the table, and the cleanup of what a bench started.
 *
 * Clients: the sockets are spread over several client processes, each within its open-file limit
 * and on a loopback source address of its own (127.0.0.11, .12, ...), so the ephemeral ports of
 * one address are not the limit. A process connects a bounded number of handshakes at a time,
 * signs each socket in (a token, or as a guest), subscribes it to the topic and stamps every
 * event frame's arrival with process.hrtime (CLOCK_MONOTONIC, one clock for every process on the
 * machine); `created_at` is mapped onto it with an offset measured against Date.now() at each
 * event. Volatile frames (`"volatile":true`) are not measured; the viewer counts they carry
 * (`data.viewers`) are kept per process for the bench to read (`stats`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import WebSocket, { WebSocketServer } from 'ws';
import { sql } from 'kysely';
import { children, pgUrl, raisedFileLimit, track, type ApiNode } from './api-node';
import { procCpuMs } from './support';
import type { Db } from '../server/db';

export const mono = (): number => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The IPC between the bench and its client and floor-server processes

interface ConnectCmd {
  cmd: 'connect';
  url: string;
  count: number;
  inFlight: number;
  localAddress: string;
  /** The app: sign in (a token; null: as a guest) and subscribe; absent for the floor (connected = live). */
  auth?: SocketAuth;
}
export interface SocketAuth {
  token: string | null;
  topic: string;
}
type ClientCmd = ConnectCmd | { cmd: 'collect'; key: string } | { cmd: 'stats' } | { cmd: 'quiet'; on: boolean } | { cmd: 'close' } | { cmd: 'exit' };
type ClientMsg =
  | { type: 'started' }
  | { type: 'connected'; live: number; failed: number; errors: [string, number][]; ms: number }
  | { type: 'all'; key: string }
  | { type: 'arrivals'; key: string; times: number[]; bytes: number }
  | { type: 'stats'; stats: VolatileSeen }
  | { type: 'closed' };
type FloorCmd = { cmd: 'send'; seq: number; bytes: number } | { cmd: 'exit' };
type FloorMsg = { url: string } | { type: 'sent'; sentAt: number; loopMs: number; clients: number } | { type: 'error'; message: string };

/** Volatile frames a client process received since the last `stats`: per type, how many, and the range of `data.viewers`. */
export type VolatileSeen = Record<string, { frames: number; minViewers: number | null; maxViewers: number | null }>;

// ---------------------------------------------------------------------------------------------
// Client process: holds its share of the sockets, stamps every event frame's arrival

function runClient(): void {
  const live = new Set<WebSocket>();
  const lastPing = new Map<WebSocket, number>();
  const arrivals = new Map<string, number[]>();
  let seen: VolatileSeen = {};
  let frameBytes = 0;
  let quiet = false;
  let appMode = false;
  const reply = (msg: ClientMsg) => process.send?.(msg);

  function onVolatile(type: string, data: { viewers?: unknown } | undefined): void {
    const s = (seen[type] ??= { frames: 0, minViewers: null, maxViewers: null });
    s.frames += 1;
    const v = data?.viewers;
    if (typeof v === 'number') {
      s.minViewers = s.minViewers === null ? v : Math.min(s.minViewers, v);
      s.maxViewers = s.maxViewers === null ? v : Math.max(s.maxViewers, v);
    }
  }

  function onEvent(t: number, text: string): void {
    let f: { op?: string; version?: number; seq?: number; volatile?: boolean; type?: string; data?: { viewers?: unknown } };
    try {
      f = JSON.parse(text) as typeof f;
    } catch {
      return;
    }
    if (f.op !== 'event') return;
    if (f.volatile) return onVolatile(String(f.type), f.data);
    const key = String(f.version ?? f.seq);
    let list = arrivals.get(key);
    if (!list) arrivals.set(key, (list = []));
    list.push(t);
    frameBytes = Buffer.byteLength(text);
    if (list.length === live.size) reply({ type: 'all', key });
  }

  function openOne(cmd: ConnectCmd): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(cmd.url, { perMessageDeflate: false, localAddress: cmd.localAddress, handshakeTimeout: 60_000 });
      let settled = false;
      const done = (err?: Error) => {
        if (settled) return;
        settled = true;
        if (err) {
          ws.terminate();
          reject(err);
        } else {
          live.add(ws);
          lastPing.set(ws, Date.now());
          resolve();
        }
      };
      ws.on('open', () => {
        if (!cmd.auth) done();
        else ws.send(JSON.stringify(cmd.auth.token === null ? { op: 'auth', guest: true } : { op: 'auth', token: cmd.auth.token }));
      });
      ws.on('message', (data: Buffer) => {
        const t = mono();
        const text = data.toString('utf8');
        if (settled) return onEvent(t, text);
        const f = JSON.parse(text) as { op: string; code?: string; message?: string };
        if (f.op === 'ready') ws.send(JSON.stringify({ op: 'sub', topic: cmd.auth!.topic }));
        else if (f.op === 'subscribed') done();
        else if (f.op === 'error') done(new Error(`${f.code}: ${f.message}`));
      });
      ws.on('error', (err) => done(err));
      ws.on('close', (code) => {
        live.delete(ws);
        lastPing.delete(ws);
        done(new Error(`closed with ${code} before it was live`));
      });
    });
  }

  async function connect(cmd: ConnectCmd): Promise<void> {
    appMode = cmd.auth !== undefined;
    const began = mono();
    let next = 0;
    let failed = 0;
    const errors = new Map<string, number>();
    const lane = async () => {
      while (next < cmd.count) {
        next += 1;
        try {
          await openOne(cmd);
        } catch (err) {
          failed += 1;
          const m = err instanceof Error ? err.message : String(err);
          errors.set(m, (errors.get(m) ?? 0) + 1);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(cmd.inFlight, cmd.count) }, lane));
    reply({ type: 'connected', live: live.size, failed, errors: [...errors], ms: mono() - began });
  }

  // The app closes a socket that sent nothing for 90 s: ping each one every 25 s, as the real
  // client does, but never while an event is being measured.
  setInterval(() => {
    if (quiet || !appMode) return;
    const now = Date.now();
    for (const ws of live) {
      if (now - (lastPing.get(ws) ?? 0) > 25_000 && ws.readyState === WebSocket.OPEN) {
        ws.send('{"op":"ping"}');
        lastPing.set(ws, now);
      }
    }
  }, 1000).unref();

  process.on('message', (raw: unknown) => {
    const cmd = raw as ClientCmd;
    if (cmd.cmd === 'connect') {
      void connect(cmd);
    } else if (cmd.cmd === 'collect') {
      reply({ type: 'arrivals', key: cmd.key, times: arrivals.get(cmd.key) ?? [], bytes: frameBytes });
      arrivals.delete(cmd.key);
    } else if (cmd.cmd === 'stats') {
      reply({ type: 'stats', stats: seen });
      seen = {};
    } else if (cmd.cmd === 'quiet') {
      quiet = cmd.on;
    } else if (cmd.cmd === 'close') {
      void (async () => {
        const all = [...live];
        const gone = all.map((ws) => new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ws.once('close', () => r()))));
        for (const ws of all) ws.terminate();
        await Promise.all(gone);
        live.clear();
        lastPing.clear();
        arrivals.clear();
        seen = {};
        reply({ type: 'closed' });
      })();
    } else if (cmd.cmd === 'exit') {
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'started' });
}

// ---------------------------------------------------------------------------------------------
// Floor server process: a bare ws server, one frame to every client in one loop

function runFloorServer(): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const reply = (msg: FloorMsg) => process.send?.(msg);
  wss.on('connection', (ws) => ws.on('error', () => undefined));
  wss.on('error', (err) => reply({ type: 'error', message: err.message }));
  wss.on('listening', () => {
    const address = wss.address();
    if (!address || typeof address !== 'object') throw new Error('no address');
    reply({ url: `ws://127.0.0.1:${address.port}` });
  });
  process.on('message', (raw: unknown) => {
    const cmd = raw as FloorCmd;
    if (cmd.cmd === 'send') {
      const frame = floorFrame(cmd.seq, cmd.bytes);
      const sentAt = mono();
      for (const ws of wss.clients) ws.send(frame);
      reply({ type: 'sent', sentAt, loopMs: mono() - sentAt, clients: wss.clients.size });
    } else if (cmd.cmd === 'exit') {
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** A JSON frame of exactly `bytes` bytes (at least its skeleton's) carrying the sequence number. */
function floorFrame(seq: number, bytes: number): string {
  const skeleton = JSON.stringify({ op: 'event', seq, pad: '' });
  return JSON.stringify({ op: 'event', seq, pad: 'x'.repeat(Math.max(0, bytes - skeleton.length)) });
}

// ---------------------------------------------------------------------------------------------
// What a bench started, and its cleanup

/** PostgreSQL schemas a bench made (dropped at the end, also on failure or Ctrl-C). */
export const schemas = new Set<string>();
/** Temp folders a bench made (removed at exit). */
export const dirs = new Set<string>();

/** Synchronous last resort (process exit): SIGKILL whatever is still running, remove temp folders. */
function killAll(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

export async function dropSchemas(): Promise<void> {
  if (schemas.size === 0) return;
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: pgUrl() });
  try {
    await admin.connect();
    for (const schema of [...schemas]) {
      await admin.query(`drop schema if exists "${schema}" cascade`);
      schemas.delete(schema);
    }
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** A fresh schema (dropped at the end) and the DATABASE_URL of an API process using it. */
export async function freshSchema(prefix: string): Promise<{ schema: string; url: string }> {
  const pg = (await import('pg')).default;
  const schema = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: pgUrl() });
  await admin.connect();
  try {
    await admin.query(`create schema "${schema}"`);
    schemas.add(schema);
  } finally {
    await admin.end();
  }
  return { schema, url: `${pgUrl()}${pgUrl().includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` };
}

/**
 * The bench's entry: in a client or floor-server process (`--as-client`, `--as-floor-server`,
 * forked by the pool) runs that role; else runs `main` and, at its end, on failure or Ctrl-C,
 * drops the schemas, kills the processes and removes the folders it made.
 */
export function runBench(main: () => Promise<void>): void {
  process.on('exit', killAll);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping\n`);
    void dropSchemas()
      .catch(() => undefined)
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  main()
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    })
    .finally(async () => {
      await dropSchemas().catch((err: unknown) => process.stderr.write(`could not drop ${[...schemas].join(', ')}: ${String(err)}\n`));
      killAll();
      process.exit();
    });
}

/** This file in another role (`--as-client`, `--as-floor-server`), with an IPC channel to the bench. */
function forkRole(role: string): ChildProcess {
  const [cmd, args] = raisedFileLimit([process.execPath, ...process.execArgv, __filename, role]);
  return track(spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
}

// ---------------------------------------------------------------------------------------------
// Process readers

/** CPU time a process has used so far (ms, user + system); 0 once it is gone. */
export function cpuMs(pid: number): number {
  return procCpuMs(String(pid)) ?? 0;
}

/** VmRSS of a process in KB. */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/** The process's open-file limits (soft, hard) and how many files it has open now. */
export function fileUse(pid: number): { limit: number; hard: number; open: number } {
  const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  const num = (v: string | undefined) => (v && v !== 'unlimited' ? Number(v) : Infinity);
  return { limit: num(m?.[1]), hard: num(m?.[2]), open: readdirSync(`/proc/${pid}/fd`).length };
}

/** Waits until RSS stops moving (two reads 300 ms apart within 1 %), at most 3 s; answers the last read. */
export async function settledRss(pid: number): Promise<number> {
  let last = rssKb(pid);
  for (let i = 0; i < 10; i++) {
    await sleep(300);
    const now = rssKb(pid);
    if (Math.abs(now - last) <= last * 0.01) return now;
    last = now;
  }
  return last;
}

/** wall (Date.now) = mono() + offset, measured at a tick of Date.now(), so to a few µs. */
function wallOffset(): number {
  const d0 = Date.now();
  let d: number;
  let m: number;
  do {
    m = mono();
    d = Date.now();
  } while (d === d0);
  return d - m;
}

/** Files a server process keeps for its own use besides the sockets (database, WAL, pool, requests in flight). */
export const RESERVED_FILES = 250;

/**
 * What the API processes a bench starts need beyond their defaults: a fixed TOKEN_SECRET (the
 * bench issues tokens), no demo shop, and a realtime connection cap that is the open-file limit
 * the bench's processes get, less RESERVED_FILES (the sockets a process can hold; the default
 * cap of 10,000 would refuse the rest).
 */
export function socketEnv(): Record<string, string> {
  const { hard, limit } = fileUse(process.pid);
  const files = Number.isFinite(hard) ? hard : limit;
  return { REALTIME_MAX_CONNECTIONS: String(Number.isFinite(files) ? Math.max(1, files - RESERVED_FILES) : 1_000_000) };
}

// ---------------------------------------------------------------------------------------------
// The client processes, seen from the bench

export interface Connected {
  live: number;
  errors: string[];
  ms: number;
  perProc: Map<ChildProcess, number>;
  /** Which URL each process connected to (process i: urls[i % urls.length]). */
  urlOf: Map<ChildProcess, string>;
}

export class ClientPool {
  private readonly waiters = new Set<(msg: ClientMsg, from: ChildProcess) => void>();

  private constructor(readonly procs: ChildProcess[]) {
    for (const p of procs) p.on('message', (msg: unknown) => this.waiters.forEach((w) => w(msg as ClientMsg, p)));
  }

  static async start(count: number): Promise<ClientPool> {
    const procs = Array.from({ length: count }, () => forkRole('--as-client'));
    const pool = new ClientPool(procs);
    await pool.fromEach((m) => m.type === 'started', 60_000, 'client start');
    return pool;
  }

  /** Resolves with one matching message from every process (of `only`, default all). */
  private fromEach<T extends ClientMsg>(match: (m: ClientMsg) => boolean, timeoutMs: number, what: string, only: ChildProcess[] = this.procs): Promise<Map<ChildProcess, T>> {
    return new Promise((resolve, reject) => {
      const got = new Map<ChildProcess, T>();
      const done = () => {
        this.waiters.delete(waiter);
        clearTimeout(timer);
      };
      const waiter = (msg: ClientMsg, from: ChildProcess) => {
        if (!only.includes(from) || got.has(from) || !match(msg)) return;
        got.set(from, msg as T);
        if (got.size === only.length) {
          done();
          resolve(got);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: ${got.size} of ${only.length} client processes answered within ${timeoutMs} ms`));
      }, timeoutMs);
      for (const p of only) if (p.exitCode !== null) return reject(new Error(`a client process exited (${p.exitCode})`));
      this.waiters.add(waiter);
    });
  }

  private send(p: ChildProcess, cmd: ClientCmd): void {
    p.send(cmd);
  }

  /**
   * Spreads `total` sockets evenly over the processes, process i connecting to urls[i % urls.length]
   * (one URL: all to it); answers how many went live and why others failed.
   */
  async connect(urls: string | string[], total: number, inFlight: number, auth?: SocketAuth): Promise<Connected> {
    const list = Array.isArray(urls) ? urls : [urls];
    const got = this.fromEach<Extract<ClientMsg, { type: 'connected' }>>((m) => m.type === 'connected', 30 * 60_000, 'connect');
    const urlOf = new Map<ChildProcess, string>();
    this.procs.forEach((p, i) => {
      const count = Math.floor(total / this.procs.length) + (i < total % this.procs.length ? 1 : 0);
      urlOf.set(p, list[i % list.length]);
      this.send(p, { cmd: 'connect', url: list[i % list.length], count, inFlight, localAddress: `127.0.0.${11 + i}`, auth });
    });
    const answers = await got;
    const perProc = new Map([...answers].map(([p, m]) => [p, m.live]));
    const errors = new Map<string, number>();
    for (const m of answers.values()) for (const [message, count] of m.errors) errors.set(message, (errors.get(message) ?? 0) + count);
    return {
      live: [...answers.values()].reduce((n, m) => n + m.live, 0),
      errors: [...errors].map(([message, count]) => `${count} x ${message}`),
      ms: Math.max(...[...answers.values()].map((m) => m.ms)),
      perProc,
      urlOf,
    };
  }

  /** Resolves when every process with live sockets has the frame `key` on all of them, or after timeoutMs (then: false). */
  waitAll(key: string, holders: ChildProcess[], timeoutMs: number): { done: Promise<boolean> } {
    return {
      done: this.fromEach((m) => m.type === 'all' && m.key === key, timeoutMs, `event ${key}`, holders).then(
        () => true,
        () => false,
      ),
    };
  }

  async collect(key: string): Promise<{ times: number[]; bytes: number; byProc: Map<ChildProcess, number[]> }> {
    const waiting = this.fromEach<Extract<ClientMsg, { type: 'arrivals' }>>((m) => m.type === 'arrivals' && m.key === key, 60_000, 'collect');
    for (const p of this.procs) this.send(p, { cmd: 'collect', key });
    const got = await waiting;
    const answers = [...got.values()];
    return { times: answers.flatMap((a) => a.times), bytes: Math.max(...answers.map((a) => a.bytes)), byProc: new Map([...got].map(([p, a]) => [p, a.times])) };
  }

  /** The volatile frames each process received since the last call. */
  async stats(): Promise<Map<ChildProcess, VolatileSeen>> {
    const got = this.fromEach<Extract<ClientMsg, { type: 'stats' }>>((m) => m.type === 'stats', 60_000, 'stats');
    for (const p of this.procs) this.send(p, { cmd: 'stats' });
    return new Map([...(await got)].map(([p, m]) => [p, m.stats]));
  }

  /** CPU the client processes have used so far (ms). */
  cpuMs(): number {
    return this.procs.reduce((sum, p) => sum + cpuMs(p.pid!), 0);
  }

  quiet(on: boolean): void {
    for (const p of this.procs) this.send(p, { cmd: 'quiet', on });
  }

  async closeAll(): Promise<void> {
    const got = this.fromEach((m) => m.type === 'closed', 120_000, 'close');
    for (const p of this.procs) this.send(p, { cmd: 'close' });
    await got;
  }

  async exit(): Promise<void> {
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            p.once('exit', () => resolve());
            this.send(p, { cmd: 'exit' });
          }),
      ),
    );
  }
}

/** Client processes for sizes up to `largest` within each one's open-file limit: at least `wanted`. */
export function clientProcsFor(largest: number, wanted: number): { procs: number; fileLimit: number } {
  const files = fileUse(process.pid);
  const fileLimit = Number.isFinite(files.hard) ? files.hard : files.limit;
  return { procs: Math.max(wanted, Math.ceil(largest / Math.max(1, fileLimit - 200))), fileLimit };
}

// ---------------------------------------------------------------------------------------------
// Measuring one kind at one N

export interface Row {
  kind: string;
  n: number;
  /** Sockets live after connecting. */
  live: number;
  /** Per measured event: how many sockets got it. */
  received: number[];
  latencies: number[];
  fromRequest: number[];
  /** The app across nodes: latencies of the sockets of each node (by the node's name). */
  byNode: Map<string, number[]>;
  rssBeforeKb: number;
  rssAfterKb: number;
  connectMs: number;
  /** CPU used over the measured events (from just before the event is produced until every socket has it): the server(s) with the sockets, the client processes. */
  cpu: { serverMs: number; clientsMs: number };
  note: string;
  /** Why fewer sockets than asked for were connected (the server's open-file limit). */
  capped?: string;
  failed?: string;
}

export function newRow(kind: string, n: number): Row {
  return { kind, n, live: 0, received: [], latencies: [], fromRequest: [], byNode: new Map(), rssBeforeKb: 0, rssAfterKb: 0, connectMs: 0, cpu: { serverMs: 0, clientsMs: 0 }, note: '' };
}

export interface Options {
  sizes: number[];
  events: number;
  kinds: string[];
  clientProcs: number;
  inFlight: number;
  timeoutMs: number;
  /** Connect at most what fits a server process's open-file limit (default); --no-cap tries all N. */
  cap: boolean;
}

/** What the app runs of a kind: where the sockets go, how an event is produced, where created_at is read. */
export interface AppTarget {
  /** The sockets are spread evenly over these nodes (client process i on node i % length). */
  socketsOn: ApiNode[];
  db: Db;
  /** The socket's auth: a token, or null for a guest. */
  token: string | null;
  topic: string;
  /** Produces the next versioned message on the topic; answers mono() when its request returned. */
  produce(): Promise<number>;
  /** Runs once every socket is live, before the events (checks of the app's state). */
  whileConnected?(row: Row, connected: Connected): Promise<void>;
}

/** The topic's version now (0 before its first message). */
async function topicVersion(db: Db, topic: string): Promise<number> {
  const row = await db.selectFrom('realtime_messages').select(sql<number>`max(version)`.as('v')).where('topic', '=', topic).executeTakeFirst();
  return Number(row?.v ?? 0);
}

async function createdAt(db: Db, topic: string, version: number, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await db.selectFrom('realtime_messages').select('created_at').where('topic', '=', topic).where('version', '=', version).executeTakeFirst();
    if (row) return Number(row.created_at);
    if (Date.now() > deadline) return null;
    await sleep(20);
  }
}

/** How many of the N sockets the server processes can hold (split evenly): all, or (capped) their open-file limit less RESERVED_FILES each. */
function socketsThatFit(pids: number[], n: number, opt: Options, row: Row): number {
  const per = Math.ceil(n / pids.length);
  const uses = pids.map(fileUse);
  const { limit, hard, open } = uses.reduce((a, b) => (b.limit < a.limit ? b : a));
  if (per + RESERVED_FILES <= limit) return n;
  const why = `a server process may open ${limit} files (ulimit -n; hard limit ${hard})`;
  if (!opt.cap) {
    process.stderr.write(`  N=${n}: ${why} and holds ${open} of its own: not all sockets can fit (--no-cap: trying all of them)\n`);
    return n;
  }
  const fit = Math.max(0, limit - RESERVED_FILES) * pids.length;
  row.n = fit;
  row.capped = `capped from ${n} to ${fit}: ${why}, ${RESERVED_FILES} kept for its own files (it holds ${open} before the sockets)`;
  process.stderr.write(`  N=${n} ${row.capped}\n`);
  return fit;
}

function failedWith(row: Row, err: unknown): Row {
  row.failed = err instanceof Error ? err.message : String(err);
  process.stderr.write(`  ${row.kind}, N=${row.n} failed: ${row.failed}\n`);
  return row;
}

/** The app's frame size last seen (the floor sends frames of this size). */
let frameBytes = 0;

/**
 * N sockets on the app (spread over target.socketsOn), then 1 warm-up and opt.events measured
 * events, each from its message's created_at and from the producing request's return to its
 * arrival at every socket. RSS: the nodes holding the sockets, before (after one event with
 * nobody listening, so the relay, the sink and the bus ran once) and after connecting.
 */
export async function measureApp(kind: string, n: number, opt: Options, pool: ClientPool, target: AppTarget): Promise<Row> {
  const row = newRow(kind, n);
  const nodes = target.socketsOn;
  const pids = nodes.map((node) => node.pid);
  const warm = (await topicVersion(target.db, target.topic)) + 1;
  await target.produce();
  if ((await createdAt(target.db, target.topic, warm, 30_000)) === null) throw new Error('the warm-up message was never stored');
  for (const pid of pids) row.rssBeforeKb += await settledRss(pid);
  n = socketsThatFit(pids, n, opt, row);
  try {
    const connected = await pool.connect(
      nodes.map((node) => node.wsUrl),
      n,
      opt.inFlight,
      { token: target.token, topic: target.topic },
    );
    row.live = connected.live;
    row.connectMs = connected.ms;
    if (connected.errors.length > 0) row.note = `${n - connected.live} sockets failed: ${connected.errors.slice(0, 3).join('; ')}`;
    for (const node of nodes) if (!node.running) throw new Error(`the API process (${node.name}) exited while the sockets connected:\n${node.logTail(15)}`);
    for (const pid of pids) row.rssAfterKb += await settledRss(pid);
    if (connected.live === 0) return row;
    await target.whileConnected?.(row, connected);
    await appEvents(row, n, opt, pool, target, connected);
  } catch (err) {
    return failedWith(row, err);
  }
  return row;
}

async function appEvents(row: Row, n: number, opt: Options, pool: ClientPool, target: AppTarget, connected: Connected): Promise<void> {
  const { kind } = row;
  const nodes = target.socketsOn;
  const holders = [...connected.perProc].filter(([, live]) => live > 0).map(([p]) => p);
  const nodeOf = (p: ChildProcess) => nodes.find((node) => node.wsUrl === connected.urlOf.get(p))?.name ?? '?';
  const serverCpu = () => nodes.reduce((sum, node) => sum + cpuMs(node.pid), 0);
  for (let i = 0; i <= opt.events; i++) {
    const version = (await topicVersion(target.db, target.topic)) + 1;
    const key = String(version);
    pool.quiet(true);
    const all = pool.waitAll(key, holders, opt.timeoutMs);
    const cpuBefore = { server: serverCpu(), clients: pool.cpuMs() };
    const returnedAt = await target.produce();
    const complete = await all.done;
    if (i > 0) {
      row.cpu.serverMs += serverCpu() - cpuBefore.server;
      row.cpu.clientsMs += pool.cpuMs() - cpuBefore.clients;
    }
    const offset = wallOffset();
    const created = await createdAt(target.db, target.topic, version, 5000);
    const { times, bytes, byProc } = await pool.collect(key);
    pool.quiet(false);
    if (i === 0) {
      frameBytes = bytes || frameBytes;
      continue; // warm-up
    }
    if (created === null) throw new Error(`message ${key} not stored`);
    const createdMono = created - offset;
    row.received.push(times.length);
    for (const t of times) row.latencies.push(t - createdMono);
    for (const t of times) row.fromRequest.push(t - returnedAt);
    if (nodes.length > 1) {
      for (const [p, list] of byProc) {
        const name = nodeOf(p);
        const into = row.byNode.get(name) ?? [];
        for (const t of list) into.push(t - createdMono);
        row.byNode.set(name, into);
      }
    }
    process.stderr.write(`    ${kind} N=${n} event ${i}: ${times.length}/${n}${complete ? '' : ' (timed out)'}, created_at -> arrival p50 ${fmt(pct(times.map((t) => t - createdMono), 0.5))} max ${fmt(Math.max(...times.map((t) => t - createdMono)))} ms\n`);
    for (const node of nodes) if (!node.running) throw new Error(`the API process (${node.name}) exited:\n${node.logTail(15)}`);
    await sleep(300);
  }
}

/**
 * The floor: a bare `ws` WebSocketServer with no application logic; the same N clients connect
 * (no auth, no subscription), and the server sends one JSON frame of the size the app's frames
 * had to all of them in one loop; latency from the start of that loop to the arrival.
 */
export async function floor(n: number, opt: Options, pool: ClientPool): Promise<Row> {
  const row = newRow('floor (bare ws)', n);
  const child = forkRole('--as-floor-server');
  const messages: FloorMsg[] = [];
  const waiters = new Set<() => void>();
  child.on('message', (m: unknown) => {
    messages.push(m as FloorMsg);
    waiters.forEach((w) => w());
  });
  const next = <T extends FloorMsg>(match: (m: FloorMsg) => boolean, timeoutMs = 60_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const look = () => {
        const i = messages.findIndex(match);
        if (i < 0) return;
        const [m] = messages.splice(i, 1);
        waiters.delete(look);
        clearTimeout(timer);
        resolve(m as T);
      };
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error('the floor server did not answer'));
      }, timeoutMs);
      waiters.add(look);
      look();
    });
  try {
    const { url } = await next<{ url: string }>((m) => 'url' in m);
    row.rssBeforeKb = await settledRss(child.pid!);
    n = socketsThatFit([child.pid!], n, opt, row);
    const connected = await pool.connect(url, n, opt.inFlight);
    row.live = connected.live;
    row.connectMs = connected.ms;
    if (connected.errors.length > 0) row.note = `${n - connected.live} sockets failed: ${connected.errors.slice(0, 3).join('; ')}`;
    row.rssAfterKb = await settledRss(child.pid!);
    const holders = [...connected.perProc].filter(([, live]) => live > 0).map(([p]) => p);
    const bytes = frameBytes || 180;
    const loops: number[] = [];
    for (let seq = 0; seq <= opt.events; seq++) {
      const key = String(seq);
      const all = pool.waitAll(key, holders, opt.timeoutMs);
      const cpuBefore = { server: cpuMs(child.pid!), clients: pool.cpuMs() };
      child.send({ cmd: 'send', seq, bytes } satisfies FloorCmd);
      const sent = await next<Extract<FloorMsg, { type: 'sent' }>>((m) => 'type' in m && m.type === 'sent');
      const complete = await all.done;
      if (seq > 0) {
        row.cpu.serverMs += cpuMs(child.pid!) - cpuBefore.server;
        row.cpu.clientsMs += pool.cpuMs() - cpuBefore.clients;
      }
      const { times } = await pool.collect(key);
      if (seq === 0) continue; // warm-up
      loops.push(sent.loopMs);
      row.received.push(times.length);
      for (const t of times) row.latencies.push(t - sent.sentAt);
      process.stderr.write(`    floor N=${n} send ${seq}: ${times.length}/${n}${complete ? '' : ' (timed out)'}, p50 ${fmt(pct(times.map((t) => t - sent.sentAt), 0.5))} max ${fmt(Math.max(...times.map((t) => t - sent.sentAt)))} ms; send loop ${fmt(sent.loopMs)} ms\n`);
      await sleep(300);
    }
    row.note = [row.note, `${bytes}-byte frames; the server's send loop ${fmt(pct(loops, 0.5))} ms (median)`].filter(Boolean).join('; ');
    const errors = messages.filter((m): m is Extract<FloorMsg, { type: 'error' }> => 'type' in m && m.type === 'error');
    if (errors.length > 0) row.note += `; server errors: ${errors.map((e) => e.message).join(', ')}`;
    return row;
  } catch (err) {
    return failedWith(row, err);
  } finally {
    await pool.closeAll().catch(() => undefined);
    if (child.exitCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.send({ cmd: 'exit' } satisfies FloorCmd);
      await Promise.race([gone, sleep(5000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Figures, the table and the options

export function pct(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

export function load(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** One markdown table per N: received, p50/p99/max, RSS per socket and the detail column (`words`: what a socket is called). */
export function printTable(n: number, rows: Row[], opt: Options, words: { socket: string; subscribed: string } = { socket: 'connection', subscribed: 'connected and subscribed' }): void {
  const out: string[] = [];
  out.push('', `N = ${n} (${opt.events} event${opt.events === 1 ? '' : 's'} per kind after 1 warm-up; load average ${load()})`);
  const capped = rows.find((r) => r.capped)?.capped;
  if (capped) out.push(`Sockets ${capped.replace(/ \(it holds.*\)$/, '')}.`);
  out.push('', `| node kind | received/N | p50 ms | p99 ms | max ms | RSS per ${words.socket} KB | detail |`, '| --- | --- | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    const minReceived = Math.min(...r.received);
    const received =
      r.received.length === 0 ? `-/${r.n}` : `${minReceived}/${r.n}${Math.max(...r.received) !== minReceived ? ` (up to ${Math.max(...r.received)})` : ''}`;
    const perConn = r.live > 0 && r.rssAfterKb > 0 ? ((r.rssAfterKb - r.rssBeforeKb) / r.live).toFixed(1) : '-';
    const detail = [
      r.connectMs > 0 ? `${r.live} ${r.kind.startsWith('floor') ? 'connected' : words.subscribed} in ${(r.connectMs / 1000).toFixed(1)} s` : '',
      r.rssAfterKb > 0 ? `RSS ${(r.rssBeforeKb / 1024).toFixed(0)} -> ${(r.rssAfterKb / 1024).toFixed(0)} MB` : '',
      r.fromRequest.length > 0 ? `from the request's return p50 ${fmt(pct(r.fromRequest, 0.5))}, p99 ${fmt(pct(r.fromRequest, 0.99))}, max ${fmt(Math.max(...r.fromRequest))} ms` : '',
      ...[...r.byNode].map(([name, list]) => `sockets on ${name}: p50 ${fmt(pct(list, 0.5))}, p99 ${fmt(pct(list, 0.99))} ms`),
      r.received.length > 0 ? `CPU per event: server ${fmt(r.cpu.serverMs / r.received.length)} ms, clients ${fmt(r.cpu.clientsMs / r.received.length)} ms` : '',
      r.note,
      r.failed ? `failed: ${r.failed.split('\n')[0]}` : '',
    ].filter(Boolean);
    const max = r.latencies.length > 0 ? Math.max(...r.latencies) : NaN;
    out.push(`| ${r.kind} | ${received} | ${fmt(pct(r.latencies, 0.5))} | ${fmt(pct(r.latencies, 0.99))} | ${fmt(max)} | ${perConn} | ${detail.join('; ')} |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** `--sizes`, `--events`, `--kinds` (of `kinds`), `--client-procs`, `--in-flight`, `--timeout` (s), `--no-cap`. */
export function parseOptions(argv: string[], kinds: string[]): Options {
  const get = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
  };
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const opt: Options = {
    sizes: list(get('sizes', '1000,5000,20000')).map(Number),
    events: Number(get('events', '5')),
    kinds: list(get('kinds', kinds.join(','))),
    clientProcs: Number(get('client-procs', '4')),
    inFlight: Number(get('in-flight', '32')),
    timeoutMs: Number(get('timeout', '60')) * 1000,
    cap: !argv.includes('--no-cap'),
  };
  if (opt.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes: whole numbers >= 1, comma-separated');
  for (const k of opt.kinds) if (!kinds.includes(k)) throw new Error(`--kinds: ${kinds.join(', ')} (not ${k})`);
  return opt;
}

/**
 * Per N, each kind of `kinds` that the options name, on one pool of client processes; a kind that
 * throws is a failed row. The floor first in each table.
 */
export async function runSizes(opt: Options, pool: ClientPool, kinds: [string, string, (n: number) => Promise<Row>][], words?: Parameters<typeof printTable>[3]): Promise<void> {
  for (const n of opt.sizes) {
    const rows: Row[] = [];
    for (const [key, kind, run] of kinds) {
      if (!opt.kinds.includes(key)) continue;
      process.stderr.write(`  N=${n}: ${kind} (load average ${load()})\n`);
      try {
        rows.push(await run(n));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`  N=${n}, ${kind} failed: ${message}\n`);
        rows.push({ ...newRow(kind, n), failed: message });
      }
    }
    rows.sort((a, b) => Number(b.kind.startsWith('floor')) - Number(a.kind.startsWith('floor')));
    printTable(n, rows, opt, words);
  }
}

if (require.main === module) {
  const mode = process.argv[2];
  if (mode === '--as-client') runClient();
  else if (mode === '--as-floor-server') runFloorServer();
  else throw new Error('bench/sockets.ts runs as --as-client or --as-floor-server (forked by bench:realtime and bench:live)');
}
