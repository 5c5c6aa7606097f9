/**
 * What the benchmarks share: the typed part of autocannon's API, and the CPU readers (a child
 * process's own, over IPC; any process's, from /proc).
 */
import { fork, spawnSync, type ChildProcess, type ForkOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The part of autocannon's programmatic API used here (it ships no type declarations). */
export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest | null;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
export interface AutocannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  timeout?: number;
  requests?: AutocannonRequest[];
}
export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
export type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult>;

export const autocannon = createRequire(path.join(process.cwd(), 'package.json'))('autocannon') as Autocannon;

export const CLOCK_TICKS = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(out.stdout?.trim()) || 100;
})();

/** Fields 3.. of /proc/<pid>/stat (after the command name), or null once the process is gone. */
export function procStat(pid: string): { comm: string; fields: string[] } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited meanwhile
  }
  const close = stat.lastIndexOf(')');
  return { comm: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** CPU time of one process so far (ms, user + system; fields 14 and 15 of stat), null once it is gone. */
export function procCpuMs(pid: string): number | null {
  const s = procStat(pid);
  return s ? ((Number(s.fields[11]) + Number(s.fields[12])) * 1000) / CLOCK_TICKS : null;
}

/** CPU time a forked child has used so far (ms, user + system): it answers the message 'cpu' with { cpuMs }. */
export function childCpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (msg: unknown) => {
      if (msg && typeof msg === 'object' && 'cpuMs' in msg && typeof msg.cpuMs === 'number') {
        child.off('message', onMessage);
        resolve(msg.cpuMs);
      }
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
}

/** The PostgreSQL server processes running on this machine now (pid and CPU ms so far); none without /proc. */
export function postgresProcesses(): { pid: string; cpuMs: number }[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const out: { pid: string; cpuMs: number }[] = [];
  for (const pid of pids) {
    const s = procStat(pid);
    if (!s || !s.comm.startsWith('postgres')) continue;
    out.push({ pid, cpuMs: ((Number(s.fields[11]) + Number(s.fields[12])) * 1000) / CLOCK_TICKS });
  }
  return out;
}

/** Forks `file` with `args` and resolves once the child sends { url } (a server it started). */
export function forkServer(
  file: string,
  args: string[],
  options: Pick<ForkOptions, 'execArgv' | 'env'> & { onStdoutLine?: (line: string) => void } = {},
): Promise<{ child: ChildProcess; url: string }> {
  const stdout = options.onStdoutLine ? 'pipe' : 'inherit';
  const child = fork(file, args, { execArgv: options.execArgv ?? process.execArgv, env: options.env ?? process.env, stdio: ['ignore', stdout, 'inherit', 'ipc'] });
  if (options.onStdoutLine && child.stdout) {
    const onLine = options.onStdoutLine;
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') onLine(line);
    });
  }
  return new Promise((resolve, reject) => {
    child.once('message', (msg: unknown) => {
      const url = msg && typeof msg === 'object' && 'url' in msg && typeof msg.url === 'string' ? msg.url : null;
      if (url) resolve({ child, url });
      else reject(new Error(`unexpected message from the child: ${JSON.stringify(msg)}`));
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}
