import { spawnSync } from 'node:child_process';
import path from 'node:path';
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
