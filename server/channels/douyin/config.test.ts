import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../../infra/config';
import { DOUYIN_ENV_VARS, loadDouyinConfig, rebaseDouyinConfig } from './config';
import { douyinSandboxKeys } from './sandbox-keys';

const keys = douyinSandboxKeys();
const pair = () => {
  const k = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};
const app = pair();
const platform = pair();
const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');

const real = {
  DOUYIN_APP_ID: 'tt0123456789abcdef',
  DOUYIN_APP_SECRET: 'real-secret',
  DOUYIN_APP_PRIVATE_KEY: oneLine(app.privateKey),
  DOUYIN_PLATFORM_PUBLIC_KEY: platform.publicKey,
  DOUYIN_MERCHANT_ID: '71234567890',
};
const prod = { production: true, sandbox: false, publicBaseUrl: 'https://shop.example.com' };

describe('loadDouyinConfig', () => {
  it('sandbox: defaults to the committed keys, the local gateway and our notify route', () => {
    const c = loadDouyinConfig({}, { production: false, sandbox: true, publicBaseUrl: 'http://127.0.0.1:3000/' });
    expect(c).toEqual({
      appId: keys.appId,
      appSecret: keys.appSecret,
      appPrivateKey: keys.appPrivateKey,
      keyVersion: '1',
      platformPublicKey: keys.platformPublicKey,
      merchantId: keys.merchantId,
      apiBase: 'http://127.0.0.1:3000/sandbox/douyin',
      notifyUrl: 'http://127.0.0.1:3000/notify/douyin',
      skuImageUrl: 'http://127.0.0.1:3000/favicon.ico',
      orderEntryPath: 'pages/orders/detail',
    });
  });

  it('without sandbox and without variables the channel is not configured', () => {
    expect(loadDouyinConfig({}, { production: false, sandbox: false, publicBaseUrl: 'http://127.0.0.1:3000' })).toBeNull();
    expect(loadDouyinConfig({}, prod)).toBeNull();
  });

  it('partly configured outside the sandbox is an error naming what is missing', () => {
    expect(() => loadDouyinConfig({ DOUYIN_APP_ID: 'tt1' }, prod)).toThrow(/DOUYIN_APP_SECRET, DOUYIN_APP_PRIVATE_KEY, DOUYIN_PLATFORM_PUBLIC_KEY, DOUYIN_MERCHANT_ID/);
  });

  it('production: real keys from the environment (PEM with literal \\n), https endpoints', () => {
    const c = loadDouyinConfig({ ...real, DOUYIN_KEY_VERSION: '3' }, prod);
    expect(c).toMatchObject({
      appId: 'tt0123456789abcdef',
      keyVersion: '3',
      merchantId: '71234567890',
      apiBase: 'https://open.douyin.com',
      notifyUrl: 'https://shop.example.com/notify/douyin',
    });
    expect(c?.appPrivateKey).toBe(app.privateKey);
    expect(() => loadDouyinConfig({ ...real, DOUYIN_NOTIFY_URL: 'http://shop.example.com/notify/douyin' }, prod)).toThrow(/https/);
  });

  it('production refuses the sandbox keys and secret', () => {
    expect(() => loadDouyinConfig({ ...real, DOUYIN_APP_PRIVATE_KEY: keys.appPrivateKey }, prod)).toThrow(ConfigError);
    expect(() => loadDouyinConfig({ ...real, DOUYIN_APP_PRIVATE_KEY: oneLine(keys.appPrivateKey) }, prod)).toThrow(/sandbox key/);
    expect(() => loadDouyinConfig({ ...real, DOUYIN_PLATFORM_PUBLIC_KEY: keys.platformPublicKey }, prod)).toThrow(/sandbox key/);
    // The platform's private key PEM has the same public half: refused as well.
    expect(() => loadDouyinConfig({ ...real, DOUYIN_PLATFORM_PUBLIC_KEY: keys.platformPrivateKey }, prod)).toThrow(/sandbox key/);
    expect(() => loadDouyinConfig({ ...real, DOUYIN_APP_SECRET: keys.appSecret }, prod)).toThrow(/sandbox secret/);
    expect(() => loadDouyinConfig({ ...real, DOUYIN_APP_PRIVATE_KEY: 'not a key' }, prod)).toThrow(/not a valid RSA key/);
  });

  it('rebase moves defaulted URLs to the listening port and leaves explicit ones', () => {
    const c = loadDouyinConfig({ DOUYIN_NOTIFY_URL: 'https://tunnel.example.com/notify/douyin' }, { production: false, sandbox: true, publicBaseUrl: 'http://127.0.0.1:0' });
    if (!c) throw new Error('config expected');
    rebaseDouyinConfig(c, 'http://127.0.0.1:0', 'http://127.0.0.1:45678');
    expect(c.apiBase).toBe('http://127.0.0.1:45678/sandbox/douyin');
    expect(c.notifyUrl).toBe('https://tunnel.example.com/notify/douyin');
    expect(c.skuImageUrl).toBe('http://127.0.0.1:45678/favicon.ico');
  });

  it('documents every variable it reads', () => {
    const names = DOUYIN_ENV_VARS.map((v) => v.name);
    for (const n of ['DOUYIN_APP_ID', 'DOUYIN_APP_SECRET', 'DOUYIN_APP_PRIVATE_KEY', 'DOUYIN_KEY_VERSION', 'DOUYIN_PLATFORM_PUBLIC_KEY', 'DOUYIN_API_BASE', 'DOUYIN_NOTIFY_URL', 'DOUYIN_MERCHANT_ID', 'DOUYIN_SKU_IMAGE_URL', 'DOUYIN_ORDER_ENTRY_PATH']) {
      expect(names).toContain(n);
    }
  });
});
