import { createSign, createVerify } from 'node:crypto';

/**
 * Alipay open-platform signing (RSA2 = SHA256withRSA), shared by the client of the gateway
 * (identity) and the Alipay gateway stand-in (server/standins). Request parameters are signed as the sorted
 * `key=value&...` string of every non-empty parameter except `sign`; a response is signed over
 * the exact JSON text of its `<method>_response` (or `error_response`) member.
 */
export type AlipayParams = Record<string, string>;

export function alipaySignContent(params: AlipayParams): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function rsa2Sign(content: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKeyPem, 'base64');
}

export function rsa2Verify(content: string, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

export function signParams(params: AlipayParams, privateKeyPem: string): AlipayParams {
  return { ...params, sign: rsa2Sign(alipaySignContent(params), privateKeyPem) };
}

export function verifyParams(params: AlipayParams, publicKeyPem: string): boolean {
  const sign = params.sign;
  if (!sign) return false;
  return rsa2Verify(alipaySignContent(params), sign, publicKeyPem);
}

/** "yyyy-MM-dd HH:mm:ss" in China Standard Time, as the gateway expects. */
export function alipayTimestamp(now = Date.now()): string {
  const d = new Date(now + 8 * 3600 * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** The gateway's JSON answer: `{"<node>":{...},"sign":"..."}` signed over the node's text. */
export function signedResponseText(node: string, value: unknown, privateKeyPem: string): string {
  const text = JSON.stringify(value);
  return `{"${node}":${text},"sign":"${rsa2Sign(text, privateKeyPem)}"}`;
}

/**
 * Extracts the exact text of `node` from a gateway answer and verifies its signature.
 * Returns the parsed node, or null when the node is missing or the signature is wrong.
 */
export function verifiedResponseNode(body: string, node: string, publicKeyPem: string): Record<string, unknown> | null {
  const start = body.indexOf(`"${node}":`);
  const signAt = body.lastIndexOf(',"sign":"');
  if (start < 0 || signAt < 0 || signAt < start) return null;
  const text = body.slice(start + node.length + 3, signAt);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || !('sign' in parsed) || typeof parsed.sign !== 'string') return null;
  if (!rsa2Verify(text, parsed.sign, publicKeyPem)) return null;
  const value: unknown = JSON.parse(text);
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}
