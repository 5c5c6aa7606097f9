import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type HtmlWebpackPlugin from 'html-webpack-plugin';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import type { messages as catalog } from '../src/i18n/messages';
import { addPrecompression } from './compression';
import { FirstLoadPreloadPlugin } from './first-load';
import devConfig from './dev';
import prodConfig from './prod';

/**
 * One Taro config for the four targets (weapp, alipay, tt, h5).
 *
 * - Each target builds into its own folder, dist/<TARO_ENV>, so the builds never overwrite
 *   each other and each IDE's project file can point at its own folder.
 * - `process.env.TARO_APP_API_BASE` is baked in at build time: the value from the build's
 *   environment when set; otherwise '' (same origin) for a production H5 build served by the
 *   API, and the local API on http://127.0.0.1:3000 for mini-programs (their IDEs need an
 *   absolute URL; tick "do not verify domain names" in the IDE for local development).
 *   The H5 dev server proxies /api to the same local API, so dev H5 also uses ''.
 */
const root = path.resolve(__dirname, '..');
// contract/ sits outside src/ but is compiled into the client (@contract/money, generated routes).
const contractDir = path.join(root, 'contract');
const taroEnv = process.env.TARO_ENV ?? 'weapp';
/** Wraps the H5 routes' lazy page loads (see webpackChain below). */
const PAGE_LOAD_GUARD = path.join(root, 'src', 'page-load-guard.tsx');
export const LOCAL_API_BASE = 'http://127.0.0.1:3000';

/**
 * Taro adds the H5 page only when src/index.html exists. Without one, the H5 build falls back to
 * config/index.html with the same root-font-size script Taro would inject (pxtransform's rem
 * units: designWidth 750, base 20 px, clamped to 20..40 px), so `build:h5` always emits an
 * index.html.
 */
const H5_REM_SCRIPT = '!function(n){function f(){var e=n.document.documentElement,r=e.getBoundingClientRect(),width=r.width,height=r.height,arr=[width,height].filter(function(value){return Boolean(value)}),w=Math.min.apply(Math,arr),x=40*w/750;e.style.fontSize=x>=40?"40px":x<=20?"20px":x+"px"}; n.addEventListener("resize",(function(){f()})),f()}(window);';

/**
 * The H5 document's title, description and boot screen text (config/index.html), from the one
 * catalog. Taro's config loader compiles only config/, so the catalog is loaded through tsx.
 */
type Messages = typeof catalog;

function h5DocumentTexts() {
  const { require: tsxRequire } = createRequire(__filename)('tsx/cjs/api') as { require: (id: string, from: string) => unknown };
  const { messages: m } = tsxRequire('../src/i18n/messages.ts', __filename) as { messages: Messages };
  return {
    title: m.appTitle,
    description: m.appDescription,
    loading: m.loading,
    search: m.searchPlaceholder,
    tabs: [m.tabHome, m.tabCategory, m.tabCart, m.tabMe],
    noscript: m.noScript,
  };
}

/** Writes each emitted chunk's files and modules (path, size before minification) as JSON. */
interface ReportModule {
  size(): number;
  nameForCondition?(): string | null;
  identifier(): string;
  modules?: Iterable<ReportModule>;
}
interface ReportCompilation {
  chunks: Iterable<{ id: string | number | null; files: Set<string>; canBeInitial(): boolean }>;
  chunkGraph: { getChunkModulesIterable(chunk: unknown): Iterable<ReportModule> };
}
class ModuleReportPlugin {
  constructor(private readonly file: string) {}
  apply(compiler: { hooks: { done: { tap(name: string, fn: (stats: { compilation: ReportCompilation }) => void): void } } }) {
    compiler.hooks.done.tap('ModuleReportPlugin', ({ compilation }) => {
      const describe = (m: ReportModule): { name: string; size: number }[] =>
        // A concatenated module lists the modules it joined.
        m.modules ? [...m.modules].flatMap(describe) : [{ name: path.relative(root, m.nameForCondition?.() ?? m.identifier()), size: m.size() }];
      const chunks = [...compilation.chunks].map((c) => ({
        id: c.id,
        initial: c.canBeInitial(),
        files: [...c.files],
        modules: [...compilation.chunkGraph.getChunkModulesIterable(c)].flatMap(describe),
      }));
      fs.writeFileSync(this.file, JSON.stringify({ chunks }, null, 1));
    });
  }
}

export function resolveApiBase(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.TARO_APP_API_BASE;
  if (explicit !== undefined) return explicit.replace(/\/+$/, '');
  return env.TARO_ENV === 'h5' ? '' : LOCAL_API_BASE;
}

/** Build-time switch for sandbox login codes: TARO_APP_SANDBOX=0 for a release build. */
export function resolveSandbox(env: NodeJS.ProcessEnv = process.env): '0' | '1' {
  const value = env.TARO_APP_SANDBOX ?? '1';
  if (value !== '0' && value !== '1') throw new Error(`TARO_APP_SANDBOX must be 0 or 1, got ${value}`);
  return value;
}

