/**
 * WeChat Pay API v3 wire details shared by the adapter and the gateway stand-in: the
 * Authorization header, RFC 3339 times in China Standard Time, and the header names.
 */
export const AUTH_SCHEMA = 'WECHATPAY2-SHA256-RSA2048';

/** Answer and notification headers (lower-case, as Node delivers them). */
export const H_TIMESTAMP = 'wechatpay-timestamp';
export const H_NONCE = 'wechatpay-nonce';
export const H_SIGNATURE = 'wechatpay-signature';
export const H_SERIAL = 'wechatpay-serial';
export const H_SIGNATURE_TYPE = 'wechatpay-signature-type';

/** WeChat Pay refuses timestamps more than this far from its clock (and so do we). */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** The probes WeChat Pay sends to check that merchants verify signatures. */
export const SIGNATURE_PROBE_PREFIX = 'WECHATPAY/SIGNTEST/';

export interface AuthorizationParts {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

/** Parses `WECHATPAY2-SHA256-RSA2048 mchid="...",nonce_str="...",...` (any order); null when malformed. */
export function parseAuthorization(header: string | undefined): AuthorizationParts | null {
  if (!header || !header.startsWith(`${AUTH_SCHEMA} `)) return null;
  const fields: Record<string, string> = {};
  const re = /([a-z_]+)="([^"]*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header.slice(AUTH_SCHEMA.length + 1))) !== null) fields[m[1]] = m[2];
  const { mchid, nonce_str, timestamp, serial_no, signature } = fields;
  if (!mchid || !nonce_str || !timestamp || !serial_no || !signature) return null;
  return { mchid, nonce_str, timestamp, serial_no, signature };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2025-11-23T10:34:56+08:00`, the form WeChat Pay uses for time_expire and success_time. */
export function rfc3339Cst(ms: number): string {
  const d = new Date(ms + 8 * 3600 * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`;
}

/** Epoch ms of an RFC 3339 time, or null. */
export function parseRfc3339(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** A header's single value. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
