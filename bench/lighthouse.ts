/**
 * H5 first load: Lighthouse (npm, mobile preset, simulated throttling) over this shop's home,
 * category and product pages and over a blank Taro app, measured in the same run on the same
 * server. A report, not a test: it prints figures and exits 0 when it could measure.
 *
 *   npm run bench:lighthouse                      build both apps, 5 rounds
 *   npm run bench:lighthouse -- --runs 3          fewer rounds
 *   npm run bench:lighthouse -- --no-build        measure dist/h5 and the last blank build as they are
 *   BENCH_LH_REPORTS=<dir>                        keep each report's JSON there
 *
 * The blank baseline is what `taro init` makes for React + TypeScript on Taro 4.1.11 (one page,
 * "Hello world!"), written here by hand into a temporary folder (taro init downloads its
 * templates) and built with this project's node_modules. Both builds get the same precompressed
 * assets (config/compression.ts) and are served by the same API server code (server/app.ts:
 * @fastify/static with preCompressed and the same cache headers), one server each, seeded.
 * The rounds interleave the pages, so a slow moment of the shared machine hits both apps.
 * Chromium: CHROMIUM_PATH or /usr/bin/chromium.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../server/test/net';

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Math.max(1, Number(args[runsAt + 1]) || 5) : 5;
const BUILD = !args.includes('--no-build');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROME_FLAGS = '--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run';
const BLANK_DIR = path.join(os.tmpdir(), 'shop-bench-blank-taro');
const LIGHTHOUSE = path.join(ROOT, 'node_modules', 'lighthouse', 'cli', 'index.js');

/**
 * A page's rendered markup and every style rule in force, taken from the shop in Chromium
 * (the content floor: the same DOM and CSS shown by the blank app, no application logic).
 */
interface Snapshot {
  name: string;
  html: string;
  css: string;
}

