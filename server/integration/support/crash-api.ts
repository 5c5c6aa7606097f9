import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The real API (server/main.ts through tsx) as a child process on a fixed loopback port, so
 * the channels' notifications and the shoppers' retries reach it again after every restart.
 * kill() is SIGKILL: no shutdown hook runs, whatever was in flight is cut off.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');

export interface ApiProcessOptions {
  port: number;
  env: Record<string, string>;
  /** Every line the API prints is appended here (read it when the test fails). */
  logFile: string;
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ApiProcess {
  readonly baseUrl: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private readonly tail: string[] = [];
  starts = 0;
  kills = 0;
  /** Wall time from spawn to a healthy answer, per start (ms). */
  readonly startTimes: number[] = [];

  constructor(private readonly opts: ApiProcessOptions) {
    this.baseUrl = `http://127.0.0.1:${opts.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  logTail(lines = 60): string {
    return this.tail.slice(-lines).join('\n');
  }

  /** Spawns the API and waits until GET /healthz answers 200 (the port may still be held briefly after a kill). */
  async start(): Promise<void> {
    if (this.running) throw new Error('the API is already running');
    const began = Date.now();
    this.starts += 1;
    appendFileSync(this.opts.logFile, `\n===== start #${this.starts} at ${new Date().toISOString()}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.opts.env, HOST: '127.0.0.1', PORT: String(this.opts.port), PUBLIC_BASE_URL: this.baseUrl };
    delete env.TEST_DB;
    if (!this.opts.env.DATABASE_URL) delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    // If the test process dies without tearing down, take the API with it.
    const killOnExit = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        process.removeListener('exit', killOnExit);
        resolve();
      }),
    );
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      appendFileSync(this.opts.logFile, text);
      for (const line of text.split('\n')) if (line) this.tail.push(line);
      if (this.tail.length > 300) this.tail.splice(0, this.tail.length - 300);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);

    const deadline = Date.now() + 60_000;
    let last = '';
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`the API exited during start-up (${child.exitCode ?? child.signalCode}):\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          this.startTimes.push(Date.now() - began);
          return;
        }
        last = `healthz ${res.status}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await sleep(100);
    }
    await this.kill();
    throw new Error(`the API did not become healthy within 60 s (${last}):\n${this.logTail()}`);
  }

  /** SIGKILL, then wait for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.kills += 1;
    appendFileSync(this.opts.logFile, `\n===== SIGKILL #${this.kills} at ${new Date().toISOString()}\n`);
    child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful stop at the end of the test (SIGTERM, SIGKILL after 5 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
