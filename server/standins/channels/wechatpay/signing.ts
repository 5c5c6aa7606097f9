import { createSign, createVerify, type KeyObject } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AUTH_SCHEMA, MAX_CLOCK_SKEW_SECONDS, parseAuthorization } from '../../../channels/wechatpay/wire';
import { nonceStr, type Merchant, type WechatpayGateway } from './gateway';

/**
 * What every /v3 call shares: the merchant's request signature checked, the body parsed, and
 * the answer (errors included) signed with WeChat Pay's key. Errors are `{ code, message }` with
 * WeChat's HTTP statuses.
 */
export class WxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const paramError = (message: string) => new WxError(400, 'PARAM_ERROR', message);

export function rsaSign(message: string, key: KeyObject): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(key, 'base64');
}

function rsaVerify(message: string, signature: string, key: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(key, signature, 'base64');
  } catch {
    return false;
  }
}

/** An answer signed as WeChat Pay signs it (Wechatpay-Timestamp/Nonce/Signature/Serial). */
export function send(gw: WechatpayGateway, reply: FastifyReply, status: number, body: unknown): FastifyReply {
  const text = body === null ? '' : JSON.stringify(body);
  const timestamp = String(Math.floor(gw.ctx.now() / 1000));
  const nonce = nonceStr(32);
  reply
    .code(status)
    .header('request-id', reply.request.id)
    .header('wechatpay-timestamp', timestamp)
    .header('wechatpay-nonce', nonce)
    .header('wechatpay-serial', gw.publicKeyId)
    .header('wechatpay-signature', rsaSign(`${timestamp}\n${nonce}\n${text}\n`, gw.platformKey));
  if (status === 204) return reply.send();
  return reply.header('content-type', 'application/json; charset=utf-8').send(text);
}

export const sendError = (gw: WechatpayGateway, reply: FastifyReply, err: WxError) => send(gw, reply, err.status, { code: err.code, message: err.message });

export function parseBody<T>(req: FastifyRequest, schema: z.ZodType<T>): T {
  const raw = typeof req.body === 'string' ? req.body : '';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw paramError('请求体不是合法的JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw paramError(`输入源"/body/${issue?.path.join('/') ?? ''}"校验失败: ${issue?.message ?? ''}`);
  }
  return parsed.data;
}

/** The merchant a /v3 request is signed by; throws 401 SIGN_ERROR otherwise. */
export function authenticate(gw: WechatpayGateway, req: FastifyRequest): Merchant {
  const auth = parseAuthorization(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
  if (!auth) throw new WxError(401, 'SIGN_ERROR', `Http头Authorization值格式错误，请参考《微信支付商户REST API签名规则》(${AUTH_SCHEMA})`);
  const merchant = gw.merchants.get(auth.mchid);
  if (!merchant) throw new WxError(401, 'SIGN_ERROR', `商户号${auth.mchid}不存在或未开通APIv3`);
  if (auth.serial_no !== merchant.mchSerial) throw new WxError(401, 'SIGN_ERROR', '商户证书序列号有误。请使用签名私钥匹配的证书序列号');
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(Math.floor(gw.ctx.now() / 1000) - Number(auth.timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    throw new WxError(401, 'SIGN_ERROR', 'Http头Authorization中的timestamp与当前时间相差过大');
  }
  const body = typeof req.body === 'string' ? req.body : '';
  const message = `${req.method}\n${req.url}\n${auth.timestamp}\n${auth.nonce_str}\n${body}\n`;
  if (!rsaVerify(message, auth.signature, merchant.publicKey)) throw new WxError(401, 'SIGN_ERROR', '签名错误，请检查后再试');
  return merchant;
}
