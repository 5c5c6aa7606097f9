import path from 'node:path';

/**
 * The Taro build config (config/index.ts): per-platform output folders, the API base baked in
 * at build time, the aliases, and the H5 options toolchain notes require.
 */
type Merge = (...configs: object[]) => object;
type Loaded = { default: (merge: Merge, env: { command: string; mode: string }) => Record<string, unknown>; resolveApiBase: (env: NodeJS.ProcessEnv) => string };

/** Deep merge of plain objects, as the merge Taro passes in (webpack-merge) does for them. */
const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const deepMerge: Merge = (...configs) => configs.reduce<Record<string, unknown>>((acc, next) => {
  for (const [k, v] of Object.entries(next)) acc[k] = isPlain(v) && isPlain(acc[k]) ? deepMerge(acc[k] as object, v) : v;
  return acc;
}, {});
const root = path.resolve(__dirname, '..');

function loadConfig(env: Record<string, string | undefined>): Record<string, unknown> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    let config: Record<string, unknown> = {};
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require('../config/index') as Loaded;
      config = mod.default(deepMerge, { command: 'build', mode: 'production' });
    });
    return config;
  } finally {
    process.env = saved;
  }
}

describe('config/index.ts', () => {
  test.each(['weapp', 'alipay', 'tt', 'h5'])('%s builds into dist/%s', (platform) => {
    const config = loadConfig({ TARO_ENV: platform, NODE_ENV: 'production', TARO_APP_API_BASE: undefined });
    expect(config.outputRoot).toBe(`dist/${platform}`);
  });

  test('API base: explicit value wins (trailing slash dropped); else same origin on H5, local API on mini-programs', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { resolveApiBase } = require('../config/index') as Loaded;
    expect(resolveApiBase({ TARO_ENV: 'weapp', TARO_APP_API_BASE: 'https://shop.example.com/' } as unknown as NodeJS.ProcessEnv)).toBe('https://shop.example.com');
    expect(resolveApiBase({ TARO_ENV: 'h5', TARO_APP_API_BASE: '' } as unknown as NodeJS.ProcessEnv)).toBe('');
    expect(resolveApiBase({ TARO_ENV: 'h5' } as unknown as NodeJS.ProcessEnv)).toBe('');
    expect(resolveApiBase({ TARO_ENV: 'alipay' } as unknown as NodeJS.ProcessEnv)).toBe('http://127.0.0.1:3000');
  });

  test('the API base is injected as a string constant', () => {
    const config = loadConfig({ TARO_ENV: 'tt', NODE_ENV: 'production', TARO_APP_API_BASE: 'https://api.example.com' });
    expect(config.env).toMatchObject({ TARO_APP_API_BASE: JSON.stringify('https://api.example.com') });
  });

  test('aliases match tsconfig: @ -> src, @contract -> contract (index and files)', () => {
    const config = loadConfig({ TARO_ENV: 'weapp', NODE_ENV: 'production' });
    expect(config.alias).toEqual({ '@': path.join(root, 'src'), '@contract': path.join(root, 'contract') });
  });

  test('H5 production: hash router, terser keeps keys unquoted; mini: optimizeMainPackage on', () => {
    const h5 = loadConfig({ TARO_ENV: 'h5', NODE_ENV: 'production' });
    expect(h5.h5).toMatchObject({ router: { mode: 'hash' }, publicPath: '/', staticDirectory: 'static', devServer: { port: 10086 } });
    expect(h5.terser).toMatchObject({ enable: true, config: { output: { quote_keys: false } } });
    const weapp = loadConfig({ TARO_ENV: 'weapp', NODE_ENV: 'production' });
    expect(weapp.mini).toMatchObject({ optimizeMainPackage: { enable: true } });
    expect(weapp.terser).toBeUndefined();
  });
});
