import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The WeChat Pay sandbox's key material, committed on purpose in sandbox-keys/wechatpay/
 * (see its README.md). Development and tests only: production configuration refuses every
 * one of these keys.
 */
export const WECHATPAY_SANDBOX_KEYS_DIR = path.resolve(__dirname, '..', '..', '..', 'sandbox-keys', 'wechatpay');

export interface WechatpaySandboxKeys {
  mchId: string;
  /** Serial number of the merchant API certificate (apiclient_cert.pem) the gateway stand-in knows. */
  mchSerial: string;
  /** The merchant's API private key (apiclient_key.pem, PKCS#8). The merchant holds it. */
  mchPrivateKey: string;
  /** Its public half: what WeChat Pay holds to verify the merchant's requests. */
  mchPublicKey: string;
  /** The APIv3 key (32 bytes) that encrypts notification resources. Both sides hold it. */
  apiV3Key: string;
  /** The "WeChat Pay public key" id (PUB_KEY_ID_...), sent as Wechatpay-Serial. */
  publicKeyId: string;
  /** WeChat Pay's public key (pub_key.pem): the merchant verifies answers and notifications with it. */
  platformPublicKey: string;
  /** WeChat Pay's private key: only the gateway stand-in holds it (it signs answers and notifications). */
  platformPrivateKey: string;
}

let cached: WechatpaySandboxKeys | null = null;

export function wechatpaySandboxKeys(): WechatpaySandboxKeys {
  if (cached) return cached;
  const read = (name: string) => readFileSync(path.join(WECHATPAY_SANDBOX_KEYS_DIR, name), 'utf8');
  const ids: unknown = JSON.parse(read('ids.json'));
  if (
    !ids || typeof ids !== 'object' ||
    !('mchId' in ids) || typeof ids.mchId !== 'string' ||
    !('mchSerial' in ids) || typeof ids.mchSerial !== 'string' ||
    !('publicKeyId' in ids) || typeof ids.publicKeyId !== 'string'
  ) {
    throw new Error(`${WECHATPAY_SANDBOX_KEYS_DIR}/ids.json must hold mchId, mchSerial and publicKeyId`);
  }
  cached = {
    mchId: ids.mchId,
    mchSerial: ids.mchSerial,
    mchPrivateKey: read('apiclient_key.pem'),
    mchPublicKey: read('apiclient_public_key.pem'),
    apiV3Key: read('apiv3_key.txt').trim(),
    publicKeyId: ids.publicKeyId,
    platformPublicKey: read('pub_key.pem'),
    platformPrivateKey: read('wechatpay_key.pem'),
  };
  return cached;
}

/** The SPKI DER (base64) of a public or private key: equal for the two halves of one pair. */
export function publicKeyFingerprint(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
}
