/**
 * What the benchmarks share: the typed part of autocannon's API, and the CPU readers (a child
 * process's own, over IPC; any process's, from /proc).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
