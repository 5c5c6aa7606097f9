import { testApp, type TestApp } from '../test/app';
import { userToken } from '../modules/order/testing';
import { decodeQrPng, fromDataUrl } from './testing';

/** POST /api/share/code through the app and the stand-ins, on SQLite and (TEST_DB=postgres) PostgreSQL. */
let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});

const token = async () => (await userToken(t.db, t.config.tokenSecret)).token;

describe('POST /api/share/code', () => {
  it.each(['weapp', 'alipay', 'tt', 'h5'] as const)('%s: answers a data URL of a code that decodes to the page and scene', async (platform) => {
    const res = await t.post<{ image: string }>('/api/share/code', { platform, page: 'pages/product/index', scene: 't=Ab3dEf7hIj9kLm' }, { token: await token() });
    expect(res.status).toBe(200);
    const { type, bytes } = fromDataUrl(res.body.image);
    expect(type).toBe('image/png');
    const url = new URL(decodeQrPng(bytes)!.replace('/#/', '/'));
    expect(url.pathname).toBe('/pages/product/index');
    expect(url.searchParams.get('scene')).toBe('t=Ab3dEf7hIj9kLm');
    expect(url.searchParams.get('sandbox')).toBe(platform === 'h5' ? null : platform);
  });

  it('needs a signed-in shopper', async () => {
    const res = await t.post('/api/share/code', { platform: 'h5', page: 'pages/home/index', scene: 'a' });
    expect(res.status).toBe(401);
  });

  it('refuses a page outside the list, a scene too long or outside the alphabet, an unknown platform (400)', async () => {
    const tk = await token();
    for (const body of [
      { platform: 'weapp', page: 'pages/cart/index', scene: 'a' },
      { platform: 'weapp', page: 'pages/home/index?x=1', scene: 'a' },
      { platform: 'weapp', page: 'pages/home/index', scene: 'x'.repeat(33) },
      { platform: 'weapp', page: 'pages/home/index', scene: 'a%20b' },
      { platform: 'weapp', page: 'pages/home/index', scene: '' },
      { platform: 'swan', page: 'pages/home/index', scene: 'a' },
    ]) {
      const res = await t.post<{ code: string }>('/api/share/code', body, { token: tk });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('limits an account to 30 codes a minute (429 RATE_LIMITED with Retry-After)', async () => {
    const tk = await token();
    for (let i = 0; i < 30; i++) {
      const res = await t.post('/api/share/code', { platform: 'h5', page: 'pages/home/index', scene: 'same' }, { token: tk });
      expect(res.status).toBe(200);
    }
    const res = await t.post<{ code: string; retryAfterSeconds: number }>('/api/share/code', { platform: 'h5', page: 'pages/home/index', scene: 'same' }, { token: tk });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('a platform that fails', () => {
  let down: TestApp;
  beforeAll(async () => {
    down = await testApp({ seed: false, env: { WEAPP_API_BASE: 'http://127.0.0.1:1', WEAPP_APP_ID: 'wx-sandbox-app', WEAPP_APP_SECRET: 'wx-sandbox-secret' } });
  });
  afterAll(async () => {
    await down.close();
  });

  it('is a 502 problem with a stable code and the platform, never a 500', async () => {
    const { token: tk } = await userToken(down.db, down.config.tokenSecret);
    const res = await down.post<{ code: string; platform: string }>('/api/share/code', { platform: 'weapp', page: 'pages/home/index', scene: 'a' }, { token: tk });
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'SHARE_CODE_FAILED', platform: 'weapp' });
  });
});
