import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { SmokeReport } from './host';
import type { Platform } from './platform-api';

const repoRoot = path.resolve(__dirname, '..');
const tsxBin = path.join(repoRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');

/**
 * Runs the simulated host over a build in a fresh Node process (smoke/cli.ts) and returns
 * its report. A fresh process per build keeps each run's globals and unhandled-rejection
 * events apart and keeps jest's module sandbox away from the compiled code.
 */
export function runHostProcess(buildDir: string, platform: Platform, opts: { signedIn?: boolean } = {}): SmokeReport {
  const res = spawnSync(tsxBin, [path.join(__dirname, 'cli.ts'), buildDir, platform, ...(opts.signedIn ? ['--signed-in'] : [])], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  const line = (res.stdout ?? '').split('\n').find((l) => l.startsWith('SMOKE_REPORT '));
  if (res.status !== 0 || !line) {
    throw new Error(`smoke host exited with ${res.status ?? res.signal}: ${(res.stderr ?? '').trim() || (res.stdout ?? '').trim()}`);
  }
  return JSON.parse(line.slice('SMOKE_REPORT '.length)) as SmokeReport;
}