export default defineConfig<'webpack5'>((merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'shop',
    date: '2026-11-22',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    // TARO_OUTPUT_ROOT: another folder for a build beside the usual one (two builds at once).
    outputRoot: process.env.TARO_OUTPUT_ROOT ?? `dist/${taroEnv}`,
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    // Persistent cache off: builds are run rarely and from clean trees (CI, smoke, size report).
    cache: { enable: false },
    plugins: [],
    alias: {
      '@': path.join(root, 'src'),
      // A directory alias serves both `@contract` (contract/index.ts) and `@contract/<file>`.
      '@contract': contractDir,
    },
    env: {
      TARO_APP_API_BASE: JSON.stringify(resolveApiBase()),
      TARO_APP_SANDBOX: JSON.stringify(resolveSandbox()),
    },
    defineConstants: {},
    copy: { patterns: [], options: {} },
    mini: {
      compile: { include: [contractDir] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        url: { enable: true, config: { limit: 1024 } },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      // Modules used only by subpackages (dayjs in orders and checkout, say) go to the
      // subpackage's sub-vendors.js (one subpackage) or are copied into each subpackage that
      // uses them (sub-common), instead of the main package's vendors.js. bench/size.mjs checks
      // where the bytes land.
      optimizeMainPackage: { enable: true },
    },
    h5: {
      compile: { include: [contractDir] },
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain(chain) {
        // Every page's code is loaded lazily on H5; a chunk that fails to load (offline) would
        // leave the old page on screen with nothing said. The H5 entry wraps each route's load
        // before the router starts (src/page-load-guard.tsx). Taro's framework plugin merges its
        // own loaderMeta strings with these (it concatenates), whichever tap runs first.
        chain.plugin('mainPlugin').tap((args: { loaderMeta?: Record<string, unknown> }[]) => {
          const meta = args[0].loaderMeta ?? {};
          const text = (key: string) => (typeof meta[key] === 'string' ? (meta[key] as string) : '');
          args[0].loaderMeta = {
            ...meta,
            extraImportForWeb: `${text('extraImportForWeb')}import { guardPageLoads } from ${JSON.stringify(PAGE_LOAD_GUARD)}\n`,
            execBeforeCreateWebApp: `${text('execBeforeCreateWebApp')}guardPageLoads(config)\n`,
          };
          return args;
        });
        // The shared components' modules have no side effects but their stylesheets (separate
        // modules, not matched here): a page that imports two components from the index
        // (src/components/index.ts) then gets those two, not every component with Taro's
        // component library behind them (the first page loaded 141 KB of it for nothing).
        chain.module.rule('componentsWithoutSideEffects').test(/[\\/]src[\\/]components[\\/].*\.tsx?$/).set('sideEffects', false);
        if (process.env.NODE_ENV === 'production') {
          // Taro splits only initial chunks on H5, so every lazily loaded page chunk carries its
          // own copy of the shared code (components, services): 12 pages made 3.6 MB of JS.
          // Splitting async chunks too puts shared modules in chunks of their own, loaded beside
          // the page: 0.8 MB in all, first load unchanged (bench/size.mjs).
          chain.optimization.splitChunks({
            chunks: 'all',
            hidePathInfo: true,
            minSize: 20000,
            cacheGroups: {
              default: false,
              defaultVendors: false,
              common: { name: false, minChunks: 2, priority: 1, reuseExistingChunk: true },
              vendors: { name: false, minChunks: 2, test: /[\\/]node_modules[\\/]/, priority: 10, reuseExistingChunk: true },
            },
          });
          addPrecompression(chain);
          // `H5_MODULE_REPORT=<file>`: which modules each chunk holds, for `bench/size.mjs --modules`.
          const report = process.env.H5_MODULE_REPORT;
          if (report) chain.plugin('moduleReport').use(ModuleReportPlugin, [path.resolve(report)]);
        }
        if (!fs.existsSync(path.join(root, 'src', 'index.html')) && !chain.plugins.has('htmlWebpackPlugin')) {
          // The same html-webpack-plugin Taro's runner uses (a dependency of the runner, not ours).
          const runnerRequire = createRequire(require.resolve('@tarojs/webpack5-runner'));
          const HtmlPlugin = runnerRequire('html-webpack-plugin') as typeof HtmlWebpackPlugin;
          chain.plugin('htmlWebpackPlugin').use(HtmlPlugin, [{
            filename: 'index.html',
            template: path.join(__dirname, 'index.html'),
            script: H5_REM_SCRIPT,
            // The boot screen's and the document's text, from the one catalog.
            texts: h5DocumentTexts(),
          }]);
          // Preloads of the opened page's chunks and first API requests (config/first-load.ts).
          // The first page of src/app.config.ts opens when the URL names none.
          chain.plugin('firstLoadPreload').use(FirstLoadPreloadPlugin, [HtmlPlugin, { firstPage: 'pages/home/index', publicPath: '/', apiBase: resolveApiBase() }]);
        }
      },
      devServer: {
        port: 10086,
        host: '127.0.0.1',
        // Everything the API serves besides the H5 app itself (contract routes, images, sandbox
        // cashier pages, API docs), so dev H5 on :10086 talks to the local API as same origin.
        proxy: [{ context: ['/api', '/images', '/sandbox', '/healthz', '/docs', '/openapi.json'], target: LOCAL_API_BASE, changeOrigin: true }],
      },
    },
  };

  // Taro reads browserslist per environment (package.json "browserslist").
  process.env.BROWSERSLIST_ENV = process.env.NODE_ENV;
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig);
  return merge({}, baseConfig, prodConfig);
});
