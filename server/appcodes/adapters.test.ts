import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { testApp, type TestApp } from '../test/app';
import { createAlipayCodeAdapter } from './alipay';
import { createDouyinCodeAdapter, douyinPath } from './douyin';
import { createH5CodeAdapter, h5Link } from './h5';
import { decodeQrPng } from './testing';
import { AppCodeError } from './types';
import { createWeappCodeAdapter } from './weapp';

/**
 * Each platform's adapter against its stand-in (server/standins/appcodes.ts), through the real
 * app over HTTP: the requests the adapter sends (recorded), and the image it answers decoded back
 * to the page and the scene.
 */
interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    sent.push({ url: String(input), method: init?.method ?? 'GET', headers, body: typeof init?.body === 'string' ? init.body : null });
    return fetch(input, init);
  };
}

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});

const SCENE = "t=Ab3dEf7hIj9kLm&p=p_01!*'()~";

describe('WeChat wxacode.getUnlimited', () => {
  it('takes an access token, asks for the code with the real body and answers a PNG that decodes to the page and scene', async () => {
    const sent: Sent[] = [];
    const adapter = createWeappCodeAdapter(t.config.appCodes.weapp!, { fetchImpl: recordingFetch(sent) });
    const image = await adapter.create({ page: 'pages/product/index', scene: SCENE });

    expect(sent).toHaveLength(2);
    const token = new URL(sent[0].url);
    expect(token.pathname).toBe('/sandbox/weapp/cgi-bin/token');
    expect(Object.fromEntries(token.searchParams)).toEqual({ grant_type: 'client_credential', appid: t.config.weapp.appId, secret: t.config.weapp.secret });
    const code = new URL(sent[1].url);
    expect(code.pathname).toBe('/sandbox/weapp/wxa/getwxacodeunlimit');
    expect(code.searchParams.get('access_token')).toMatch(/^wx\./);
    expect(sent[1].method).toBe('POST');
    expect(sent[1].headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[1].body!)).toEqual({ scene: SCENE, page: 'pages/product/index', check_path: true, env_version: 'release', width: 430 });

    expect(image.contentType).toBe('image/png');
    const url = new URL(decodeQrPng(image.bytes)!.replace('/#/', '/'));
    expect(url.pathname).toBe('/pages/product/index');
    expect(url.searchParams.get('scene')).toBe(SCENE);
    expect(url.searchParams.get('sandbox')).toBe('weapp');
  });

  it('keeps the access token until it expires, and renews it once when the platform says it is invalid', async () => {
    const sent: Sent[] = [];
    let now = Date.now();
    const adapter = createWeappCodeAdapter(t.config.appCodes.weapp!, { fetchImpl: recordingFetch(sent), now: () => now });
    await adapter.create({ page: 'pages/home/index', scene: 'a=1' });
    await adapter.create({ page: 'pages/home/index', scene: 'a=2' });
    expect(sent.filter((s) => s.url.includes('/cgi-bin/token'))).toHaveLength(1);
    now += 7200_000;
    await adapter.create({ page: 'pages/home/index', scene: 'a=3' });
    expect(sent.filter((s) => s.url.includes('/cgi-bin/token'))).toHaveLength(2);

    // A token the platform no longer knows (40001): dropped, a new one fetched, the call made again.
    const stale: Sent[] = [];
    let first = true;
    const staleFetch: typeof fetch = async (input, init) => {
      const url = String(input);
      if (first && url.includes('/cgi-bin/token')) {
        first = false;
        stale.push({ url, method: 'GET', headers: {}, body: null });
        return new Response(JSON.stringify({ access_token: 'wx.revoked', expires_in: 7200 }), { headers: { 'content-type': 'application/json' } });
      }
      return recordingFetch(stale)(input, init);
    };
    const retried = createWeappCodeAdapter(t.config.appCodes.weapp!, { fetchImpl: staleFetch });
    const image = await retried.create({ page: 'pages/home/index', scene: 'b=1' });
    expect(decodeQrPng(image.bytes)).toContain('scene=b%3D1');
    expect(stale.map((s) => new URL(s.url).pathname)).toEqual([
      '/sandbox/weapp/cgi-bin/token',
      '/sandbox/weapp/wxa/getwxacodeunlimit',
      '/sandbox/weapp/cgi-bin/token',
      '/sandbox/weapp/wxa/getwxacodeunlimit',
    ]);
  });

  it("answers the platform's errcode as an AppCodeError (a page the mini-program does not have, a wrong secret)", async () => {
    const adapter = createWeappCodeAdapter(t.config.appCodes.weapp!);
    await expect(adapter.create({ page: 'pages/nowhere/index', scene: 'x' })).rejects.toMatchObject({ name: 'AppCodeError', platform: 'weapp', platformCode: '41030' });
    const wrong = createWeappCodeAdapter({ ...t.config.appCodes.weapp!, secret: 'not-the-secret' });
    await expect(wrong.create({ page: 'pages/home/index', scene: 'x' })).rejects.toMatchObject({ platformCode: '40125' });
  });

  it('a platform that does not answer is an AppCodeError too', async () => {
    const down = createWeappCodeAdapter({ ...t.config.appCodes.weapp!, apiBase: 'http://127.0.0.1:1' });
    await expect(down.create({ page: 'pages/home/index', scene: 'x' })).rejects.toBeInstanceOf(AppCodeError);
  });
});

