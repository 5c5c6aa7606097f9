import { loadConfig } from '../infra/config';
import { AppError } from '../infra/errors';
import { createAppCodes } from './index';
import { AppCodeError, type AppCodeAdapter, type AppCodePlatform } from './types';

/** The cache, the per-account limit and the error mapping, with adapters that count their calls. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const config = loadConfig({ NODE_ENV: 'test', SANDBOX: 'on', TOKEN_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/shop-test-data' }).appCodes;

function counting(platform: AppCodePlatform, behave: (n: number) => Promise<Buffer> = async () => PNG): AppCodeAdapter & { calls: number } {
  const adapter = {
    platform,
    calls: 0,
    async create() {
      adapter.calls += 1;
      return { contentType: 'image/png' as const, bytes: await behave(adapter.calls) };
    },
  };
  return adapter;
}

describe('share codes', () => {
  it('asks the platform once per (platform, page, scene) and answers the cached code after that', async () => {
    const weapp = counting('weapp');
    const codes = createAppCodes(config, { adapters: [weapp] });
    const a = await codes.code('u_1', 'weapp', 'pages/product/index', 's=1');
    expect(a).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    expect(await codes.code('u_2', 'weapp', 'pages/product/index', 's=1')).toBe(a);
    expect(weapp.calls).toBe(1);
    await codes.code('u_1', 'weapp', 'pages/home/index', 's=1');
    await codes.code('u_1', 'weapp', 'pages/product/index', 's=2');
    expect(weapp.calls).toBe(3);
  });

  it('shares one platform call between concurrent requests for the same code', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tt = counting('tt', async () => {
      await gate;
      return PNG;
    });
    const codes = createAppCodes(config, { adapters: [tt] });
    const both = Promise.all([codes.code('u_1', 'tt', 'pages/home/index', 'a'), codes.code('u_2', 'tt', 'pages/home/index', 'a')]);
    release();
    const [x, y] = await both;
    expect(x).toBe(y);
    expect(tt.calls).toBe(1);
  });

  it('drops the least recently used code past its size', async () => {
    const h5 = counting('h5');
    const codes = createAppCodes(config, { adapters: [h5], cacheEntries: 2 });
    await codes.code('u', 'h5', 'pages/home/index', 'a');
    await codes.code('u', 'h5', 'pages/home/index', 'b');
    await codes.code('u', 'h5', 'pages/home/index', 'a'); // a is now the most recent
    await codes.code('u', 'h5', 'pages/home/index', 'c'); // b leaves
    expect(h5.calls).toBe(3);
    await codes.code('u', 'h5', 'pages/home/index', 'a');
    expect(h5.calls).toBe(3);
    await codes.code('u', 'h5', 'pages/home/index', 'b');
    expect(h5.calls).toBe(4);
  });

  it("a platform's failure is SHARE_CODE_FAILED (502) with the platform's code, and is not cached", async () => {
    const alipay = counting('alipay', async (n) => {
      if (n === 1) throw new AppCodeError('alipay', 'isv.app-unavailable', 'isv.app-unavailable');
      return PNG;
    });
    const codes = createAppCodes(config, { adapters: [alipay] });
    const err = await codes.code('u', 'alipay', 'pages/home/index', 'a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'SHARE_CODE_FAILED', status: 502, extra: { platform: 'alipay', platformCode: 'isv.app-unavailable' } });
    await expect(codes.code('u', 'alipay', 'pages/home/index', 'a')).resolves.toMatch(/^data:image\/png;base64,/);
    expect(alipay.calls).toBe(2);
  });

  it('a platform without configuration is SHARE_CODE_UNAVAILABLE (503)', async () => {
    const codes = createAppCodes(config, { adapters: [counting('h5')] });
    await expect(codes.code('u', 'weapp', 'pages/home/index', 'a')).rejects.toMatchObject({ code: 'SHARE_CODE_UNAVAILABLE', status: 503 });
  });

  it('limits each account to perMinute requests a minute, with the seconds to wait', async () => {
    let now = 1_000_000;
    const codes = createAppCodes(config, { adapters: [counting('h5')], perMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) await codes.code('u_a', 'h5', 'pages/home/index', 'a');
    now += 20_000;
    await expect(codes.code('u_a', 'h5', 'pages/home/index', 'a')).rejects.toMatchObject({ code: 'RATE_LIMITED', extra: { retryAfterSeconds: 40 } });
    // Another account is not held back.
    await expect(codes.code('u_b', 'h5', 'pages/home/index', 'a')).resolves.toBeTruthy();
    now += 40_000;
    await expect(codes.code('u_a', 'h5', 'pages/home/index', 'a')).resolves.toBeTruthy();
  });
});
