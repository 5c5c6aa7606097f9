import { loadConfig } from '../infra/config';
import { alipaySandboxKeys } from '../channels/alipay/sandbox-keys';

/** Where the code APIs are, and that sandbox credentials and stand-ins never serve production. */
const base = { TOKEN_SECRET: 'x'.repeat(32), DATA_DIR: '/tmp/shop-test-data', PUBLIC_BASE_URL: 'https://shop.example.com' };
const production = { ...base, NODE_ENV: 'production', DATABASE_URL: 'postgres://u@localhost/db', REFERRAL_SECRET: 'r'.repeat(32) };

describe('app codes configuration', () => {
  it('sandbox: every platform on its stand-in with the sandbox credentials', () => {
    const c = loadConfig({ ...base, NODE_ENV: 'development', SANDBOX: 'on' }).appCodes;
    expect(c.weapp).toEqual({ appId: 'wx-sandbox-app', secret: 'wx-sandbox-secret', apiBase: 'https://shop.example.com/sandbox/weapp', envVersion: 'release' });
    expect(c.tt).toMatchObject({ appId: 'tt-sandbox-app', openApiBase: 'https://shop.example.com/sandbox/douyin-open' });
    expect(c.alipay?.gateway).toBe('https://shop.example.com/sandbox/alipay/gateway.do');
    expect(c.h5BaseUrl).toBe('https://shop.example.com');
  });

  it('outside sandbox mode: a platform without credentials is off; with them, its real API', () => {
    const off = loadConfig({ ...base, NODE_ENV: 'development', SANDBOX: 'off' }).appCodes;
    expect(off.weapp).toBeNull();
    expect(off.tt).toBeNull();
    const on = loadConfig({ ...production, WEAPP_APP_ID: 'wx1234567890abcdef', WEAPP_APP_SECRET: 's'.repeat(32), TT_APP_ID: 'tt12345', TT_APP_SECRET: 't'.repeat(40), WEAPP_CODE_ENV_VERSION: 'trial', SHARE_H5_BASE_URL: 'https://m.example.com/' }).appCodes;
    expect(on.weapp).toEqual({ appId: 'wx1234567890abcdef', secret: 's'.repeat(32), apiBase: 'https://api.weixin.qq.com', envVersion: 'trial' });
    expect(on.tt?.openApiBase).toBe('https://open.douyin.com');
    expect(on.h5BaseUrl).toBe('https://m.example.com');
  });

  it('production refuses the sandbox placeholders, the stand-ins and the published sandbox keys', () => {
    expect(() => loadConfig(production)).not.toThrow();
    expect(() => loadConfig({ ...production, WEAPP_APP_ID: 'wx-sandbox-app', WEAPP_APP_SECRET: 'wx-sandbox-secret' })).toThrow(/WEAPP_APP_ID\/WEAPP_APP_SECRET hold the sandbox placeholders/);
    expect(() => loadConfig({ ...production, TT_APP_ID: 'tt-sandbox-app', TT_APP_SECRET: 'tt-sandbox-secret' })).toThrow(/TT_APP_ID\/TT_APP_SECRET hold the sandbox placeholders/);
    expect(() =>
      loadConfig({ ...production, WEAPP_APP_ID: 'wx1234567890abcdef', WEAPP_APP_SECRET: 's'.repeat(32), WEAPP_API_BASE: 'https://shop.example.com/sandbox/weapp' }),
    ).toThrow(/WEAPP_API_BASE/);
    const keys = alipaySandboxKeys();
    expect(() => loadConfig({ ...production, ALIPAY_PRIVATE_KEY: keys.appPrivateKey, ALIPAY_PUBLIC_KEY: keys.alipayPublicKey })).toThrow(/ALIPAY_PRIVATE_KEY or ALIPAY_PUBLIC_KEY hold the sandbox's published keys/);
  });

  it('refuses an unknown WEAPP_CODE_ENV_VERSION', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'development', WEAPP_CODE_ENV_VERSION: 'beta' })).toThrow(/WEAPP_CODE_ENV_VERSION/);
  });
});
