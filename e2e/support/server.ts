import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, H5_DIR, SERVER_LOG, ensureArtifactsDir } from './paths';
import { freePort } from '../../server/test/net';

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  port: number;
  dataDir: string;
  /** The last lines the server printed (for failure messages). */
  logTail(lines?: number): string;
  /** Stops the process (SIGTERM, then SIGKILL) and removes its data folder. Safe to call twice. */
  stop(): Promise<void>;
}


function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Starts the real API (server/main.ts through tsx) on a free loopback port with a fresh
 * temporary SQLite data folder and the H5 build as its static folder, and waits until
 * GET /healthz answers 200. Output is appended to artifacts/e2e/server.log.
 */
export async function startServer(label: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const mainTs = path.join(ROOT, 'server', 'main.ts');
  if (!existsSync(mainTs)) throw new Error(`server/main.ts does not exist yet: the API is not there to test against`);
  ensureArtifactsDir();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'shop-e2e-data-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  appendFileSync(SERVER_LOG, `\n===== ${new Date().toISOString()} ${label}: port ${port}, DATA_DIR ${dataDir}\n`);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    STATIC_DIR: H5_DIR,
    PUBLIC_BASE_URL: baseUrl,
    SANDBOX: 'on',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    ...extraEnv,
  };
  // Never let an outer PostgreSQL setting leak in: the e2e run is always on a fresh SQLite file.
  delete env.DATABASE_URL;
  delete env.TEST_DB;

  // `node --import tsx` keeps the server in this one process, so stopping it stops the server.
  const child = spawn(process.execPath, ['--import', 'tsx', mainTs], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    appendFileSync(SERVER_LOG, text);
    for (const line of text.split('\n')) if (line) tail.push(line);
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process dies without tearing down (a crash, process.exit), take the server with it.
  const killOnExit = () => {
    if (!exited(child)) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited(child)) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!exited(child)) child.kill('SIGKILL');
      }, 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    appendFileSync(SERVER_LOG, `===== ${label}: server stopped (exit ${child.exitCode ?? child.signalCode})\n`);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const logTail = (lines = 40) => tail.slice(-lines).join('\n');

  const deadline = Date.now() + 90_000;
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited(child)) {
      await stop();
      throw new Error(`the server exited during start-up (code ${child.exitCode ?? child.signalCode}). Last output:\n${logTail()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return { baseUrl, port, dataDir, logTail, stop };
      lastError = `GET /healthz answered ${res.status}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  await stop();
  throw new Error(`the server did not become healthy within 90 s (${lastError}). Last output:\n${logTail()}`);
}
