import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../infra/errors';
import { sendProblem } from '../infra/http';
import { publicKeyOf, type Config } from '../infra/config';
import { signedResponseText, verifyParams, type AlipayParams } from '../infra/alipay';

/**
 * Local stand-ins for the three platforms' code-to-session services, speaking each one's real
 * request and response shapes (sandbox mode only):
 *
 *   WeChat   GET  /sandbox/weapp/sns/jscode2session?appid&secret&js_code&grant_type=authorization_code
 *            -> { openid, session_key, unionid } | { errcode, errmsg }
 *   Alipay   POST /sandbox/alipay/gateway.do  (form, method=alipay.system.oauth.token, RSA2-signed)
 *            -> { alipay_system_oauth_token_response: { user_id, open_id, access_token, ... }, sign }
 *               | { error_response: { code, msg, sub_code, sub_msg }, sign }
 *   Douyin   POST /sandbox/tt/api/apps/v2/jscode2session  { appid, secret, code, anonymous_code }
 *            -> { err_no, err_tips, data: { session_key, openid, anonymous_openid, unionid } }
 *
 * Code scheme. A sandbox login code is
 *
 *   sandbox-<owner>[.<nonce>]        owner, nonce: 1-64 of [A-Za-z0-9_-]
 *
 * The owner is the stable part: the openid (and Alipay user id, Douyin openid, unionid) is a
 * hash of platform + owner, so the same simulated user always logs in as the same account.
 * The nonce makes each code distinct. Like the real services, a code works once: a second
 * exchange of the same code is rejected as used (WeChat 40163). When the nonce is a
 * millisecond timestamp (12+ digits, e.g. `sandbox-alice.1732233445566`) the code expires
 * five minutes after that time, as real codes do (WeChat 40029). Anything that does not match
 * the scheme is an invalid code (WeChat 40029). Clients should send
 * `sandbox-<user>.<Date.now()>` (or any fresh nonce) per login.
 */
export const CODE_TTL_MS = 5 * 60 * 1000;
const CODE = /^sandbox-([A-Za-z0-9_-]{1,64})(?:\.([A-Za-z0-9_-]{1,64}))?$/;

export type CodeCheck = { ok: true; owner: string } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

/** Remembers used codes for their lifetime (a development process is short-lived). */
export class CodeBook {
  private used = new Map<string, number>();

  check(code: string, now = Date.now()): CodeCheck {
    const m = CODE.exec(code);
    if (!m) return { ok: false, reason: 'invalid' };
    const nonce = m[2];
    if (nonce && /^\d{12,}$/.test(nonce)) {
      const issued = Number(nonce);
      if (issued > now + 60_000 || now - issued > CODE_TTL_MS) return { ok: false, reason: 'expired' };
    }
    if (this.used.has(code)) return { ok: false, reason: 'used' };
    this.used.set(code, now);
    if (this.used.size > 10_000) {
      for (const [c, at] of this.used) if (now - at > CODE_TTL_MS * 12) this.used.delete(c);
    }
    return { ok: true, owner: m[1] };
  }
}

const hash = (text: string) => createHash('sha256').update(text).digest();
export const standInOpenid = (platform: string, owner: string) => `o${hash(`${platform}:${owner}`).toString('base64url').slice(0, 27)}`;
const unionidOf = (owner: string) => `u${hash(`union:${owner}`).toString('base64url').slice(0, 27)}`;
const sessionKey = (platform: string, owner: string, code: string) => hash(`session:${platform}:${owner}:${code}`).toString('base64').slice(0, 24);
const alipayUserId = (owner: string) => `2088${(hash(`alipay:${owner}`).readBigUInt64BE(0) % 1_000_000_000_000n).toString().padStart(12, '0')}`;

