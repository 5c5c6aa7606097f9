import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../app';
import { createDb } from '../db';
import type { Database } from '../db/types';
import { loadConfig, rebaseOnListen, type Config } from '../infra/config';
import type { ChannelRegistry } from '../channels/registry';
import type { PayoutRegistry } from '../channels/payout';
import { seedIfEmpty } from '../seed';
import type { WechatLiveGoods } from '../modules/live';
import { testDb, type TestDb } from './db';

export interface ApiResponse<T = unknown> {
  status: number;
  // Tests read arbitrary members of bodies; the body is whatever JSON the server answered.
  body: T;
  headers: Record<string, string>;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Raw payload (sent as is, e.g. malformed JSON); wins over body. */
  payload?: string | Buffer;
  token?: string | null;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: FastifyInstance;
  db: Kysely<Database>;
  config: Config;
  testDb: TestDb;
  request<T = Record<string, unknown>>(method: string, url: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  get<T = Record<string, unknown>>(url: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  post<T = Record<string, unknown>>(url: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  patch<T = Record<string, unknown>>(url: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  del<T = Record<string, unknown>>(url: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Logs in with a phone code read from the SMS stand-in (H5 flow) and returns the session token. */
  login(phone?: string): Promise<string>;
  /** Where the app listens (an ephemeral loopback port). */
  baseUrl: string;
  close(): Promise<void>;
}

/** Shared across test files so the development key pairs are generated once per machine. */
const TEST_DATA_DIR = path.join(os.tmpdir(), 'shop-test-data');

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', DATA_DIR: TEST_DATA_DIR, PORT: '0', LOG_LEVEL: 'warn', SANDBOX: 'on', ...env });
}

let phoneCounter = 0;
/** A distinct valid mainland mobile number per call (per process). */
export function uniquePhone(): string {
  phoneCounter += 1;
  const n = (process.pid % 1000) * 100000 + phoneCounter;
  return `139${String(n).padStart(8, '0').slice(-8)}`;
}

/** Listens on an ephemeral loopback port and answers the port. */
export async function listenOnLoopback(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no listening address');
  return address.port;
}

export interface TestNodes {
  tdb: TestDb;
  nodes: { app: FastifyInstance; base: string }[];
  close(): Promise<void>;
}

/**
 * Two API nodes on one fresh test database, each its own app with its own connection (pool),
 * as two processes behind a load balancer: for the tests proving every guard is in the database.
 */
export async function testNodes(): Promise<TestNodes> {
  // SQLite: both connections live in this one thread, so neither uses group commit (one's busy
  // wait would block the thread the other needs to commit its group; as separate processes,
  // nodes simply wait for each other).
  const tdb = await testDb({ sqliteGroupCommit: false });
  const secondDb =
    tdb.dialect === 'postgres'
      ? createDb({ dialect: 'postgres', databaseUrl: tdb.databaseUrl, sqlitePath: '' }, { pgSchema: tdb.schema ?? undefined })
      : createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: tdb.sqlitePath ?? '' });
  const nodes: TestNodes['nodes'] = [];
  for (const db of [tdb.db, secondDb]) {
    const app = await buildApp({ config: testConfig(), db, logger: false });
    nodes.push({ app, base: `http://127.0.0.1:${await listenOnLoopback(app)}` });
  }
  return {
    tdb,
    nodes,
    close: async () => {
      for (const n of nodes) await n.app.close();
      await secondDb.destroy();
      await tdb.destroy();
    },
  };
}

/**
 * The whole app on a fresh test database (see testDb), logger off, demo shop seeded unless
 * `seed: false`, listening on an ephemeral loopback port; requests go over real HTTP.
 */
export async function testApp(
  options: {
    seed?: boolean;
    env?: Record<string, string>;
    logger?: boolean;
    channels?: (config: Config) => ChannelRegistry;
    payouts?: (config: Config) => PayoutRegistry;
    liveWechat?: WechatLiveGoods | null;
  } = {},
): Promise<TestApp> {
  const tdb = await testDb();
  const config = testConfig(options.env);
  if (options.seed ?? true) await seedIfEmpty(tdb.db);
  const app = await buildApp({ config, db: tdb.db, logger: options.logger ?? false, channels: options.channels?.(config), payouts: options.payouts?.(config), liveWechat: options.liveWechat });
  await app.ready();

  // Real HTTP on an ephemeral loopback port (Fastify's inject pulls an ESM-only dependency
  // that jest cannot load; a socket is also closer to the truth).
  rebaseOnListen(config, await listenOnLoopback(app));
  const baseUrl = config.publicBaseUrl;

  const request = async <T,>(method: string, url: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
    let payload: string | Buffer | undefined = opts.payload;
    if (payload === undefined && opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl}${url}`, { method, headers, body: payload === undefined ? undefined : new Uint8Array(Buffer.from(payload)) });
    const text = await res.text();
    const resHeaders: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      resHeaders[key] = value;
    });
    let body: unknown = null;
    if (text.length > 0 && /json/.test(resHeaders['content-type'] ?? '')) body = JSON.parse(text);
    return { status: res.status, body: body as T, headers: resHeaders, text };
  };

  const login = async (phone = uniquePhone()): Promise<string> => {
    const otp = await request('POST', '/api/auth/otp', { body: { phone } });
    if (otp.status !== 200) throw new Error(`otp request failed: ${otp.status} ${otp.text}`);
    const sms = await request<{ code: string }>('GET', `/sandbox/sms/latest?phone=${phone}`);
    if (sms.status !== 200) throw new Error(`sandbox sms failed: ${sms.status} ${sms.text}`);
    const res = await request<{ token: string }>('POST', '/api/auth/login/phone', { body: { phone, code: sms.body.code } });
    if (res.status !== 200) throw new Error(`phone login failed: ${res.status} ${res.text}`);
    return res.body.token;
  };

  return {
    app,
    db: tdb.db,
    config,
    testDb: tdb,
    request,
    get: (url, opts) => request('GET', url, opts),
    post: (url, body, opts) => request('POST', url, { ...opts, body }),
    patch: (url, body, opts) => request('PATCH', url, { ...opts, body }),
    del: (url, opts) => request('DELETE', url, opts),
    login,
    baseUrl,
    close: async () => {
      await app.close();
      await tdb.destroy();
    },
  };
}
