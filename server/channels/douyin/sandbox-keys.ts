import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Douyin sandbox's key material, committed on purpose in sandbox-keys/douyin/ (see its
 * README.md). Development and tests only: production configuration refuses these keys.
 */
export const DOUYIN_SANDBOX_KEYS_DIR = path.resolve(__dirname, '..', '..', '..', 'sandbox-keys', 'douyin');

export interface DouyinSandboxKeys {
  appId: string;
  /** The app secret the stand-in's client_token endpoint accepts. */
  appSecret: string;
  keyVersion: string;
  merchantId: string;
  /** The app's private key (the merchant holds it; signs byteAuthorization and API requests). */
  appPrivateKey: string;
  /** Its public half: what the platform holds (uploaded in the console) to verify the app. */
  appPublicKey: string;
  /** Douyin's ("platform") private key: only the gateway stand-in holds it (signs answers and callbacks). */
  platformPrivateKey: string;
  /** The platform's public key: the merchant verifies answers and callbacks with it. */
  platformPublicKey: string;
}

let cached: DouyinSandboxKeys | null = null;

export function douyinSandboxKeys(): DouyinSandboxKeys {
  if (cached) return cached;
  const read = (name: string) => readFileSync(path.join(DOUYIN_SANDBOX_KEYS_DIR, name), 'utf8');
  const ids: unknown = JSON.parse(read('ids.json'));
  const field = (k: string): string => {
    const v = ids && typeof ids === 'object' && k in ids ? (ids as Record<string, unknown>)[k] : undefined;
    if (typeof v !== 'string' || v === '') throw new Error(`${DOUYIN_SANDBOX_KEYS_DIR}/ids.json must hold a string ${k}`);
    return v;
  };
  cached = {
    appId: field('appId'),
    appSecret: field('appSecret'),
    keyVersion: field('keyVersion'),
    merchantId: field('merchantId'),
    appPrivateKey: read('app_private_key.pem'),
    appPublicKey: read('app_public_key.pem'),
    platformPrivateKey: read('platform_private_key.pem'),
    platformPublicKey: read('platform_public_key.pem'),
  };
  return cached;
}

/** The SPKI DER (base64) of a public or private key: equal for the two halves of one pair. */
export function keyFingerprint(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
}
