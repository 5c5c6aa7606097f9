import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SCENE_PATTERN, SHARE_PAGES } from '../../contract/share';
import { qrPng } from '../appcodes';
import { publicKeyOf, type Config } from '../infra/config';
import { signedResponseText, verifyParams } from '../infra/alipay';
import { requestParams } from './channels/alipay/request';

/**
 * Stand-ins for the platforms' code APIs (sandbox mode only), in their real request and answer
 * shapes (docs/share.md):
 *
 *   WeChat  GET  /sandbox/weapp/cgi-bin/token?grant_type=client_credential&appid&secret -> { access_token, expires_in } | { errcode, errmsg }
 *           POST /sandbox/weapp/wxa/getwxacodeunlimit?access_token  { scene, page, check_path, env_version, width }
 *                -> image/png | { errcode, errmsg }
 *   Douyin  POST /sandbox/douyin-open/oauth/client_token/  { client_key, client_secret, grant_type }
 *                -> { data: { access_token, expires_in, error_code, description }, message }
 *           POST /sandbox/douyin-open/api/apps/v1/qrcode/create/  (header access-token) { appid, app_name, path, width, ... }
 *                -> { err_no, err_msg, log_id, data: { img } }
 *   Alipay  POST /sandbox/alipay/gateway.do  method=alipay.open.app.qrcode.create (RSA2-signed, biz_content { url_param, query_param, describe })
 *                -> { alipay_open_app_qrcode_create_response: { code, msg, qr_code_url, ... }, sign }
 *           GET  /sandbox/alipay/qrcode/<id>.png  the image qr_code_url names
 *
 * Every image is a real QR code (PNG) a phone or a decoder reads: the H5 link of the page with
 * its query, plus `sandbox=<platform>` (`<PUBLIC_BASE_URL>/#/pages/product/index?scene=...&sandbox=weapp`),
 * so a phone scanning a sandbox poster opens the same page in the H5 app.
 */
const TOKEN_TTL_SECONDS = 7200;
const DOUYIN_APP_NAMES = new Set(['toutiao', 'douyin', 'douyin_lite', 'douyin_search', 'toutiao_lite', 'all']);

export function sandboxCodeContent(baseUrl: string, pathWithQuery: string, platform: string): string {
  return `${baseUrl}/#/${pathWithQuery}${pathWithQuery.includes('?') ? '&' : '?'}sandbox=${platform}`;
}

