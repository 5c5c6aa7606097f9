/**
 * API processes for the benchmarks that need the real server (server/main.ts through tsx, as
 * server/integration/support/crash-api.ts starts it): bench:realtime, bench:flash, bench:live.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Every child process a bench started (killed at exit). */
export const children = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function pgUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A command run through /bin/sh with its soft open-file limit raised to the hard limit (each
 * socket is a file); sh execs the command, so the pid is the command's.
 */
export function raisedFileLimit(argv: string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', ...argv]];
}

/**
 * The environment of a bench's API process: development with the sandbox, no demo shop, warnings
 * only, a DATA_DIR of its own under `dir`, the bench's TOKEN_SECRET (it issues the tokens), and
 * PostgreSQL when a URL is given (else SQLite in DATA_DIR).
 */
export function apiEnv(dir: string, name: string, tokenSecret: string, databaseUrl?: string): Record<string, string> {
  return {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    SANDBOX: 'on',
    SEED_DEMO: 'off',
    STATIC_DIR: path.join(dir, 'no-static'),
    DATA_DIR: path.join(dir, `data-${name}`),
    TOKEN_SECRET: tokenSecret,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

/** One API process (server/main.ts through tsx, as server/integration/support/crash-api.ts starts it). */
export class ApiNode {
  readonly baseUrl: string;
  private readonly tail: string[] = [];
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    port: number,
    private readonly logFile: string,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      appendFileSync(logFile, text);
      for (const line of text.split('\n')) if (line) this.tail.push(line);
      if (this.tail.length > 200) this.tail.splice(0, this.tail.length - 200);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get wsUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/api/realtime`;
  }

  logTail(lines = 30): string {
    return this.tail.slice(-lines).join('\n');
  }

  static async start(name: string, dir: string, env: Record<string, string>): Promise<ApiNode> {
    const port = await freePort();
    const full: NodeJS.ProcessEnv = { ...process.env, ...env, HOST: '127.0.0.1', PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` };
    for (const name of ['TEST_DB', 'NATS_URL', 'MERCHANT_WEBHOOK_URL']) delete full[name];
    if (!env.DATABASE_URL) delete full.DATABASE_URL;
    const [cmd, args] = raisedFileLimit([process.execPath, '--import', 'tsx', path.join(ROOT, 'server', 'main.ts')]);
    const child = track(spawn(cmd, args, { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] }));
    const node = new ApiNode(name, child, port, path.join(dir, `${name}.log`));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (!node.running) throw new Error(`API ${name} exited during start-up:\n${node.logTail()}`);
      try {
        const res = await fetch(`${node.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return node;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    await node.stop();
    throw new Error(`API ${name} not healthy within 90 s:\n${node.logTail()}`);
  }

  async post<T>(url: string, token: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-rt-${randomBytes(8).toString('hex')}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${await this.causeOf(text)}`);
    return JSON.parse(text) as T;
  }

  /** What the API logged for a failed request (its error, by request id), else the answer itself. */
  private async causeOf(answer: string): Promise<string> {
    let requestId = '';
    try {
      requestId = String((JSON.parse(answer) as { requestId?: string }).requestId ?? '');
    } catch {
      return answer.slice(0, 200);
    }
    await sleep(200);
    for (const line of this.tail) {
      if (!requestId || !line.includes(requestId)) continue;
      try {
        const entry = JSON.parse(line) as { err?: { type?: string; code?: string; message?: string } };
        if (entry.err) return `${entry.err.type ?? 'Error'}${entry.err.code ? ` ${entry.err.code}` : ''}: ${entry.err.message ?? ''}`;
      } catch {
        // not a log entry
      }
    }
    return answer.slice(0, 200);
  }

  /** SIGTERM (the app's graceful shutdown), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

