import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Alipay sandbox's key material, committed on purpose in sandbox-keys/alipay/ (see its
 * README.md). Development and tests only: production configuration refuses these keys.
 */
export const ALIPAY_SANDBOX_KEYS_DIR = path.resolve(__dirname, '..', '..', '..', 'sandbox-keys', 'alipay');

export interface AlipaySandboxKeys {
  /** The sandbox-mode app id (also the login stand-in's default ALIPAY_APP_ID). */
  appId: string;
  /** The sandbox merchant's Alipay user id (seller_id, 2088 + 12 digits). */
  sellerId: string;
  /** The app's private key (PKCS#8): our server signs gateway requests with it. */
  appPrivateKey: string;
  /** Its public half: what Alipay holds (uploaded by the merchant) to verify our requests. */
  appPublicKey: string;
  /** Alipay's private key: only the gateway stand-in holds it (signs answers and notifications). */
  alipayPrivateKey: string;
  /** Alipay's public key: our server verifies answers and notifications with it. */
  alipayPublicKey: string;
}

let cached: AlipaySandboxKeys | null = null;

export function alipaySandboxKeys(): AlipaySandboxKeys {
  if (cached) return cached;
  const read = (name: string) => readFileSync(path.join(ALIPAY_SANDBOX_KEYS_DIR, name), 'utf8');
  const ids: unknown = JSON.parse(read('ids.json'));
  if (!ids || typeof ids !== 'object' || !('appId' in ids) || typeof ids.appId !== 'string' || !('sellerId' in ids) || typeof ids.sellerId !== 'string') {
    throw new Error(`${ALIPAY_SANDBOX_KEYS_DIR}/ids.json must hold appId and sellerId`);
  }
  cached = {
    appId: ids.appId,
    sellerId: ids.sellerId,
    appPrivateKey: read('app_private_key.pem'),
    appPublicKey: read('app_public_key.pem'),
    alipayPrivateKey: read('alipay_private_key.pem'),
    alipayPublicKey: read('alipay_public_key.pem'),
  };
  return cached;
}

/** The SPKI DER (base64) of a public or private key: equal for the two halves of one pair. */
export function keyFingerprint(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
}