/** The files of a blank Taro 4.1.11 React + TypeScript app (the default template), H5 only. */
function blankFiles(snapshots: Snapshot[]): Record<string, string> {
  const compression = path.join(ROOT, 'config', 'compression.ts');
  return {
    'package.json': JSON.stringify({
      name: 'blank',
      version: '1.0.0',
      private: true,
      templateInfo: { name: 'default', typescript: true, css: 'None', framework: 'React' },
      browserslist: ['last 3 versions', 'Android >= 4.1', 'ios >= 8'],
    }, null, 2),
    'babel.config.js': `module.exports = { presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5' }]] };\n`,
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2017', module: 'commonjs', jsx: 'react-jsx', strict: true, skipLibCheck: true, esModuleInterop: true, resolveJsonModule: true, moduleResolution: 'node' }, include: ['src', 'config'] }, null, 2),
    'config/index.ts': `import { createRequire } from 'node:module';
import { defineConfig } from '@tarojs/cli';

// The same precompression as the shop's build (${path.relative(ROOT, compression)}), loaded through tsx.
const { require: tsxRequire } = createRequire(__filename)('tsx/cjs/api');
const { addPrecompression } = tsxRequire(${JSON.stringify(compression)}, __filename);

export default defineConfig<'webpack5'>(() => ({
  projectName: 'blank',
  date: '2026-11-22',
  designWidth: 750,
  deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
  sourceRoot: 'src',
  outputRoot: 'dist',
  plugins: [],
  defineConstants: {},
  copy: { patterns: [], options: {} },
  framework: 'react',
  compiler: 'webpack5',
  cache: { enable: false },
  mini: {},
  h5: {
    publicPath: '/',
    staticDirectory: 'static',
    output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
    miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[hash].css', chunkFilename: 'css/[name].[chunkhash].css' },
    postcss: { autoprefixer: { enable: true, config: {} }, cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } } },
    webpackChain(chain) {
      addPrecompression(chain);
    },
  },
}));
`,
    'src/index.html': `<!DOCTYPE html>
<html>
<head>
  <meta content="text/html; charset=utf-8" http-equiv="Content-Type">
  <meta content="width=device-width,initial-scale=1,user-scalable=no" name="viewport">
  <meta name="apple-mobile-web-app-capable" content="yes">
  <meta name="apple-touch-fullscreen" content="yes">
  <meta name="format-detection" content="telephone=no,address=no">
  <meta name="apple-mobile-web-app-status-bar-style" content="white">
  <meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0, maximum-scale=1.0, user-scalable=no" >
  <title>blank</title>
  <script><%= htmlWebpackPlugin.options.script %></script>
</head>
<body>
  <div id="app"></div>
</body>
</html>
`,
    'src/app.config.ts': `export default defineAppConfig({
  pages: ${JSON.stringify(['pages/index/index', ...snapshots.map((x) => `pages/${x.name}/index`)])},
  window: { backgroundTextStyle: 'light', navigationBarBackgroundColor: '#fff', navigationBarTitleText: 'WeChat', navigationBarTextStyle: 'black' },
});
`,
    'src/app.ts': `import { PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import './app.css';

function App({ children }: PropsWithChildren<any>) {
  useLaunch(() => {
    console.log('App launched.');
  });
  return children;
}

export default App;
`,
    'src/app.css': '',
    'src/pages/index/index.config.ts': `export default definePageConfig({ navigationBarTitleText: '首页' });\n`,
    'src/pages/index/index.css': '',
    'src/pages/index/index.tsx': `import { View, Text } from '@tarojs/components';
import { useLoad } from '@tarojs/taro';
import './index.css';

export default function Index() {
  useLoad(() => {
    console.log('Page loaded.');
  });
  return (
    <View className='index'>
      <Text>Hello world!</Text>
    </View>
  );
}
`,
    'types/global.d.ts': `/// <reference types="@tarojs/taro" />\n`,
    ...Object.fromEntries(snapshots.flatMap((x) => [
      [`src/pages/${x.name}/index.config.ts`, `export default definePageConfig({ navigationBarTitleText: '${x.name}' });\n`],
      [`src/pages/${x.name}/snapshot.json`, JSON.stringify({ html: `<style>${x.css}</style>${x.html}` })],
      // The shop's markup and styles as they were on screen, put in place by one innerHTML.
      [`src/pages/${x.name}/index.tsx`, `import { View } from '@tarojs/components';
import snapshot from './snapshot.json';

export default function Snapshot() {
  return <View dangerouslySetInnerHTML={{ __html: snapshot.html }} />;
}
`],
    ])),
  };
}