function json(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

export function registerLoginStandIns(app: FastifyInstance, config: Config): void {
  const book = new CodeBook();

  // WeChat: errors are HTTP 200 with errcode/errmsg, as on api.weixin.qq.com.
  app.get<{ Querystring: Record<string, string | undefined> }>('/sandbox/weapp/sns/jscode2session', async (req, reply) => {
    const { appid, secret, js_code: code, grant_type: grantType } = req.query;
    const rid = `rid: ${req.id}`;
    if (!appid || appid !== config.weapp.appId) return json(reply, { errcode: 40013, errmsg: `invalid appid, ${rid}` });
    if (!secret || secret !== config.weapp.secret) return json(reply, { errcode: 40125, errmsg: `invalid appsecret, ${rid}` });
    if (grantType !== 'authorization_code') return json(reply, { errcode: 40002, errmsg: `invalid grant_type, ${rid}` });
    if (!code) return json(reply, { errcode: 41008, errmsg: `missing code, ${rid}` });
    const check = book.check(code);
    if (!check.ok) {
      if (check.reason === 'used') return json(reply, { errcode: 40163, errmsg: `code been used, ${rid}` });
      return json(reply, { errcode: 40029, errmsg: `invalid code, ${rid}` });
    }
    return json(reply, {
      openid: standInOpenid('weapp', check.owner),
      session_key: sessionKey('weapp', check.owner, code),
      unionid: unionidOf(check.owner),
    });
  });

  // Douyin: JSON body; errors in err_no/err_tips.
  app.post<{ Body: unknown }>('/sandbox/tt/api/apps/v2/jscode2session', async (req, reply) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const fail = (errNo: number, tips: string) => json(reply, { err_no: errNo, err_tips: tips, log_id: req.id, data: null });
    if (str('appid') !== config.tt.appId) return fail(40015, 'bad appid');
    if (str('secret') !== config.tt.secret) return fail(40017, 'bad secret');
    const code = str('code');
    const anonymousCode = str('anonymous_code');
    if (!code && !anonymousCode) return fail(40014, 'bad params');
    let owner: string | null = null;
    if (code) {
      const check = book.check(code);
      if (!check.ok) return fail(40018, check.reason === 'used' ? 'code used' : check.reason === 'expired' ? 'code expired' : 'bad code');
      owner = check.owner;
    }
    let anonymousOwner: string | null = null;
    if (anonymousCode) {
      const check = book.check(anonymousCode);
      if (!check.ok) return fail(40019, 'bad anonymous_code');
      anonymousOwner = check.owner;
    }
    return json(reply, {
      err_no: 0,
      err_tips: 'success',
      log_id: req.id,
      data: {
        session_key: sessionKey('tt', owner ?? anonymousOwner ?? '', code || anonymousCode),
        openid: owner ? standInOpenid('tt', owner) : '',
        anonymous_openid: anonymousOwner ? standInOpenid('tt-anon', anonymousOwner) : '',
        unionid: owner ? unionidOf(owner) : '',
      },
    });
  });

  // Alipay: a signed form request to the gateway; a signed JSON answer.
  app.post<{ Body: unknown }>('/sandbox/alipay/gateway.do', async (req, reply) => {
    const gatewayKey = config.alipay.standInGatewayPrivateKey;
    if (!gatewayKey) {
      return sendProblem(reply, new AppError('INTERNAL', 'The sandbox gateway has no signing key: set ALIPAY_SANDBOX_GATEWAY_PRIVATE_KEY'), req.id);
    }
    const raw = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const params: AlipayParams = {};
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') params[k] = v;
    const send = (node: string, value: unknown) =>
      reply.code(200).header('content-type', 'application/json; charset=utf-8').send(signedResponseText(node, value, gatewayKey));
    const error = (code: string, msg: string, subCode: string, subMsg: string) =>
      send('error_response', { code, msg, sub_code: subCode, sub_msg: subMsg });
    const responseNode = 'alipay_system_oauth_token_response';

    if (params.app_id !== config.alipay.appId) return error('40002', 'Invalid Arguments', 'isv.invalid-app-id', '无效的AppID参数');
    if (params.method !== 'alipay.system.oauth.token') return error('40002', 'Invalid Arguments', 'isv.invalid-method', '不存在的方法名');
    if (params.sign_type !== 'RSA2') return error('40002', 'Invalid Arguments', 'isv.invalid-signature-type', '无效的签名类型');
    if (!verifyParams(params, publicKeyOf(config.alipay.privateKey))) {
      return error('40002', 'Invalid Arguments', 'isv.invalid-signature', '验签出错');
    }
    if (params.grant_type !== 'authorization_code') return error('40002', 'Invalid Arguments', 'isv.grant-type-invalid', 'grant_type参数不正确');
    const check = book.check(params.code ?? '');
    if (!check.ok) {
      return error('40002', 'Invalid Arguments', 'isv.code-invalid', check.reason === 'used' ? '授权码code已被使用' : '授权码code无效');
    }
    const userId = alipayUserId(check.owner);
    return send(responseNode, {
      user_id: userId,
      open_id: `0${hash(`alipay-open:${check.owner}`).toString('hex').slice(0, 43)}`,
      access_token: `authusrB${hash(`token:${params.code}`).toString('hex').slice(0, 32)}`,
      expires_in: 1296000,
      refresh_token: `authusrB${hash(`refresh:${params.code}`).toString('hex').slice(0, 32)}`,
      re_expires_in: 2592000,
      auth_start: new Date().toISOString().replace('T', ' ').slice(0, 19),
    });
  });
}
