import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../../infra/config';
import { ALIPAY_ENV_VARS, ALIPAY_PRODUCTION_GATEWAY, loadAlipayConfig, rebaseAlipayConfig } from './config';
import { alipaySandboxKeys, keyFingerprint } from './sandbox-keys';

const keys = alipaySandboxKeys();
const sandbox = { production: false, sandbox: true, publicBaseUrl: 'http://127.0.0.1:3000' };
const live = { production: true, sandbox: false, publicBaseUrl: 'https://shop.example.com' };

function realKeys() {
  const app = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const alipay = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: app.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privatePkcs1: app.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    privateBase64: app.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
    alipayPublicPem: alipay.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    alipayPublicBase64: alipay.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}
const real = realKeys();
const liveEnv = {
  ALIPAY_APP_ID: '2021004100000001',
  ALIPAY_SELLER_ID: '2088621000000001',
  ALIPAY_PRIVATE_KEY: real.privatePem,
  ALIPAY_PUBLIC_KEY: real.alipayPublicPem,
};

describe('loadAlipayConfig', () => {
  it('sandbox: every value defaults to sandbox-keys/alipay and the local gateway', () => {
    const c = loadAlipayConfig({}, sandbox);
    expect(c).toMatchObject({
      appId: keys.appId,
      sellerId: keys.sellerId,
      gateway: 'http://127.0.0.1:3000/sandbox/alipay/gateway.do',
      notifyUrl: 'http://127.0.0.1:3000/notify/alipay',
      returnUrl: 'http://127.0.0.1:3000/',
      usesSandboxKeys: true,
    });
    expect(keyFingerprint(c?.privateKey ?? '')).toBe(keyFingerprint(keys.appPublicKey));
    expect(keyFingerprint(c?.alipayPublicKey ?? '')).toBe(keyFingerprint(keys.alipayPrivateKey));
  });

  it('off without sandbox and without ALIPAY_SELLER_ID, even when login keys are set', () => {
    expect(loadAlipayConfig({}, { ...live, production: false })).toBeNull();
    expect(loadAlipayConfig({ ALIPAY_APP_ID: liveEnv.ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY: real.privatePem, ALIPAY_PUBLIC_KEY: real.alipayPublicPem }, live)).toBeNull();
  });

  it('a seller id without the keys is a configuration error naming what is missing', () => {
    expect(() => loadAlipayConfig({ ALIPAY_SELLER_ID: liveEnv.ALIPAY_SELLER_ID }, live)).toThrow(/ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY/);
  });

  it('production: real keys from the environment, the production gateway', () => {
    const c = loadAlipayConfig(liveEnv, live);
    expect(c).toMatchObject({ appId: '2021004100000001', sellerId: '2088621000000001', gateway: ALIPAY_PRODUCTION_GATEWAY, notifyUrl: 'https://shop.example.com/notify/alipay', usesSandboxKeys: false });
  });

  it('production refuses the sandbox keys (compared by key, whatever the formatting)', () => {
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_PRIVATE_KEY: keys.appPrivateKey }, live)).toThrow(ConfigError);
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_PRIVATE_KEY: keys.appPrivateKey.replace(/\n/g, '\\n') }, live)).toThrow(/ALIPAY_PRIVATE_KEY hold the sandbox/);
    const pkcs1 = createPrivateKey(keys.appPrivateKey).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_PRIVATE_KEY: pkcs1 }, live)).toThrow(/sandbox/);
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_PUBLIC_KEY: keys.alipayPublicKey }, live)).toThrow(/ALIPAY_PUBLIC_KEY hold the sandbox/);
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_PRIVATE_KEY: keys.alipayPrivateKey }, live)).toThrow(/ALIPAY_PRIVATE_KEY/);
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_GATEWAY: 'http://openapi.alipay.com/gateway.do' }, live)).toThrow(/https/);
  });

  it('keys as PEM with literal \\n, PKCS#1 PEM or the bare base64 of the key tool', () => {
    const a = loadAlipayConfig({ ...liveEnv, ALIPAY_PRIVATE_KEY: real.privatePem.replace(/\n/g, '\\n') }, live);
    const b = loadAlipayConfig({ ...liveEnv, ALIPAY_PRIVATE_KEY: real.privatePkcs1, ALIPAY_PUBLIC_KEY: real.alipayPublicBase64 }, live);
    const c = loadAlipayConfig({ ...liveEnv, ALIPAY_PRIVATE_KEY: real.privateBase64 }, live);
    for (const cfg of [a, b, c]) {
      expect(cfg?.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      expect(keyFingerprint(cfg?.privateKey ?? '')).toBe(keyFingerprint(real.privatePem));
      expect(keyFingerprint(cfg?.alipayPublicKey ?? '')).toBe(keyFingerprint(real.alipayPublicPem));
    }
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_PRIVATE_KEY: 'not a key' }, live)).toThrow(/not a readable RSA private key/);
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_PUBLIC_KEY: 'bm90IGEga2V5' }, live)).toThrow(/not a readable RSA public key/);
  });

  it('checks the app id, seller id and URLs', () => {
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_APP_ID: 'wx123' }, live)).toThrow(/ALIPAY_APP_ID/);
    expect(() => loadAlipayConfig({ ...liveEnv, ALIPAY_SELLER_ID: '1234' }, live)).toThrow(/ALIPAY_SELLER_ID/);
    expect(() => loadAlipayConfig({ ALIPAY_NOTIFY_URL: 'notify' }, sandbox)).toThrow(/ALIPAY_NOTIFY_URL/);
  });

  it('rebase moves the derived URLs to the real port and leaves explicit ones alone', () => {
    const c = loadAlipayConfig({ ALIPAY_RETURN_URL: 'https://h5.example.com/' }, { ...sandbox, publicBaseUrl: 'http://127.0.0.1:0' });
    if (!c) throw new Error('config expected');
    rebaseAlipayConfig(c, 'http://127.0.0.1:0', 'http://127.0.0.1:41234');
    expect(c.gateway).toBe('http://127.0.0.1:41234/sandbox/alipay/gateway.do');
    expect(c.notifyUrl).toBe('http://127.0.0.1:41234/notify/alipay');
    expect(c.returnUrl).toBe('https://h5.example.com/');
  });

  it('documents every variable it reads', () => {
    expect(ALIPAY_ENV_VARS.map((v) => v.name)).toEqual(['ALIPAY_APP_ID', 'ALIPAY_SELLER_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY', 'ALIPAY_GATEWAY', 'ALIPAY_NOTIFY_URL', 'ALIPAY_TRANSFER_NOTIFY_URL', 'ALIPAY_RETURN_URL']);
  });
});
