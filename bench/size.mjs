#!/usr/bin/env node
/**
 * Bundle size report (a report, not a test: exits 0 even when over budget).
 *
 *   node bench/size.mjs            read dist/weapp, dist/alipay, dist/tt, dist/h5 as they are
 *   node bench/size.mjs --build    build the four targets first (npm run build:<target>)
 *   node bench/size.mjs --top 8    list the 8 biggest files of each package (default 5)
 *   node bench/size.mjs --modules  also list what the H5 first load is made of, by package (before
 *                                  minification), from the module report of an H5 build made with
 *                                  H5_MODULE_REPORT=dist/h5-modules.json (--build makes it so)
 *   node bench/size.mjs --h5-dir /tmp/h5 --module-report /tmp/h5-modules.json
 *                                  read the H5 build in another folder (TARO_OUTPUT_ROOT=/tmp/h5)
 *                                  and its module report (H5_MODULE_REPORT=/tmp/h5-modules.json);
 *                                  H5 only
 *   node bench/size.mjs --page pages/product/index
 *                                  the first load of another page opened from a link (index.html's
 *                                  scripts and that page's chunks) instead of app.json's first page
 *
 * Mini-programs: the main package is every file outside the subpackage roots of app.json
 * (what the IDE uploads as the main package); each subpackage is the files under its root.
 * Budgets: main <= 600 KB, each subpackage <= 400 KB.
 * H5: first-load JS = the scripts index.html loads, plus the chunks the first page of
 * app.json needs to render (loaded at once by the router). Raw and gzipped (node:zlib, level 6).
 * Budget: 150 KB gzipped. KB = 1024 bytes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const topIdx = args.indexOf('--top');
const TOP = topIdx >= 0 ? Number(args[topIdx + 1]) || 5 : 5;
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const H5_DIR = option('--h5-dir') ? path.resolve(option('--h5-dir')) : path.join(root, 'dist', 'h5');
const ENTRY_PAGE = option('--page');
const MINI = option('--h5-dir') ? [] : ['weapp', 'alipay', 'tt'];
const BUDGET = { main: 600, sub: 400, h5Gzip: 150 };

const kb = (bytes) => bytes / 1024;
const fmt = (bytes) => `${kb(bytes).toFixed(1)} KB`;
const verdict = (bytes, budgetKb) => (kb(bytes) <= budgetKb ? 'PASS' : 'OVER');
const gzipSize = (buf) => zlib.gzipSync(buf, { level: 6 }).length;

function walk(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

const MODULE_REPORT = option('--module-report') ? path.resolve(option('--module-report')) : path.join(root, 'dist', 'h5-modules.json');

function build(target) {
  const started = Date.now();
  const env = { ...process.env, ...(target === 'h5' ? { TARO_APP_API_BASE: process.env.TARO_APP_API_BASE ?? '', H5_MODULE_REPORT: MODULE_REPORT } : {}) };
  const res = spawnSync('npm', ['run', `build:${target}`], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`built ${target} in ${secs} s (exit ${res.status})`);
  return res.status === 0;
}

function miniReport(target) {
  const dist = path.join(root, 'dist', target);
  const appJsonPath = path.join(dist, 'app.json');
  if (!fs.existsSync(appJsonPath)) return { target, missing: `dist/${target}/app.json not found (npm run build:${target})` };
  const appJson = JSON.parse(fs.readFileSync(appJsonPath, 'utf8'));
  const subs = (appJson.subPackages ?? appJson.subpackages ?? []).map((s) => s.root.replace(/\/+$/, ''));
  const packages = new Map([['(main)', []], ...subs.map((s) => [s, []])]);
  for (const file of walk(dist)) {
    const rel = path.relative(dist, file).split(path.sep).join('/');
    const sub = subs.find((s) => rel.startsWith(`${s}/`));
    packages.get(sub ?? '(main)').push({ rel, size: fs.statSync(file).size });
  }
  const rows = [...packages].map(([name, files]) => {
    const size = files.reduce((n, f) => n + f.size, 0);
    const budget = name === '(main)' ? BUDGET.main : BUDGET.sub;
    return { name, size, budget, verdict: verdict(size, budget), top: files.sort((a, b) => b.size - a.size).slice(0, TOP) };
  });
  return { target, rows };
}

function h5Report() {
  const dist = H5_DIR;
  const htmlPath = path.join(dist, 'index.html');
  if (!fs.existsSync(htmlPath)) return { target: 'h5', missing: `${path.relative(root, htmlPath)} not found (npm run build:h5)` };
  const html = fs.readFileSync(htmlPath, 'utf8');
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  const local = (src) => path.join(dist, src.replace(/^https?:\/\/[^/]+/, '').replace(/^\//, '').split('?')[0]);
  const initial = scripts.map((src) => ({ rel: src, file: local(src) })).filter((s) => fs.existsSync(s.file));

  // The first page's chunks: the router entry `path:"<first page>",load:function...{return[ ... .e(<id>) ... .then(`.
  const jsDir = path.join(dist, 'js');
  const chunkFiles = fs.existsSync(jsDir) ? fs.readdirSync(jsDir).filter((f) => f.endsWith('.js')) : [];
  const firstPage = ENTRY_PAGE ?? findFirstPage(initial);
  const pageChunks = [];
  if (firstPage) {
    for (const s of initial) {
      const src = fs.readFileSync(s.file, 'utf8');
      const at = src.indexOf(`path:"${firstPage}",load:`);
      if (at < 0) continue;
      const body = src.slice(at, src.indexOf('.then(', at) + 1 || at + 400);
      for (const m of body.matchAll(/\.e\((\d+)\)/g)) {
        const f = chunkFiles.find((c) => c.startsWith(`${m[1]}.`));
        if (f && !pageChunks.some((p) => p.rel === `js/${f}`)) pageChunks.push({ rel: `js/${f}`, file: path.join(jsDir, f) });
      }
    }
  }
  if (ENTRY_PAGE && pageChunks.length === 0) throw new Error(`no router entry for ${ENTRY_PAGE} in ${path.relative(root, htmlPath)}'s scripts`);
  const measure = (list) => list.map((s) => {
    const buf = fs.readFileSync(s.file);
    return { rel: s.rel, size: buf.length, gzip: gzipSize(buf) };
  });
  const init = measure(initial);
  const page = measure(pageChunks);
  const sum = (l, k) => l.reduce((n, x) => n + x[k], 0);
  const allJs = chunkFiles.reduce((n, f) => n + fs.statSync(path.join(jsDir, f)).size, 0);
  return {
    target: 'h5', firstPage, init, page, allJs,
    initRaw: sum(init, 'size'), initGzip: sum(init, 'gzip'),
    totalRaw: sum(init, 'size') + sum(page, 'size'), totalGzip: sum(init, 'gzip') + sum(page, 'gzip'),
  };
}

function findFirstPage(initial) {
  for (const s of initial) {
    const m = fs.readFileSync(s.file, 'utf8').match(/"pages":\["([^"]+)"/);
    if (m) return m[1];
  }
  return null;
}

if (args.includes('--build')) {
  if (option('--h5-dir')) throw new Error('--build builds into dist/; build into another folder with TARO_OUTPUT_ROOT (and H5_MODULE_REPORT) yourself');
  for (const t of [...MINI, 'h5']) build(t);
}

console.log(`Bundle sizes (${new Date().toISOString().slice(0, 10)}; KB = 1024 bytes)\n`);
console.log('| target | package | size | budget | verdict |');
console.log('|---|---|---:|---:|---|');
const details = [];
for (const t of MINI) {
  const r = miniReport(t);
  if (r.missing) { console.log(`| ${t} | - | - | - | MISSING: ${r.missing} |`); continue; }
  for (const row of r.rows) {
    console.log(`| ${t} | ${row.name} | ${fmt(row.size)} | ${row.budget} KB | ${row.verdict} |`);
    details.push(`${t} ${row.name}: ${row.top.map((f) => `${f.rel} ${fmt(f.size)}`).join(', ')}`);
  }
}
const h5 = h5Report();
if (h5.missing) console.log(`| h5 | - | - | - | MISSING: ${h5.missing} |`);
else {
  console.log(`| h5 | index.html scripts | ${fmt(h5.initRaw)} raw, ${fmt(h5.initGzip)} gzip | - | - |`);
  console.log(`| h5 | first load (+ ${h5.firstPage} chunks) | ${fmt(h5.totalRaw)} raw, ${fmt(h5.totalGzip)} gzip | ${BUDGET.h5Gzip} KB gzip | ${verdict(h5.totalGzip, BUDGET.h5Gzip)} |`);
  details.push(`h5 first load: ${[...h5.init, ...h5.page].map((f) => `${f.rel} ${fmt(f.size)} (${fmt(f.gzip)} gz)`).join(', ')}; all JS ${fmt(h5.allJs)} raw`);
}
console.log('\nBiggest files per package:');
for (const d of details) console.log(`- ${d}`);

/** The first load by package: node_modules/<package> or the project folder (src/pages/home...). */
function moduleReport(h5) {
  if (!fs.existsSync(MODULE_REPORT)) {
    console.log(`\nNo module report (${path.relative(root, MODULE_REPORT)}): build with \`H5_MODULE_REPORT=${path.relative(root, MODULE_REPORT)} npm run build:h5\` or run with --build.`);
    return;
  }
  const { chunks } = JSON.parse(fs.readFileSync(MODULE_REPORT, 'utf8'));
  const firstLoad = new Set([...h5.init, ...h5.page].map((f) => f.rel.replace(/^\//, '')));
  const owner = (name) => {
    const clean = (name ?? '(webpack runtime)').replace(/^\.\//, '').replace(/ \+ \d+ modules$/, '').split('!').pop();
    const nm = clean.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const rest = clean.slice(nm + 'node_modules/'.length).split('/');
      return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    }
    const parts = clean.split('/');
    return parts.slice(0, parts[0] === 'src' ? 3 : 2).join('/');
  };
  const byOwner = new Map();
  for (const c of chunks) {
    if (!c.files.some((f) => firstLoad.has(f))) continue;
    for (const m of c.modules) byOwner.set(owner(m.name), (byOwner.get(owner(m.name)) ?? 0) + m.size);
  }
  const rows = [...byOwner].sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((n, [, v]) => n + v, 0);
  console.log(`\nH5 first load by package, before minification (${fmt(total)} in all):\n`);
  console.log('| package or folder | size |');
  console.log('|---|---:|');
  for (const [name, size] of rows.slice(0, 30)) console.log(`| ${name} | ${fmt(size)} |`);
}
if (args.includes('--modules') && !h5.missing) moduleReport(h5);
