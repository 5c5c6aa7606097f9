import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DOUYIN_ERR } from '../../../channels/douyin/errors';
import { newNonce, parseByteAuthorization, platformSignContent, requestSignContent, rsaSign, rsaVerify, unixSeconds } from '../../../channels/douyin/wire';
import { REQUEST_WINDOW_MS, type DouyinGateway } from './gateway';

/**
 * What the trade system's server API shares: the developer's call authenticated (access-token
 * and a Byte-Authorization signed with the app key), answers { err_no, err_msg, log_id, data }
 * signed with Douyin's key (Byte-Timestamp, Byte-Nonce-Str, Byte-Signature over ts\nnonce\nbody\n).
 */

/** The headers Douyin signs what it sends with (answers and callbacks). */
export function platformHeaders(gw: DouyinGateway, body: string, corrupt = false): Record<string, string> {
  const ts = unixSeconds(gw.ctx.now());
  const nonce = newNonce();
  let key = gw.platformPrivateKey;
  if (corrupt) {
    gw.wrongKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    key = gw.wrongKey;
  }
  return {
    'content-type': 'application/json',
    'byte-timestamp': ts,
    'byte-nonce-str': nonce,
    'byte-signature': rsaSign(platformSignContent(ts, nonce, body), key),
    'byte-logid': `${unixSeconds(gw.ctx.now())}${randomBytes(10).toString('hex').toUpperCase()}`,
  };
}

function sendSigned(gw: DouyinGateway, reply: FastifyReply, status: number, value: unknown): FastifyReply {
  const body = JSON.stringify(value);
  return reply.code(status).headers(platformHeaders(gw, body)).send(body);
}

export function apiAnswer(gw: DouyinGateway, reply: FastifyReply, errNo: number, errMsg: string, data: unknown, status = 200): FastifyReply {
  return sendSigned(gw, reply, status, { err_no: errNo, err_msg: errMsg, log_id: randomBytes(12).toString('hex').toUpperCase(), data: data ?? null });
}

export function problem(reply: FastifyReply, status: number, code: string, detail: string): FastifyReply {
  return reply.code(status).type('application/problem+json').send({ type: 'about:blank', title: detail, status, code, detail });
}

export function rawBody(req: FastifyRequest): string {
  return typeof req.body === 'string' ? req.body : '';
}

export function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export type Authed = { appId: string; body: Record<string, unknown> };

/** The app a server API call comes from and its JSON body; answers the failure itself and returns null otherwise. */
export function authenticate(gw: DouyinGateway, req: FastifyRequest, reply: FastifyReply, path: string): Authed | null {
  const tokenHeader = req.headers['access-token'];
  const token = typeof tokenHeader === 'string' ? gw.tokens.get(tokenHeader) : undefined;
  if (!token) {
    apiAnswer(gw, reply, DOUYIN_ERR.tokenInvalid, 'access-token 无效', null);
    return null;
  }
  if (token.expiresAt <= gw.ctx.now()) {
    apiAnswer(gw, reply, DOUYIN_ERR.tokenExpired, 'access-token 已过期', null);
    return null;
  }
  const authHeader = req.headers['byte-authorization'];
  const auth = parseByteAuthorization(typeof authHeader === 'string' ? authHeader : undefined);
  const text = rawBody(req);
  const badSig = (why: string) => {
    apiAnswer(gw, reply, DOUYIN_ERR.badSignature, `签名校验失败: ${why}`, null, 401);
    return null;
  };
  if (!auth) return badSig('missing or malformed Byte-Authorization');
  if (auth.appId !== token.appId) return badSig('appid does not match the access-token');
  if (auth.keyVersion !== gw.keyVersion) return badSig(`unknown key_version ${auth.keyVersion}`);
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(gw.ctx.now() - Number(auth.timestamp) * 1000) > REQUEST_WINDOW_MS) return badSig('timestamp outside the 5 minute window');
  if (!rsaVerify(requestSignContent('POST', path, auth.timestamp, auth.nonce, text), auth.signature, gw.appPublicKey)) return badSig('signature does not verify');
  const body = parseObject(text);
  if (!body) {
    apiAnswer(gw, reply, DOUYIN_ERR.badParams, '参数错误: body is not a JSON object', null);
    return null;
  }
  return { appId: token.appId, body };
}
