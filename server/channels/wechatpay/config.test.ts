import { generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../../infra/config';
import { WECHATPAY_ENV_VARS, loadWechatpayConfig, rebaseWechatpayConfig } from './config';
import { wechatpaySandboxKeys } from './sandbox-keys';

const keys = wechatpaySandboxKeys();
const sandboxCtx = { production: false, sandbox: true, publicBaseUrl: 'http://127.0.0.1:3000' };
const liveCtx = { production: true, sandbox: false, publicBaseUrl: 'https://shop.example.com' };

// Generated once: the merchant's and WeChat Pay's "real" keys for the production cases.
const mch = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });

function freshEnv(): Record<string, string> {
  return {
    WECHATPAY_APP_ID: 'wx1234567890abcdef',
    WECHATPAY_MCH_ID: '1230000109',
    WECHATPAY_MCH_SERIAL: '5157F09EFDC096DE15EBE81A47057A7232F1B8E1',
    // One-line form with literal \n, as env files carry it.
    WECHATPAY_MCH_PRIVATE_KEY: mch.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim().replace(/\n/g, '\\n'),
    WECHATPAY_APIV3_KEY: 'a'.repeat(16) + 'B'.repeat(16),
    WECHATPAY_PUBLIC_KEY: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    WECHATPAY_PUBLIC_KEY_ID: 'PUB_KEY_ID_0112300001092025010100000000000001',
  };
}

describe('loadWechatpayConfig', () => {
  it('sandbox: every value defaults to sandbox-keys/wechatpay and the local gateway', () => {
    const c = loadWechatpayConfig({}, sandboxCtx);
    expect(c).toMatchObject({
      appId: 'wx-sandbox-app',
      mchId: keys.mchId,
      mchSerial: keys.mchSerial,
      apiV3Key: keys.apiV3Key,
      platformPublicKeyId: keys.publicKeyId,
      apiBase: 'http://127.0.0.1:3000/sandbox/wechatpay',
      notifyUrl: 'http://127.0.0.1:3000/notify/wechatpay',
      usesSandboxKeys: true,
    });
    expect(c?.mchPrivateKey).toBe(keys.mchPrivateKey);
    expect(c?.platformPublicKey).toBe(keys.platformPublicKey);
  });

  it('the app id is the mini-program app id unless WECHATPAY_APP_ID is set', () => {
    expect(loadWechatpayConfig({ WEAPP_APP_ID: 'wxMINI' }, sandboxCtx)?.appId).toBe('wxMINI');
    expect(loadWechatpayConfig({ WEAPP_APP_ID: 'wxMINI', WECHATPAY_APP_ID: 'wxPAY' }, sandboxCtx)?.appId).toBe('wxPAY');
  });

  it('without sandbox and without the variables the channel is off (null)', () => {
    expect(loadWechatpayConfig({}, { production: false, sandbox: false, publicBaseUrl: 'http://x' })).toBeNull();
    expect(loadWechatpayConfig({ WEAPP_APP_ID: 'wx1' }, liveCtx)).toBeNull();
  });

  it('a partial configuration is an error naming what is missing', () => {
    const env = freshEnv();
    delete env.WECHATPAY_APIV3_KEY;
    expect(() => loadWechatpayConfig(env, liveCtx)).toThrow(/WECHATPAY_APIV3_KEY/);
  });

  it('production: real keys from the environment, the real API host, the https notify URL', () => {
    const env = freshEnv();
    const c = loadWechatpayConfig(env, liveCtx);
    expect(c).toMatchObject({ appId: 'wx1234567890abcdef', mchId: '1230000109', apiBase: 'https://api.mch.weixin.qq.com', notifyUrl: 'https://shop.example.com/notify/wechatpay', usesSandboxKeys: false });
    expect(c?.mchPrivateKey).toContain('-----BEGIN PRIVATE KEY-----\n');
    expect(loadWechatpayConfig({ ...env, WECHATPAY_NOTIFY_URL: 'https://pay.example.com/wx/' }, liveCtx)?.notifyUrl).toBe('https://pay.example.com/wx');
  });

  it('production refuses the sandbox keys, compared by key and not by text', () => {
    const env = freshEnv();
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_MCH_PRIVATE_KEY: keys.mchPrivateKey.replace(/\n/g, '\\n') }, liveCtx)).toThrow(/WECHATPAY_MCH_PRIVATE_KEY.*sandbox/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_PUBLIC_KEY: keys.platformPublicKey }, liveCtx)).toThrow(/WECHATPAY_PUBLIC_KEY/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_APIV3_KEY: keys.apiV3Key }, liveCtx)).toThrow(ConfigError);
    // The same keys are fine outside production.
    expect(loadWechatpayConfig({ ...env, WECHATPAY_APIV3_KEY: keys.apiV3Key }, { ...liveCtx, production: false })?.usesSandboxKeys).toBe(true);
  });

  it('production refuses an http notify URL; bad keys and ids are errors', () => {
    const env = freshEnv();
    expect(() => loadWechatpayConfig(env, { ...liveCtx, publicBaseUrl: 'http://shop.example.com' })).toThrow(/https/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_APIV3_KEY: 'short' }, liveCtx)).toThrow(/32 bytes/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_MCH_PRIVATE_KEY: 'not a key' }, liveCtx)).toThrow(/PEM private key/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_PUBLIC_KEY: 'not a key' }, liveCtx)).toThrow(/PEM public key/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_PUBLIC_KEY_ID: '5157F09E' }, liveCtx)).toThrow(/PUB_KEY_ID_/);
    expect(() => loadWechatpayConfig({ ...env, WECHATPAY_API_BASE: 'ftp://x' }, liveCtx)).toThrow(/WECHATPAY_API_BASE/);
  });

  it('rebase moves URLs derived from the old base and leaves explicit ones', () => {
    const c = loadWechatpayConfig({}, { ...sandboxCtx, publicBaseUrl: 'http://127.0.0.1:0' });
    if (!c) throw new Error('null');
    rebaseWechatpayConfig(c, 'http://127.0.0.1:0', 'http://127.0.0.1:43123');
    expect(c.apiBase).toBe('http://127.0.0.1:43123/sandbox/wechatpay');
    expect(c.notifyUrl).toBe('http://127.0.0.1:43123/notify/wechatpay');
    const explicit = loadWechatpayConfig({ WECHATPAY_NOTIFY_URL: 'https://tunnel.example/notify/wechatpay' }, { ...sandboxCtx, publicBaseUrl: 'http://127.0.0.1:0' });
    if (!explicit) throw new Error('null');
    rebaseWechatpayConfig(explicit, 'http://127.0.0.1:0', 'http://127.0.0.1:43123');
    expect(explicit.notifyUrl).toBe('https://tunnel.example/notify/wechatpay');
    expect(explicit.apiBase).toBe('http://127.0.0.1:43123/sandbox/wechatpay');
  });

  it('documents every variable it reads', () => {
    const names = WECHATPAY_ENV_VARS.map((v) => v.name);
    for (const name of Object.keys(freshEnv())) expect(names).toContain(name);
    expect(names).toEqual(expect.arrayContaining(['WECHATPAY_API_BASE', 'WECHATPAY_NOTIFY_URL']));
  });
});
