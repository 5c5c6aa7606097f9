import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { z } from 'zod';
import { ChannelError, NotificationRejected, type NotifyFormat, type RawNotification } from '../types';
import { channelFetch, type ChannelFetch, type ChannelResponse } from '../http';
import type { WechatpayConfig } from './config';
import { H_NONCE, H_SERIAL, H_SIGNATURE, H_TIMESTAMP, MAX_CLOCK_SKEW_SECONDS, SIGNATURE_PROBE_PREFIX, headerValue } from './wire';

/**
 * The signed API v3 client the WeChat Pay adapters share (payments: adapter.ts; merchant
 * transfers: transfer.ts): requests signed with the merchant's key (Authorization
 * WECHATPAY2-SHA256-RSA2048), every answer's signature verified with WeChat Pay's key
 * (Wechatpay-Timestamp/Nonce/Signature/Serial over `timestamp\nnonce\nbody\n`), errors as
 * ChannelError with WeChat's code.
 */
const CHANNEL = 'wechatpay' as const;

const { AesGcm } = Aes;
const errorSchema = z.object({ code: z.string(), message: z.string().optional() });

const notificationSchema = z.object({
  id: z.string().min(1),
  create_time: z.string(),
  resource_type: z.literal('encrypt-resource'),
  event_type: z.string(),
  summary: z.string().optional(),
  resource: z.object({
    original_type: z.string(),
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1),
    associated_data: z.string().optional(),
    nonce: z.string().min(1),
  }),
});
export type NotificationEnvelope = z.infer<typeof notificationSchema>;

export interface Answer {
  status: number;
  data: unknown;
}

export interface WechatpayClientOptions {
  fetchImpl?: ChannelFetch;
  now?: () => number;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
}

export interface WechatpayClient {
  call(method: 'GET' | 'POST', pathAndQuery: string, body?: object): Promise<Answer>;
  parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T;
  /** Why a signed message (answer or notification) does not verify with WeChat Pay's key; null when it does. */
  signedBy(headers: { timestamp?: string; nonce?: string; signature?: string; serial?: string }, body: string, at: number): string | null;
  fail(message: string, code?: string): never;
  /** A notification's signature checked and its resource decrypted with the APIv3 key; NotificationRejected otherwise. */
  openNotification(raw: RawNotification, at: number): { envelope: NotificationEnvelope; plain: unknown };
}