function run(cmd: string, argv: string[], cwd: string, env: Record<string, string> = {}): void {
  const started = Date.now();
  const res = spawnSync(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} in ${cwd} failed (exit ${res.status})`);
  console.log(`  ${path.basename(cwd)}: ${argv.join(' ')} in ${secs} s`);
}

function buildBlank(snapshots: Snapshot[]): void {
  rmSync(BLANK_DIR, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(blankFiles(snapshots))) {
    mkdirSync(path.dirname(path.join(BLANK_DIR, rel)), { recursive: true });
    writeFileSync(path.join(BLANK_DIR, rel), text);
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(BLANK_DIR, 'node_modules'), 'dir');
  run(process.execPath, [path.join(ROOT, 'node_modules', '@tarojs', 'cli', 'bin', 'taro'), 'build', '--type', 'h5'], BLANK_DIR, { NODE_ENV: 'production' });
}

interface Server {
  baseUrl: string;
  stop(): Promise<void>;
}

async function startServer(staticDir: string): Promise<Server> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'shop-bench-lh-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, STATIC_DIR: staticDir, PUBLIC_BASE_URL: baseUrl, SANDBOX: 'on', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server for ${staticDir} exited (${child.exitCode})`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server for ${staticDir} did not answer /healthz in 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Sample {
  performance: number;
  accessibility: number;
  fcp: number;
  lcp: number;
  tbt: number;
  si: number;
  cls: number;
}

// `BENCH_LH_REPORTS=<dir>` keeps every Lighthouse JSON report there (long tasks, bootup time).
const keepDir = process.env.BENCH_LH_REPORTS;
if (keepDir) mkdirSync(keepDir, { recursive: true });
const outDir = keepDir ? path.resolve(keepDir) : mkdtempSync(path.join(os.tmpdir(), 'shop-bench-lh-out-'));
let reportNo = 0;

function lighthouse(url: string): Sample {
  const out = path.join(outDir, `r${++reportNo}.json`);
  const res = spawnSync(process.execPath, [
    LIGHTHOUSE, url,
    `--chrome-path=${CHROMIUM}`,
    `--chrome-flags=${CHROME_FLAGS}`,
    '--only-categories=performance,accessibility',
    '--output=json', `--output-path=${out}`, '--quiet',
  ], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 180_000 });
  if (res.status !== 0 || !existsSync(out)) throw new Error(`lighthouse ${url} failed (exit ${res.status}): ${res.stderr.slice(-2000)}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    runtimeError?: { message: string };
    categories: Record<string, { score: number | null }>;
    audits: Record<string, { numericValue?: number }>;
  };
  if (report.runtimeError) throw new Error(`lighthouse ${url}: ${report.runtimeError.message}`);
  const num = (id: string) => report.audits[id]?.numericValue ?? NaN;
  return {
    performance: report.categories.performance.score ?? NaN,
    accessibility: report.categories.accessibility.score ?? NaN,
    fcp: num('first-contentful-paint'),
    lcp: num('largest-contentful-paint'),
    tbt: num('total-blocking-time'),
    si: num('speed-index'),
    cls: num('cumulative-layout-shift'),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const FIELDS: { key: keyof Sample; label: string; fmt: (n: number) => string }[] = [
  { key: 'performance', label: 'performance', fmt: (n) => n.toFixed(2) },
  { key: 'lcp', label: 'LCP s', fmt: (n) => (n / 1000).toFixed(2) },
  { key: 'fcp', label: 'FCP s', fmt: (n) => (n / 1000).toFixed(2) },
  { key: 'tbt', label: 'TBT ms', fmt: (n) => n.toFixed(0) },
  { key: 'si', label: 'SI s', fmt: (n) => (n / 1000).toFixed(2) },
  { key: 'cls', label: 'CLS', fmt: (n) => n.toFixed(3) },
  { key: 'accessibility', label: 'accessibility', fmt: (n) => n.toFixed(2) },
];
const cell = (xs: number[], fmt: (n: number) => string) => `${fmt(median(xs))} (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))})`;

/** The shop pages measured, and their content floors (the same markup on the blank app). */
const PAGES = (productId: string) => [
  { name: 'home', route: 'pages/home/index' },
  { name: 'category', route: 'pages/category/index' },
  { name: 'product', route: `pages/product/index?id=${productId}` },
];

/**
 * Opens each page of the shop in Chromium at the Lighthouse phone's size, waits until the boot
 * screen is gone and the network is quiet, and takes the page's markup and every style rule.
 */
async function captureSnapshots(baseUrl: string, pages: { name: string; route: string }[]): Promise<Snapshot[]> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const context = await browser.newContext({ viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
    const out: Snapshot[] = [];
    for (const p of pages) {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/#/${p.route}`);
      await page.waitForSelector('#boot', { state: 'detached' });
      await page.waitForLoadState('networkidle');
      const shot = await page.evaluate(() => {
        const shown = [...document.querySelectorAll<HTMLElement>('.taro_page')].find((el) => el.offsetParent !== null || getComputedStyle(el).display !== 'none');
        const css = [...document.styleSheets].map((sheet) => [...sheet.cssRules].map((r) => r.cssText).join('\n')).join('\n');
        return { html: shown?.innerHTML ?? '', css };
      });
      if (!shot.html) throw new Error(`no page markup on ${p.route}`);
      out.push({ name: p.name, ...shot });
      await page.close();
    }
    return out;
  } finally {
    await browser.close();
  }
}

