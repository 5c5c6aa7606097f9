import { createSign, createVerify, randomBytes } from 'node:crypto';

/**
 * Douyin open-platform signing (SHA256-RSA2048 = RSASSA-PKCS1-v1_5 with SHA-256, base64),
 * shared by the adapter and the gateway stand-in. Two shapes of signed text:
 *
 *   developer -> platform (app private key):
 *     METHOD\nURI\nTIMESTAMP\nNONCE\nBODY\n
 *     tt.requestOrder: METHOD = POST, URI = /requestOrder, BODY = the data JSON text.
 *     Server API calls: METHOD and the request path (e.g. /api/trade_basic/v1/developer/order_query/),
 *     BODY = the exact JSON text sent; carried in the Byte-Authorization header.
 *   platform -> developer (platform private key), for answers and callbacks:
 *     TIMESTAMP\nNONCE\nBODY\n   with headers Byte-Timestamp, Byte-Nonce-Str, Byte-Signature.
 *
 * Timestamps are Unix seconds as decimal text. The authorization value is
 *   SHA256-RSA2048 appid=..,nonce_str=..,timestamp=..,key_version=..,signature=..
 */
export const AUTH_SCHEME = 'SHA256-RSA2048';
export const HEADER_AUTHORIZATION = 'byte-authorization';
export const HEADER_TIMESTAMP = 'byte-timestamp';
export const HEADER_NONCE = 'byte-nonce-str';
export const HEADER_SIGNATURE = 'byte-signature';
export const HEADER_LOGID = 'byte-logid';
export const HEADER_IDENTIFYNAME = 'byte-identifyname';

/** The URI tt.requestOrder's byteAuthorization is signed over. */
export const REQUEST_ORDER_URI = '/requestOrder';

/** Server API paths of the general trade system (relative to https://open.douyin.com). */
export const PATHS = {
  clientToken: '/oauth/client_token/',
  orderQuery: '/api/trade_basic/v1/developer/order_query/',
  refundCreate: '/api/trade_basic/v1/developer/refund_create/',
  refundQuery: '/api/trade_basic/v1/developer/refund_query/',
} as const;

export function requestSignContent(method: string, uri: string, timestamp: string, nonce: string, body: string): string {
  return `${method.toUpperCase()}\n${uri}\n${timestamp}\n${nonce}\n${body}\n`;
}

export function platformSignContent(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export function rsaSign(content: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKeyPem, 'base64');
}

export function rsaVerify(content: string, signature: string, publicKeyPem: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

export interface ByteAuthorization {
  appId: string;
  nonce: string;
  timestamp: string;
  keyVersion: string;
  signature: string;
}

export function formatByteAuthorization(a: ByteAuthorization): string {
  return `${AUTH_SCHEME} appid=${a.appId},nonce_str=${a.nonce},timestamp=${a.timestamp},key_version=${a.keyVersion},signature=${a.signature}`;
}

/** Parses an authorization value; values may be bare or double-quoted. Null when malformed. */
export function parseByteAuthorization(value: string | undefined): ByteAuthorization | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (!trimmed.startsWith(`${AUTH_SCHEME} `)) return null;
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(AUTH_SCHEME.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    let v = part.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    if (fields.has(key)) return null;
    fields.set(key, v);
  }
  const appId = fields.get('appid');
  const nonce = fields.get('nonce_str');
  const timestamp = fields.get('timestamp');
  const keyVersion = fields.get('key_version');
  const signature = fields.get('signature');
  if (!appId || !nonce || !timestamp || !keyVersion || !signature) return null;
  return { appId, nonce, timestamp, keyVersion, signature };
}

/** Signs a developer request and answers its authorization value. */
export function signRequest(
  input: { method: string; uri: string; body: string; appId: string; keyVersion: string; privateKey: string },
  timestamp: string,
  nonce: string,
): string {
  const signature = rsaSign(requestSignContent(input.method, input.uri, timestamp, nonce, input.body), input.privateKey);
  return formatByteAuthorization({ appId: input.appId, nonce, timestamp, keyVersion: input.keyVersion, signature });
}

const NONCE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 32 random upper-case letters and digits (the platform's nonces look like this). */
export function newNonce(): string {
  const bytes = randomBytes(32);
  let out = '';
  for (const b of bytes) out += NONCE_ALPHABET[b % NONCE_ALPHABET.length];
  return out;
}

export const unixSeconds = (ms: number): string => String(Math.floor(ms / 1000));

/** The header value as one string (first of repeated headers), lower-cased names expected. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
