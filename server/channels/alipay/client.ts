import { AlipaySdk } from 'alipay-sdk';
import { ChannelError, NotificationRejected } from '../types';
import { channelFetch, type ChannelFetch } from '../http';
import type { AlipayConfig } from './config';
import { URL_PARAMS, cstTime, responseKey } from './wire';

/**
 * The open-platform gateway client the Alipay adapters share (payments: adapter.ts; fund
 * transfers: transfer.ts): a request signed with alipay-sdk (sdkExecute), sent with the channels'
 * transport (system parameters in the URL query, biz_content in the form body), the answer's
 * signature verified (checkResponseSign) and its node returned; transport and signature failures
 * are ChannelError.
 */
export type Fields = Record<string, unknown>;
export type GatewayResult = { ok: true; data: Fields } | { ok: false; code: string; subCode: string | null; message: string };

export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export interface AlipayClient {
  /** A fresh SDK per use: the gateway may be rebased after the server listens. */
  sdk(): AlipaySdk;
  call(method: string, biz: Fields, extra?: Record<string, string>): Promise<GatewayResult>;
  expectOk(r: GatewayResult): Fields;
  fail(message: string, code?: string): ChannelError;
  /**
   * An asynchronous message's form parameters once its RSA2 signature verifies (payment
   * notifications and fund-transfer messages alike); NotificationRejected otherwise. `what`
   * names it in the refusal ("the notification is not signed").
   */
  verifiedParams(rawBody: string, what: string): Record<string, string>;
}

export function createAlipayClient(config: AlipayConfig, opts: { fetchImpl?: ChannelFetch; now?: () => number } = {}): AlipayClient {
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetchImpl ?? channelFetch;
  const fail = (message: string, code?: string) => new ChannelError('alipay', message, code);

  const sdk = () =>
    new AlipaySdk({
      appId: config.appId,
      privateKey: config.privateKey,
      alipayPublicKey: config.alipayPublicKey,
      keyType: 'PKCS8',
      signType: 'RSA2',
      gateway: config.gateway,
      timeout: config.timeoutMs,
      camelcase: false,
    });

  async function call(method: string, biz: Fields, extra: Record<string, string> = {}): Promise<GatewayResult> {
    const client = sdk();
    // sdkExecute signs exactly what exec would send (its own timestamp is local time; ours is CST).
    const signed = new URLSearchParams(
      client.sdkExecute(method, { bizContent: biz, timestamp: cstTime(now()), ...extra }, { bizContentAutoSnakeCase: false }),
    );
    const url = new URL(config.gateway);
    const form = new URLSearchParams();
    for (const [k, v] of signed) {
      if (URL_PARAMS.includes(k)) url.searchParams.set(k, v);
      else form.set(k, v);
    }
    let status: number;
    let text: string;
    try {
      const res = await doFetch(url.toString(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw fail(`${method}: the gateway could not be reached (${(err as Error).message})`);
    }
    if (status !== 200) throw fail(`${method}: the gateway answered HTTP ${status}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw fail(`${method}: the gateway's answer is not JSON`);
    }
    if (!parsed || typeof parsed !== 'object') throw fail(`${method}: the gateway's answer is not an object`);
    const body = parsed as Fields;
    const key = body[responseKey(method)] !== undefined ? responseKey(method) : 'error_response';
    const node = body[key];
    if (!node || typeof node !== 'object') throw fail(`${method}: the answer has no ${responseKey(method)}`);
    const data = node as Fields;
    const code = str(data.code) ?? '';
    const sign = str(body.sign);
    if (!sign) throw fail(`${method}: the answer is not signed (${code} ${str(data.sub_code) ?? ''} ${str(data.sub_msg) ?? str(data.msg) ?? ''})`.trim(), str(data.sub_code) ?? code);
    try {
      client.checkResponseSign(text, key, sign, '');
    } catch {
      throw fail(`${method}: the answer's signature does not verify`);
    }
    if (code === '10000') return { ok: true, data };
    return {
      ok: false,
      code,
      subCode: str(data.sub_code),
      message: `${method}: ${code} ${str(data.msg) ?? ''}${data.sub_code ? ` (${String(data.sub_code)}: ${str(data.sub_msg) ?? ''})` : ''}`,
    };
  }

  const expectOk = (r: GatewayResult): Fields => {
    if (r.ok) return r.data;
    throw fail(r.message, r.subCode ?? r.code);
  };

  const verifiedParams = (rawBody: string, what: string): Record<string, string> => {
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawBody)) {
      if (k in params) throw new NotificationRejected(`parameter ${k} appears twice`);
      params[k] = v;
    }
    if (!params.sign) throw new NotificationRejected(`${what} is not signed`);
    if (params.sign_type !== 'RSA2') throw new NotificationRejected(`sign_type must be RSA2, got "${params.sign_type ?? ''}"`);
    let verified = false;
    try {
      verified = sdk().checkNotifySignV2(params);
    } catch {
      verified = false;
    }
    if (!verified) throw new NotificationRejected('the signature does not verify');
    return params;
  };

  return { sdk, call, expectOk, fail, verifiedParams };
}