export function createWechatpayClient(config: WechatpayConfig, opts: WechatpayClientOptions = {}): WechatpayClient {
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetchImpl ?? channelFetch;
  const merchantKey: KeyObject = createPrivateKey(config.mchPrivateKey);
  const platformKey: KeyObject = createPublicKey(config.platformPublicKey);

  const fail = (message: string, code?: string): never => {
    throw new ChannelError(CHANNEL, message, code);
  };

  /** Whether a signed message (answer or notification) verifies with WeChat Pay's key. */
  function signedBy(headers: { timestamp?: string; nonce?: string; signature?: string; serial?: string }, body: string, at: number): string | null {
    const { timestamp, nonce, signature, serial } = headers;
    if (!timestamp || !nonce || !signature || !serial) return 'missing Wechatpay-Timestamp/Nonce/Signature/Serial headers';
    if (signature.startsWith(SIGNATURE_PROBE_PREFIX)) return 'signature probe (WECHATPAY/SIGNTEST/)';
    if (serial !== config.platformPublicKeyId) return `unknown Wechatpay-Serial ${serial}`;
    if (!/^\d{1,12}$/.test(timestamp)) return 'malformed Wechatpay-Timestamp';
    if (Math.abs(Math.floor(at / 1000) - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) return 'Wechatpay-Timestamp is more than 5 minutes off';
    let ok = false;
    try {
      ok = Rsa.verify(Formatter.response(timestamp, nonce, body), signature, platformKey);
    } catch {
      ok = false;
    }
    return ok ? null : 'signature does not verify';
  }

  async function call(method: 'GET' | 'POST', pathAndQuery: string, body?: object): Promise<Answer> {
    const url = `${config.apiBase}${pathAndQuery}`;
    const target = new URL(url);
    const payload = body === undefined ? '' : JSON.stringify(body);
    const timestamp = Math.floor(now() / 1000);
    const nonce = Formatter.nonce(32);
    const signature = Rsa.sign(Formatter.request(method, `${target.pathname}${target.search}`, timestamp, nonce, payload), merchantKey);
    const headers: Record<string, string> = {
      authorization: Formatter.authorization(config.mchId, nonce, signature, timestamp, config.mchSerial),
      accept: 'application/json',
      'user-agent': 'shop-payments/1 (wechatpay-v3)',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: ChannelResponse;
    let text: string;
    try {
      res = await doFetch(url, { method, headers, body: body === undefined ? undefined : payload, signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000) });
      text = await res.text();
    } catch (err) {
      return fail(`${method} ${pathAndQuery}: ${(err as Error).message}`, 'TRANSPORT');
    }
    const h = (name: string) => res.headers.get(name) ?? undefined;
    const signed = { timestamp: h(H_TIMESTAMP), nonce: h(H_NONCE), signature: h(H_SIGNATURE), serial: h(H_SERIAL) };
    const hasSignature = Boolean(signed.signature);
    // A success must be signed; an error answer is checked when it carries a signature.
    if (res.ok || hasSignature) {
      const problem = signedBy(signed, text, now());
      if (problem) fail(`${method} ${pathAndQuery}: answer rejected: ${problem}`, 'SIGNATURE');
    }
    let data: unknown = null;
    if (text.trim() !== '') {
      try {
        data = JSON.parse(text);
      } catch {
        if (res.ok) fail(`${method} ${pathAndQuery}: answer is not JSON`, 'MALFORMED');
      }
    }
    if (!res.ok) {
      const err = errorSchema.safeParse(data);
      fail(`${method} ${pathAndQuery}: HTTP ${res.status}${err.success ? ` ${err.data.code}: ${err.data.message ?? ''}` : ''}`, err.success ? err.data.code : `HTTP_${res.status}`);
    }
    return { status: res.status, data };
  }

  function parse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
    const parsed = schema.safeParse(data);
    if (!parsed.success) return fail(`${what}: unexpected answer: ${parsed.error.message}`, 'MALFORMED');
    return parsed.data;
  }

  function openNotification(raw: RawNotification, at: number): { envelope: NotificationEnvelope; plain: unknown } {
    const headers = {
      timestamp: headerValue(raw.headers, H_TIMESTAMP),
      nonce: headerValue(raw.headers, H_NONCE),
      signature: headerValue(raw.headers, H_SIGNATURE),
      serial: headerValue(raw.headers, H_SERIAL),
    };
    const problem = signedBy(headers, raw.rawBody, at);
    if (problem) throw new NotificationRejected(problem);
    let json: unknown;
    try {
      json = JSON.parse(raw.rawBody);
    } catch {
      throw new NotificationRejected('body is not JSON');
    }
    const envelope = notificationSchema.safeParse(json);
    if (!envelope.success) throw new NotificationRejected(`not a WeChat Pay notification: ${envelope.error.issues[0]?.message ?? 'bad format'}`);
    const n = envelope.data;
    try {
      return { envelope: n, plain: JSON.parse(AesGcm.decrypt(n.resource.ciphertext, config.apiV3Key, n.resource.nonce, n.resource.associated_data ?? '')) as unknown };
    } catch {
      throw new NotificationRejected('resource does not decrypt with the APIv3 key');
    }
  }

  return { call, parse, signedBy, fail, openNotification };
}

/**
 * How WeChat Pay expects a notification answered, payments and transfers alike: 200 with
 * {code: SUCCESS}; a failure (4xx refused, 5xx unavailable) with {code: FAIL, message}.
 */
export const WECHATPAY_NOTIFY_FORMAT: NotifyFormat = {
  contentType: 'application/json',
  success: JSON.stringify({ code: 'SUCCESS', message: '成功' }),
  failure: (message) => JSON.stringify({ code: 'FAIL', message }),
};
