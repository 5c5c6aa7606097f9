#!/usr/bin/env node
/**
 * Mini-program smoke runs: every page of the compiled weapp, alipay and tt builds mounts in the
 * simulated host (smoke/). Reads the existing dist/<platform> folders; a missing folder fails
 * its tests with the command that makes it.
 *
 *   node scripts/smoke.mjs             run against dist/weapp, dist/alipay, dist/tt
 *   node scripts/smoke.mjs --build     build the three targets first (npm run build:<platform>)
 *   node scripts/smoke.mjs --report    also print the host's per-page report (requests, warnings)
 *
 * SMOKE_BUILD_WEAPP / SMOKE_BUILD_ALIPAY / SMOKE_BUILD_TT point the jest runs at builds made
 * elsewhere (TARO_OUTPUT_ROOT=/tmp/mp-weapp ...) instead of dist/<platform>. smoke/realtime.test.ts
 * starts the real API for the app's realtime socket, smoke/live-room.test.ts for a live room's
 * requests and socket (a host pins a product; the guest's room shows it by the push).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const platforms = ['weapp', 'alipay', 'tt'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

if (args.includes('--build')) {
  for (const p of platforms) {
    const started = Date.now();
    const res = spawnSync(npm, ['run', `build:${p}`], { cwd: root, stdio: 'inherit' });
    if (res.status !== 0) {
      console.error(`build:${p} failed (exit ${res.status})`);
      process.exit(res.status ?? 1);
    }
    console.log(`build:${p} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

if (args.includes('--report')) {
  for (const p of platforms) {
    spawnSync(bin('tsx'), [path.join(root, 'smoke', 'cli.ts'), path.join(root, 'dist', p), p, '--human'], {
      cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8',
    }).stdout?.split('\n').filter((l) => !l.startsWith('SMOKE_REPORT')).forEach((l) => l && console.log(l));
  }
}

const jest = spawnSync(bin('jest'), ['-c', path.join(root, 'smoke', 'jest.config.js'), ...args.filter((a) => !a.startsWith('--build') && a !== '--report')], {
  cwd: root, stdio: 'inherit',
});
process.exit(jest.status ?? 1);