async function main() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  if (BUILD) {
    console.log('Building (production):');
    run('npm', ['run', '-s', 'build:h5'], ROOT, { TARO_APP_API_BASE: '' });
  }
  const blankDist = path.join(BLANK_DIR, 'dist');
  if (!existsSync(path.join(ROOT, 'dist', 'h5', 'index.html'))) throw new Error('dist/h5 is not built (npm run build:h5, or drop --no-build)');

  const shop = await startServer(path.join(ROOT, 'dist', 'h5'));
  let blank: Server | undefined;
  try {
    const list = (await (await fetch(`${shop.baseUrl}/api/products?limit=1`)).json()) as { items: { id: string }[] };
    const productId = list.items[0]?.id;
    if (!productId) throw new Error('the seeded shop has no product');
    const pages = PAGES(productId);
    if (BUILD) buildBlank(await captureSnapshots(shop.baseUrl, pages));
    if (!existsSync(path.join(blankDist, 'index.html'))) throw new Error(`no blank build in ${blankDist} (drop --no-build)`);
    blank = await startServer(blankDist);
    const targets = [
      { name: 'blank Taro app', url: `${blank.baseUrl}/` },
      ...pages.map((p) => ({ name: p.name, url: `${shop.baseUrl}/#/${p.route}` })),
      ...pages.map((p) => ({ name: `${p.name} markup on the blank app`, url: `${blank!.baseUrl}/#/pages/${p.name}/index` })),
    ];
    // One warm-up load each (the servers' first answers, the OS file cache), not counted.
    for (const t of targets) lighthouse(t.url);
    const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
    for (let round = 1; round <= RUNS; round++) {
      for (const t of targets) samples.get(t.name)!.push(lighthouse(t.url));
      console.log(`  round ${round}/${RUNS} done`);
    }

    const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
    console.log(`\nLighthouse ${lighthouseVersion()} (mobile preset, simulated throttling), ${RUNS} runs per page, ${started} UTC, ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(1)).join(' ')}`);
    console.log('median (min-max)\n');
    console.log(`| page | ${FIELDS.map((f) => f.label).join(' | ')} |`);
    console.log(`|---|${FIELDS.map(() => '---:').join('|')}|`);
    for (const t of targets) {
      const s = samples.get(t.name)!;
      console.log(`| ${t.name} | ${FIELDS.map((f) => cell(s.map((x) => x[f.key]), f.fmt)).join(' | ')} |`);
    }
    const base = samples.get('blank Taro app')!;
    const basePerf = median(base.map((x) => x.performance));
    console.log('\nAgainst the blank app (medians):\n');
    console.log('| page | performance − blank | performance / blank | LCP − blank s | TBT − blank ms |');
    console.log('|---|---:|---:|---:|---:|');
    for (const t of targets.slice(1)) {
      const s = samples.get(t.name)!;
      const perf = median(s.map((x) => x.performance));
      const dl = median(s.map((x) => x.lcp)) - median(base.map((x) => x.lcp));
      const dt = median(s.map((x) => x.tbt)) - median(base.map((x) => x.tbt));
      console.log(`| ${t.name} | ${(perf - basePerf).toFixed(2)} | ${(perf / basePerf).toFixed(3)} | ${(dl / 1000).toFixed(2)} | ${dt.toFixed(0)} |`);
    }
    // The content floor: what the same markup and styles cost on the blank app with no logic.
    console.log('\nAgainst its content floor (the same markup on the blank app, medians):\n');
    console.log('| page | performance | floor | − floor | LCP − floor s | TBT − floor ms |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const p of pages) {
      const s = samples.get(p.name)!;
      const f = samples.get(`${p.name} markup on the blank app`)!;
      const m = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
      console.log(`| ${p.name} | ${m(s, 'performance').toFixed(2)} | ${m(f, 'performance').toFixed(2)} | ${(m(s, 'performance') - m(f, 'performance')).toFixed(2)} | ${((m(s, 'lcp') - m(f, 'lcp')) / 1000).toFixed(2)} | ${(m(s, 'tbt') - m(f, 'tbt')).toFixed(0)} |`);
    }
  } finally {
    await shop.stop();
    await blank?.stop();
    if (!keepDir) rmSync(outDir, { recursive: true, force: true });
  }
}

function lighthouseVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'lighthouse', 'package.json'), 'utf8')) as { version: string }).version;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
