import type { MiniPlatform } from '../../../contract/identity';
import { alipayTimestamp, signParams, verifiedResponseNode } from '../../infra/alipay';
import type { Config } from '../../infra/config';
import { AppError } from '../../infra/errors';

/**
 * Exchanging a mini-program login code for the platform's user id, over HTTP at the configured
 * endpoint (the local sandbox by default; the real services in production).
 */
export interface PlatformIdentity {
  openid: string;
  unionid: string | null;
}

const TIMEOUT_MS = 5000;

function loginFailed(platform: string, detail: string): AppError {
  return new AppError('LOGIN_FAILED', `${platform} login failed: ${detail}`);
}

async function fetchJson(platform: string, url: string, init?: RequestInit): Promise<{ text: string; json: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw loginFailed(platform, `the platform did not answer (${err instanceof Error ? err.message : String(err)})`);
  }
  const text = await res.text();
  if (!res.ok) throw loginFailed(platform, `the platform answered HTTP ${res.status}`);
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    throw loginFailed(platform, 'the platform answered something that is not JSON');
  }
}

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const asString = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

async function weapp(config: Config, code: string): Promise<PlatformIdentity> {
  const q = new URLSearchParams({ appid: config.weapp.appId, secret: config.weapp.secret, js_code: code, grant_type: 'authorization_code' });
  const { json } = await fetchJson('weapp', `${config.weapp.endpoint}/sns/jscode2session?${q}`);
  const body = asRecord(json);
  const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
  if (errcode !== 0) throw loginFailed('weapp', `errcode ${errcode} ${String(body.errmsg ?? '')}`.trim());
  const openid = asString(body.openid);
  if (!openid) throw loginFailed('weapp', 'no openid in the answer');
  return { openid, unionid: asString(body.unionid) };
}

async function tt(config: Config, code: string, anonymousCode: string | undefined): Promise<PlatformIdentity> {
  const { json } = await fetchJson('tt', `${config.tt.endpoint}/api/apps/v2/jscode2session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appid: config.tt.appId, secret: config.tt.secret, code, anonymous_code: anonymousCode ?? '' }),
  });
  const body = asRecord(json);
  const errNo = typeof body.err_no === 'number' ? body.err_no : -1;
  if (errNo !== 0) throw loginFailed('tt', `err_no ${errNo} ${String(body.err_tips ?? '')}`.trim());
  const data = asRecord(body.data);
  const openid = asString(data.openid);
  // An anonymous (not logged-in) Douyin user has no openid: we do not create accounts for them.
  if (!openid) throw loginFailed('tt', 'no openid in the answer (the user is not logged in to Douyin)');
  return { openid, unionid: asString(data.unionid) };
}

async function alipay(config: Config, code: string): Promise<PlatformIdentity> {
  if (!config.alipay.privateKey || !config.alipay.alipayPublicKey) {
    throw loginFailed('alipay', 'Alipay login is not configured on this server (ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY)');
  }
  let params: Record<string, string>;
  try {
    params = signParams(
    {
      app_id: config.alipay.appId,
      method: 'alipay.system.oauth.token',
      format: 'JSON',
      charset: 'utf-8',
      sign_type: 'RSA2',
      timestamp: alipayTimestamp(),
      version: '1.0',
      grant_type: 'authorization_code',
      code,
    },
    config.alipay.privateKey,
    );
  } catch (err) {
    throw loginFailed('alipay', `cannot sign the request with ALIPAY_PRIVATE_KEY (${err instanceof Error ? err.message : String(err)})`);
  }
  const { text, json } = await fetchJson('alipay', config.alipay.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams(params).toString(),
  });
  const body = asRecord(json);
  if (body.error_response) {
    const e = asRecord(body.error_response);
    throw loginFailed('alipay', `${String(e.code ?? '')} ${String(e.sub_code ?? '')} ${String(e.sub_msg ?? e.msg ?? '')}`.trim());
  }
  const node = verifiedResponseNode(text, 'alipay_system_oauth_token_response', config.alipay.alipayPublicKey);
  if (!node) throw loginFailed('alipay', 'the gateway answer is missing or its signature does not verify');
  const openid = asString(node.open_id) ?? asString(node.user_id);
  if (!openid) throw loginFailed('alipay', 'no user id in the answer');
  return { openid, unionid: null };
}

export async function exchangeCode(config: Config, platform: MiniPlatform, code: string, anonymousCode?: string): Promise<PlatformIdentity> {
  switch (platform) {
    case 'weapp':
      return weapp(config, code);
    case 'tt':
      return tt(config, code, anonymousCode);
    case 'alipay':
      return alipay(config, code);
  }
}