describe('Douyin apps/v1/qrcode/create', () => {
  it('takes a client token, asks with the real body and header, and answers the PNG from data.img', async () => {
    const sent: Sent[] = [];
    const adapter = createDouyinCodeAdapter(t.config.appCodes.tt!, { fetchImpl: recordingFetch(sent) });
    const image = await adapter.create({ page: 'pages/product/index', scene: SCENE });

    expect(sent.map((s) => new URL(s.url).pathname)).toEqual(['/sandbox/douyin-open/oauth/client_token/', '/sandbox/douyin-open/api/apps/v1/qrcode/create/']);
    expect(JSON.parse(sent[0].body!)).toEqual({ client_key: t.config.tt.appId, client_secret: t.config.tt.secret, grant_type: 'client_credential' });
    expect(sent[1].headers['access-token']).toMatch(/^clt\./);
    expect(JSON.parse(sent[1].body!)).toEqual({
      appid: t.config.tt.appId,
      app_name: 'douyin',
      path: douyinPath('pages/product/index', SCENE),
      width: 430,
      set_icon: false,
      is_circle_code: false,
    });
    expect(decodeURIComponent(douyinPath('pages/product/index', SCENE))).toBe(`pages/product/index?scene=${encodeURIComponent(SCENE)}`);

    const url = new URL(decodeQrPng(image.bytes)!.replace('/#/', '/'));
    expect(url.pathname).toBe('/pages/product/index');
    expect(url.searchParams.get('scene')).toBe(SCENE);
    expect(url.searchParams.get('sandbox')).toBe('tt');
  });

  it("answers the platform's err_no as an AppCodeError", async () => {
    const wrong = createDouyinCodeAdapter({ ...t.config.appCodes.tt!, secret: 'nope' });
    await expect(wrong.create({ page: 'pages/home/index', scene: 'x' })).rejects.toMatchObject({ platform: 'tt', platformCode: '10002' });
    const otherApp = createDouyinCodeAdapter({ ...t.config.appCodes.tt!, appId: 'tt-other' });
    await expect(otherApp.create({ page: 'pages/home/index', scene: 'x' })).rejects.toMatchObject({ platform: 'tt' });
  });
});

describe('Alipay alipay.open.app.qrcode.create', () => {
  let proxy: Server;
  let proxyUrl: string;
  const gatewayCalls: { query: URLSearchParams; form: URLSearchParams }[] = [];

  // Records what alipay-sdk's exec sends to the gateway, then forwards it to the stand-in.
  beforeAll(async () => {
    proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://x');
        gatewayCalls.push({ query: url.searchParams, form: new URLSearchParams(body) });
        void fetch(`${t.config.appCodes.alipay!.gateway}${url.search}`, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body }).then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
          res.end(await r.text());
        });
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const addr = proxy.address();
    proxyUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/gateway.do`;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('calls the gateway (signed, biz_content as Alipay defines it), verifies the answer and fetches the PNG at qr_code_url', async () => {
    const sent: Sent[] = [];
    const adapter = createAlipayCodeAdapter({ ...t.config.appCodes.alipay!, gateway: proxyUrl }, { fetchImpl: recordingFetch(sent) });
    const image = await adapter.create({ page: 'pages/product/index', scene: SCENE });

    expect(gatewayCalls).toHaveLength(1);
    const params = new URLSearchParams([...gatewayCalls[0].query, ...gatewayCalls[0].form]);
    expect(params.get('method')).toBe('alipay.open.app.qrcode.create');
    expect(params.get('app_id')).toBe(t.config.alipay.appId);
    expect(params.get('sign_type')).toBe('RSA2');
    expect(params.get('sign')).toBeTruthy();
    expect(JSON.parse(params.get('biz_content')!)).toEqual({ url_param: 'pages/product/index', query_param: `scene=${encodeURIComponent(SCENE)}`, describe: '分享海报' });

    expect(sent).toHaveLength(1);
    expect(new URL(sent[0].url).pathname).toMatch(/^\/sandbox\/alipay\/qrcode\/[A-Za-z0-9_-]+\.png$/);
    const url = new URL(decodeQrPng(image.bytes)!.replace('/#/', '/'));
    expect(url.pathname).toBe('/pages/product/index');
    expect(url.searchParams.get('scene')).toBe(SCENE);
    expect(url.searchParams.get('sandbox')).toBe('alipay');
  });

  it("answers the gateway's refusal as an AppCodeError (another app's id: invalid app id)", async () => {
    const adapter = createAlipayCodeAdapter({ ...t.config.appCodes.alipay!, appId: '2021009999999999' });
    await expect(adapter.create({ page: 'pages/home/index', scene: 'x' })).rejects.toMatchObject({ platform: 'alipay', platformCode: 'isv.invalid-app-id' });
  });

  it('refuses an answer whose signature does not verify', async () => {
    const adapter = createAlipayCodeAdapter({ ...t.config.appCodes.alipay!, alipayPublicKey: publicOfOtherKey() });
    await expect(adapter.create({ page: 'pages/home/index', scene: 'x' })).rejects.toBeInstanceOf(AppCodeError);
  });
});

describe('H5', () => {
  it('makes a QR code of the hash-router link locally', async () => {
    const adapter = createH5CodeAdapter(() => 'https://shop.example.com');
    const image = await adapter.create({ page: 'pages/product/index', scene: SCENE });
    expect(image.contentType).toBe('image/png');
    expect(decodeQrPng(image.bytes)).toBe(h5Link('https://shop.example.com', 'pages/product/index', SCENE));
    expect(h5Link('https://shop.example.com', 'pages/home/index', 'a=1&b=2')).toBe('https://shop.example.com/#/pages/home/index?scene=a%3D1%26b%3D2');
  });
});

function publicOfOtherKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
