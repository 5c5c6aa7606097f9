import { fork, spawnSync } from 'node:child_process';
import path from 'node:path';
import type { DrivenCommand, DrivenState, DrivenWait } from './driven-host';
import type { SmokeReport } from './host';
import type { Platform } from './platform-api';

const repoRoot = path.resolve(__dirname, '..');

/**
 * The build folder the smoke runs use for a platform: SMOKE_BUILD_<PLATFORM> (e.g.
 * SMOKE_BUILD_WEAPP=/tmp/mp-weapp, a build made with TARO_OUTPUT_ROOT) or dist/<platform>.
 */
export function buildDirFor(platform: Platform): string {
  const fromEnv = process.env[`SMOKE_BUILD_${platform.toUpperCase()}`];
  return fromEnv ? path.resolve(fromEnv) : path.join(repoRoot, 'dist', platform);
}
const tsxBin = path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');

/**
 * Runs the simulated host over a build in a fresh Node process (smoke/cli.ts) and returns
 * its report. A fresh process per build keeps each run's globals and unhandled-rejection
 * events apart and keeps jest's module sandbox away from the compiled code.
 */
export function runHostProcess(
  buildDir: string,
  platform: Platform,
  opts: { signedIn?: boolean; realtime?: { target: string; session: { token: string; user: unknown; expiresAt: number | null } } } = {},
): SmokeReport {
  const flags = [...(opts.signedIn ? ['--signed-in'] : []), ...(opts.realtime ? [`--realtime=${opts.realtime.target}`] : [])];
  const res = spawnSync(tsxBin, [path.join(__dirname, 'cli.ts'), buildDir, platform, ...flags], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production', ...(opts.realtime ? { SMOKE_SESSION: JSON.stringify(opts.realtime.session) } : {}) },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  const line = (res.stdout ?? '').split('\n').find((l) => l.startsWith('SMOKE_REPORT '));
  if (res.status !== 0 || !line) {
    throw new Error(`smoke host exited with ${res.status ?? res.signal}: ${(res.stderr ?? '').trim() || (res.stdout ?? '').trim()}`);
  }
  return JSON.parse(line.slice('SMOKE_REPORT '.length)) as SmokeReport;
}

/** A build in the simulated host that the test drives step by step (smoke/driven-host.ts). */
export interface DrivenHost {
  launch(): Promise<DrivenState>;
  mount(route: string, query: Record<string, string>): Promise<DrivenState>;
  /** Until the page has (present) or lacks a node of the class whose text contains `text`. */
  waitForNode(q: { className: string; text?: string; present: boolean; timeoutMs: number }): Promise<DrivenWait>;
  /** Until one of the app's sockets received a frame with these fields. */
  waitForFrame(frame: Record<string, unknown>, timeoutMs: number): Promise<DrivenWait>;
  state(): Promise<DrivenState>;
  /** Unmounts the page and ends the host's process; the last state. */
  close(): Promise<DrivenState>;
  /** Ends the process at once (after a failure). */
  kill(): void;
}

/**
 * Forks smoke/driven-host.ts over a build: a fresh process per run (as runHostProcess), with an
 * IPC channel for the commands. `http` and `realtime` name a running API's origin for the
 * app's requests and its socket; `storage` what the host's storage holds before launch.
 */
export function openDrivenHost(
  buildDir: string,
  platform: Platform,
  opts: { http?: { target: string }; realtime?: { target: string }; storage?: Record<string, unknown> },
): DrivenHost {
  const child = fork(path.join(__dirname, 'driven-host.ts'), [buildDir, platform], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production', SMOKE_DRIVEN_OPTIONS: JSON.stringify(opts) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  child.stdout?.resume();
  let seq = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.result);
    else p?.reject(new Error(`driven host: ${m.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const p of pending.values()) p.reject(new Error(`driven host exited with ${code ?? signal}: ${stderr.trim()}`));
    pending.clear();
  });
  const send = <T>(cmd: DrivenCommand): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error(`driven host is not running: ${stderr.trim()}`));
        return;
      }
      const id = ++seq;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, cmd });
    });
  return {
    launch: () => send<DrivenState>({ op: 'launch' }),
    mount: (route, query) => send<DrivenState>({ op: 'mount', route, query }),
    waitForNode: (q) => send<DrivenWait>({ op: 'waitForNode', ...q }),
    waitForFrame: (frame, timeoutMs) => send<DrivenWait>({ op: 'waitForFrame', frame, timeoutMs }),
    state: () => send<DrivenState>({ op: 'state' }),
    close: () => send<DrivenState>({ op: 'close' }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
