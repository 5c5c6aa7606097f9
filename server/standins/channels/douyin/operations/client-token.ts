import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLIENT_TOKEN_BAD_SECRET, DOUYIN_ERR } from '../../../../channels/douyin/errors';
import type { DouyinGateway } from '../gateway';
import { parseObject, rawBody } from '../signing';

/** POST /oauth/client_token/ { grant_type: client_credential, client_key, client_secret } -> access_token (unsigned, its own shape). */
const TOKEN_TTL_SECONDS = 7200;

export async function clientToken(gw: DouyinGateway, req: FastifyRequest, reply: FastifyReply) {
  const body = parseObject(rawBody(req)) ?? {};
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
  const refuse = (code: number, description: string) =>
    reply.code(200).type('application/json').send(JSON.stringify({ data: { description, error_code: code }, message: 'error' }));
  if (str('grant_type') !== 'client_credential') return refuse(DOUYIN_ERR.badParams, 'grant_type must be client_credential');
  if (!str('client_key') || str('client_secret') !== gw.appSecret) return refuse(CLIENT_TOKEN_BAD_SECRET, 'client_key or client_secret is wrong');
  const accessToken = `clt.${randomBytes(24).toString('hex')}`;
  gw.tokens.set(accessToken, { appId: str('client_key'), expiresAt: gw.ctx.now() + TOKEN_TTL_SECONDS * 1000 });
  return reply
    .code(200)
    .type('application/json')
    .send(JSON.stringify({ data: { access_token: accessToken, description: '', error_code: 0, expires_in: TOKEN_TTL_SECONDS }, message: 'success' }));
}
