#!/usr/bin/env node
// `npm start`: one command from a fresh clone to a running shop.
//   1. installs the locked dependencies when node_modules is missing (npm ci);
//   2. builds the H5 app (same-origin API) when dist/h5 is missing or older than its sources;
//   3. starts the API on embedded SQLite (the server creates, migrates and seeds the data
//      folder on first start) serving the H5 app at /, and prints the URLs.
// Node built-ins only, so it runs before anything is installed. Environment variables (PORT,
// HOST, DATA_DIR, DATABASE_URL, ...; see docs/configuration.md) pass through to the server.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';
const npm = isWindows ? 'npm.cmd' : 'npm';

const say = (msg) => console.log(`[start] ${msg}`);
const fail = (msg) => {
  console.error(`[start] ${msg}`);
  process.exit(1);
};

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 11)) fail(`Node ${process.versions.node} is too old: the shop needs Node 20.11 or newer.`);

/** Runs a command with its output streamed; exits this script when it fails. */
function run(cmd, args, env = process.env) {
  say(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, shell: isWindows });
  if (r.error) fail(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`\`${[cmd, ...args].join(' ')}\` failed (exit ${r.status ?? r.signal}).`);
}

/** Newest modification time of any file below dir (0 when dir is absent). */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

// 1. Dependencies.
if (!existsSync(path.join(root, 'node_modules'))) {
  say('node_modules is missing: installing the locked dependencies (npm ci); this takes a few minutes the first time.');
  run(npm, ['ci', '--no-audit', '--no-fund']);
}

// 2. The H5 app. The server serves it, so it calls the API on the same origin (base '').
const h5Index = path.join(root, 'dist', 'h5', 'index.html');
const builtAt = existsSync(h5Index) ? statSync(h5Index).mtimeMs : 0;
const sourcesAt = Math.max(
  ...['src', 'config', 'contract'].map((d) => newestMtime(path.join(root, d))),
  statSync(path.join(root, 'package.json')).mtimeMs,
);
if (process.env.SKIP_BUILD === '1' && builtAt) {
  say('SKIP_BUILD=1: using the existing dist/h5.');
} else if (!builtAt || builtAt < sourcesAt) {
  say(builtAt ? 'dist/h5 is older than the sources: rebuilding the H5 app.' : 'dist/h5 is missing: building the H5 app.');
  run(npm, ['run', 'build:h5'], { ...process.env, TARO_APP_API_BASE: '' });
} else {
  say('dist/h5 is up to date.');
}

// 3. The API, with the H5 app at /.
const port = process.env.PORT ?? '3000';
const host = process.env.HOST ?? '0.0.0.0';
const browseHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
const origin = `http://${browseHost}:${port}`;
const staticDir = path.resolve(root, process.env.STATIC_DIR ?? path.join('dist', 'h5'));

if (!existsSync(path.join(root, 'node_modules', 'tsx'))) fail('node_modules/tsx is missing: run `npm ci`.');
// `node --import tsx` runs the TypeScript server in this one child, so signals reach it directly.
const server = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'main.ts')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PORT: port, HOST: host, STATIC_DIR: staticDir },
  // Its own process group, so a Ctrl+C reaches it once (forwarded below), not twice.
  detached: !isWindows,
});

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping the server`);
    server.kill(signal);
  });
}
server.on('error', (err) => fail(`the server could not start: ${err.message}`));
server.on('exit', (code, signal) => {
  if (!stopping) console.error(`[start] the server stopped (exit ${code ?? signal}).`);
  process.exit(code ?? (stopping ? 0 : 1));
});

/** Waits for /healthz, then says the shop is ready (the server itself prints its URLs). */
async function announce() {
  if (port === '0') return; // an OS-chosen port: the server prints its own URLs
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !stopping && server.exitCode === null) {
    try {
      const res = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        // The server printed where everything is; confirm it answers.
        say(`the shop is ready at ${origin}/ (Ctrl+C stops it).`);
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!stopping && server.exitCode === null) say(`the server did not answer ${origin}/healthz within 120 s; see its output above.`);
}
announce();
