import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Session } from '../contract/identity';
import { routes, type RouteInput, type RouteName, type RouteOutput } from '../contract/routes';
import { freePort } from '../server/test/net';

/**
 * The real API for the smoke runs' realtime socket: server/main.ts on a free loopback port with
 * a fresh SQLite data folder (sandbox on), and a shopper logged in through the SMS sandbox. The
 * pages' HTTP requests stay canned; only the socket reaches this server.
 */
export interface SmokeApi {
  baseUrl: string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '..');
const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export async function startApi(): Promise<SmokeApi> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'shop-smoke-data-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    PUBLIC_BASE_URL: baseUrl,
    SANDBOX: 'on',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  delete env.TEST_DB;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server', 'main.ts')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line) tail.push(line);
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logTail = (lines = 30) => tail.slice(-lines).join('\n');
  const stop = async () => {
    if (!exited(child)) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => !exited(child) && child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited(child)) {
      await stop();
      throw new Error(`the API exited during start-up:\n${logTail()}`);
    }
    try {
      if ((await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return { baseUrl, logTail, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await stop();
  throw new Error(`the API did not become healthy within 90 s:\n${logTail()}`);
}

async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Logs a phone in through the API and the SMS sandbox: a session the server accepts. */
export async function loginShopper(baseUrl: string, phone: string): Promise<Session> {
  const post = (p: string, body: unknown) =>
    fetch(baseUrl + p, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `smoke-${Date.now()}-${Math.random()}` },
      body: JSON.stringify(body),
    }).then(json);
  await post(routes.requestOtp.path, { phone });
  let code: string | null = null;
  for (let i = 0; i < 100 && !code; i++) {
    const res = await fetch(`${baseUrl}/sandbox/sms/latest?phone=${encodeURIComponent(phone)}`);
    if (res.ok) code = /\b(\d{6})\b/.exec(await res.text())?.[1] ?? null;
    if (!code) await new Promise((r) => setTimeout(r, 100));
  }
  if (!code) throw new Error(`no one-time code for ${phone} in the SMS sandbox`);
  return (await post(routes.loginPhone.path, { phone, code })) as Session;
}

/**
 * A contract route called on the smoke API from the test process (method and path from the
 * route table; a write gets an idempotency key). Throws with the problem's body on a non-2xx.
 */
export async function callApi<N extends RouteName>(baseUrl: string, name: N, input: Partial<RouteInput<N>> = {}, token?: string): Promise<RouteOutput<N>> {
  const def = routes[name];
  const params = (input.params ?? {}) as Record<string, string>;
  let url = def.path.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(params[key] ?? ''));
  const query = input.query as Record<string, string | number | undefined> | undefined;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
  if ([...qs].length) url += `?${qs}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (def.method !== 'GET') headers['idempotency-key'] = `smoke-${Date.now()}-${Math.random()}`;
  if (input.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + url, { method: def.method, headers, body: input.body === undefined ? undefined : JSON.stringify(input.body), signal: AbortSignal.timeout(20_000) });
  return (await json(res)) as RouteOutput<N>;
}
