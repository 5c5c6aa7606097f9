#!/usr/bin/env node
// `npm run test:e2e`: the H5 production build in Debian's Chromium against the real server.
// Checks the prerequisites with a clear message, then runs the jest suites in e2e/ one at a
// time. Extra arguments go to jest (e.g. `npm run test:e2e -- shopping`).
// Screenshots, browser logs and the server log land in artifacts/e2e/.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const problems = [];

const h5Dir = process.env.E2E_STATIC_DIR ? path.resolve(process.env.E2E_STATIC_DIR) : path.join(root, 'dist', 'h5');
const indexHtml = path.join(h5Dir, 'index.html');
if (!existsSync(indexHtml)) {
  problems.push(`the H5 build is missing (${path.relative(root, indexHtml)}): run \`TARO_APP_API_BASE= npm run build:h5\` first`);
}
if (!existsSync(path.join(root, 'server', 'main.ts'))) problems.push('server/main.ts is missing: there is no API to test against');

function findChromium() {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return process.env.CHROMIUM_PATH;
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
    if (found) return found;
  } catch {
    // not on the PATH
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}
const chromiumPath = findChromium();
if (!chromiumPath) problems.push("Debian's chromium is missing: `apt-get install -y chromium` (never `playwright install`), or set CHROMIUM_PATH");

try {
  require.resolve('playwright-core');
} catch {
  problems.push('playwright-core is not installed: run `npm ci`');
}

if (problems.length) {
  console.error('e2e: cannot run the browser tests:');
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}

// Screenshots of a Chinese UI need a CJK font; without one every character is a box.
try {
  const zh = execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' }).trim();
  if (!zh) console.warn('e2e: warning: no Chinese font installed, screenshots will show boxes (apt-get install -y fonts-wqy-zenhei)');
} catch {
  // no fontconfig: nothing to check
}

const artifacts = path.join(root, 'artifacts', 'e2e');
rmSync(artifacts, { recursive: true, force: true });
mkdirSync(artifacts, { recursive: true });
console.log(`e2e: chromium ${chromiumPath}; artifacts in ${path.relative(root, artifacts)}/`);

const jestBin = require.resolve('jest/bin/jest');
const args = [jestBin, '--config', path.join('e2e', 'jest.config.js'), '--runInBand', ...process.argv.slice(2)];
if (process.env.CI) args.push('--ci');
const child = spawn(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, CHROMIUM_PATH: chromiumPath, NODE_ENV: 'test' },
});
const forward = (signal) => () => child.kill(signal);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
child.on('exit', (code, signal) => {
  if (code !== 0) console.error(`e2e: failed; see screenshots and logs in ${path.relative(root, artifacts)}/ (server.log, <scenario>/console.log)`);
  process.exit(code ?? (signal ? 1 : 0));
});
