#!/usr/bin/env node
// `npm test`: everything that must pass, in order. Steps whose prerequisites failed are
// reported as skipped (and count as failures). The closing line is "steps: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const only = process.argv.slice(2); // e.g. `npm test -- lint jest` runs just those steps
const env = { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR };

const steps = [
  { name: 'generated', cmd: 'npm run -s gen:check' },
  { name: 'typecheck', cmd: 'npm run -s typecheck' },
  { name: 'lint', cmd: 'npm run -s lint' },
  { name: 'jest', title: 'unit, component and server tests on SQLite', cmd: 'npx jest --ci' },
  { name: 'jest-pg', title: 'server tests on PostgreSQL', cmd: 'npx jest --ci --selectProjects server', env: { TEST_DB: 'postgres' } },
  { name: 'build-weapp', cmd: 'npm run -s build:weapp' },
  { name: 'build-alipay', cmd: 'npm run -s build:alipay' },
  { name: 'build-tt', cmd: 'npm run -s build:tt' },
  // The H5 app is served by the API itself, so it talks to the same origin.
  { name: 'build-h5', cmd: 'npm run -s build:h5', env: { TARO_APP_API_BASE: '' } },
  { name: 'smoke', title: 'mini-program builds mounted in the simulated host', cmd: 'node scripts/smoke.mjs', needs: ['build-weapp', 'build-alipay', 'build-tt'] },
  { name: 'e2e', title: 'H5 build in Chromium against the real server', cmd: 'node e2e/run.mjs', needs: ['build-h5'] },
];

const results = new Map();
const started = Date.now();
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  const blocked = (step.needs ?? []).filter((n) => results.has(n) && results.get(n).status !== 'passed');
  if (blocked.length) {
    results.set(step.name, { status: 'skipped', seconds: 0, why: `needs ${blocked.join(', ')}` });
    console.log(`\n=== ${step.name}: skipped (needs ${blocked.join(', ')})`);
    continue;
  }
  console.log(`\n=== ${step.name}${step.title ? ` (${step.title})` : ''}: ${step.cmd}`);
  const t0 = Date.now();
  const r = spawnSync(step.cmd, { shell: true, stdio: 'inherit', env: { ...env, ...step.env } });
  const seconds = Math.round((Date.now() - t0) / 100) / 10;
  results.set(step.name, { status: r.status === 0 ? 'passed' : 'failed', seconds });
  console.log(`=== ${step.name}: ${r.status === 0 ? 'passed' : `FAILED (exit ${r.status ?? r.signal})`} in ${seconds}s`);
}

console.log('\nSummary');
for (const [name, r] of results) console.log(`  ${r.status.padEnd(7)} ${name.padEnd(14)} ${r.seconds}s${r.why ? `  (${r.why})` : ''}`);
const passed = [...results.values()].filter((r) => r.status === 'passed').length;
const failed = results.size - passed;
console.log(`  total ${Math.round((Date.now() - started) / 1000)}s${existsSync('artifacts') ? '; artifacts in artifacts/' : ''}`);
console.log(`steps: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