function json(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

const png = (reply: FastifyReply, bytes: Buffer) => reply.code(200).header('content-type', 'image/png').header('cache-control', 'no-store').send(bytes);

/** Access tokens issued, with their expiry (a development process is short-lived). */
export class TokenBook {
  private tokens = new Map<string, number>();
  issue(prefix: string, now = Date.now()): string {
    const token = `${prefix}${randomBytes(24).toString('hex')}`;
    this.tokens.set(token, now + TOKEN_TTL_SECONDS * 1000);
    if (this.tokens.size > 10_000) for (const [t, until] of this.tokens) if (until < now) this.tokens.delete(t);
    return token;
  }
  valid(token: string | undefined, now = Date.now()): boolean {
    const until = token ? this.tokens.get(token) : undefined;
    return until !== undefined && until > now;
  }
}

const width = (v: unknown): number | null => (v === undefined ? 430 : typeof v === 'number' && Number.isInteger(v) && v >= 280 && v <= 1280 ? v : null);

/** What the code stand-ins share with WeChat's other server API stand-ins: the access tokens cgi-bin/token issued. */
export interface AppCodeStandIns {
  wxTokens: TokenBook;
}

export function registerAppCodeStandIns(app: FastifyInstance, config: Config): AppCodeStandIns {
  const base = () => config.publicBaseUrl;
  const wxTokens = new TokenBook();
  const ttTokens = new TokenBook();

  // WeChat: errors are HTTP 200 with errcode/errmsg.
  app.get<{ Querystring: Record<string, string | undefined> }>('/sandbox/weapp/cgi-bin/token', async (req, reply) => {
    const { grant_type: grantType, appid, secret } = req.query;
    const rid = `rid: ${req.id}`;
    if (grantType !== 'client_credential') return json(reply, { errcode: 40002, errmsg: `invalid grant_type, ${rid}` });
    if (!appid || appid !== config.weapp.appId) return json(reply, { errcode: 40013, errmsg: `invalid appid, ${rid}` });
    if (!secret || secret !== config.weapp.secret) return json(reply, { errcode: 40125, errmsg: `invalid appsecret, ${rid}` });
    return json(reply, { access_token: wxTokens.issue('wx.'), expires_in: TOKEN_TTL_SECONDS });
  });

  app.post<{ Querystring: Record<string, string | undefined>; Body: unknown }>('/sandbox/weapp/wxa/getwxacodeunlimit', async (req, reply) => {
    const rid = `rid: ${req.id}`;
    if (!wxTokens.valid(req.query.access_token)) {
      return json(reply, { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest, ${rid}` });
    }
    const body = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return json(reply, { errcode: 47001, errmsg: `data format error, ${rid}` });
    const b = body as Record<string, unknown>;
    if (typeof b.scene !== 'string' || !SCENE_PATTERN.test(b.scene)) return json(reply, { errcode: 40169, errmsg: `invalid length for scene, or the data is not json string, ${rid}` });
    const page = b.page === undefined ? 'pages/home/index' : b.page;
    if (typeof page !== 'string' || page.startsWith('/') || page.includes('?')) return json(reply, { errcode: 41030, errmsg: `invalid page, ${rid}` });
    if (b.env_version !== undefined && !['release', 'trial', 'develop'].includes(String(b.env_version))) {
      return json(reply, { errcode: 40097, errmsg: `invalid args: env_version, ${rid}` });
    }
    // check_path (default true): the page must be one the published mini-program has.
    if (b.check_path !== false && !(SHARE_PAGES as readonly string[]).includes(page)) return json(reply, { errcode: 41030, errmsg: `invalid page, ${rid}` });
    const w = width(b.width);
    if (w === null) return json(reply, { errcode: 40097, errmsg: `invalid args: width, ${rid}` });
    return png(reply, await qrPng(sandboxCodeContent(base(), `${page}?scene=${encodeURIComponent(b.scene)}`, 'weapp'), w));
  });

  // Douyin open platform: JSON everywhere, errors in err_no / error_code.
  app.post<{ Body: unknown }>('/sandbox/douyin-open/oauth/client_token/', async (req, reply) => {
    const b = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const fail = (code: number, description: string) => json(reply, { data: { error_code: code, description }, message: 'error', extra: { logid: req.id } });
    if (b.grant_type !== 'client_credential') return fail(10003, 'grant_type is invalid');
    if (b.client_key !== config.tt.appId) return fail(10002, 'client_key is invalid');
    if (b.client_secret !== config.tt.secret) return fail(10002, 'client_secret is invalid');
    return json(reply, { data: { access_token: ttTokens.issue('clt.'), expires_in: TOKEN_TTL_SECONDS, error_code: 0, description: '' }, message: 'success' });
  });

  app.post<{ Body: unknown }>('/sandbox/douyin-open/api/apps/v1/qrcode/create/', async (req, reply) => {
    const fail = (errNo: number, msg: string) => json(reply, { err_no: errNo, err_msg: msg, log_id: req.id, data: null });
    const token = req.headers['access-token'];
    if (!ttTokens.valid(typeof token === 'string' ? token : undefined)) return fail(28001003, 'access_token无效');
    const b = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    if (b.appid !== config.tt.appId) return fail(28005001, '参数不合法: appid');
    if (b.app_name !== undefined && !DOUYIN_APP_NAMES.has(String(b.app_name))) return fail(28005001, '参数不合法: app_name');
    const w = width(b.width);
    if (w === null) return fail(28005001, '参数不合法: width');
    let path: string;
    try {
      path = typeof b.path === 'string' ? decodeURIComponent(b.path) : '';
    } catch {
      return fail(28005001, '参数不合法: path');
    }
    if (path.startsWith('/')) return fail(28005001, '参数不合法: path');
    const img = await qrPng(sandboxCodeContent(base(), path || 'pages/home/index', 'tt'), w);
    return json(reply, { err_no: 0, err_msg: '', log_id: req.id, data: { img: img.toString('base64') } });
  });

  // Alipay: alipay.open.app.qrcode.create on the shared gateway.do, ahead of the login stand-in's route.
  const method = 'alipay.open.app.qrcode.create';
  const node = 'alipay_open_app_qrcode_create_response';
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST') return;
    const q = req.url.indexOf('?');
    if ((q >= 0 ? req.url.slice(0, q) : req.url) !== '/sandbox/alipay/gateway.do') return;
    const params = requestParams(req);
    if (params.method !== method) return;
    const key = config.alipay.standInGatewayPrivateKey;
    if (!key) return reply.code(500).send({ error: 'the sandbox gateway has no signing key: set ALIPAY_SANDBOX_GATEWAY_PRIVATE_KEY' });
    const send = (value: unknown, name = node) => reply.code(200).header('content-type', 'application/json; charset=utf-8').send(signedResponseText(name, value, key));
    const invalid = (subCode: string, subMsg: string) => send({ code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg });
    if (params.app_id !== config.alipay.appId) return invalid('isv.invalid-app-id', '无效的AppID参数');
    if (params.sign_type !== 'RSA2') return invalid('isv.invalid-signature-type', '无效的签名类型');
    if (!verifyParams(params, publicKeyOf(config.alipay.privateKey))) return invalid('isv.invalid-signature', '验签出错');
    let biz: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(params.biz_content ?? '');
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      biz = parsed as Record<string, unknown>;
    } catch {
      return invalid('isv.invalid-biz-content', '业务参数格式错误');
    }
    const business = (subCode: string, subMsg: string) => send({ code: '40004', msg: 'Business Failed', sub_code: subCode, sub_msg: subMsg });
    if (typeof biz.url_param !== 'string' || biz.url_param === '' || biz.url_param.startsWith('/')) return business('INVALID_PARAMETER', 'url_param 不合法');
    if (typeof biz.query_param !== 'string' || biz.query_param === '') return business('INVALID_PARAMETER', 'query_param 不能为空');
    if (typeof biz.describe !== 'string' || biz.describe === '') return business('INVALID_PARAMETER', 'describe 不能为空');
    const id = Buffer.from(JSON.stringify([biz.url_param, biz.query_param])).toString('base64url');
    const url = `${base()}/sandbox/alipay/qrcode/${id}.png`;
    return send({ code: '10000', msg: 'Success', qr_code_url: url, qr_code_url_circle_white: url, qr_code_url_circle_blue: url });
  });

  app.get<{ Params: { file: string } }>('/sandbox/alipay/qrcode/:file', async (req, reply) => {
    const m = /^([A-Za-z0-9_-]+)\.png$/.exec(req.params.file);
    let pair: unknown = null;
    try {
      pair = m ? JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) : null;
    } catch {
      pair = null;
    }
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('no such code');
    }
    return png(reply, await qrPng(sandboxCodeContent(base(), `${pair[0]}?${pair[1]}`, 'alipay')));
  });
  return { wxTokens };
}
