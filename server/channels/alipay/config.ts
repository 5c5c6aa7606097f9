import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ConfigError } from '../../infra/config-error';
import { alipaySandboxKeys, keyFingerprint } from './sandbox-keys';
import { baseUrlSwap } from '../rebase';
import { envValue, httpUrl, type Env } from '../env';

/**
 * Alipay payment configuration (public-key mode, RSA2, keys as PKCS#8 / SPKI PEM).
 *
 * Sandbox mode fills every missing value from sandbox-keys/alipay/ and points the gateway at its
 * stand-in (the same /sandbox/alipay/gateway.do the login stand-in serves); production needs
 * every secret from the environment and refuses the sandbox keys. Outside sandbox mode the
 * channel is configured by ALIPAY_SELLER_ID: without it (even when ALIPAY_APP_ID and the keys
 * are set for Alipay login) payments by Alipay are off (null).
 *
 * The gateway, notify and return URL defaults follow the server's real port: after listening on
 * an ephemeral port call rebaseAlipayConfig(config, oldBase, newBase) (the adapter reads them at
 * call time).
 */
export interface AlipayConfig {
  appId: string;
  /** The merchant's Alipay user id (2088...): notifications must carry it as seller_id. */
  sellerId: string;
  /** The app's RSA private key, PKCS#8 PEM (signs requests). */
  privateKey: string;
  /** Alipay's RSA public key, SPKI PEM (verifies answers and notifications). */
  alipayPublicKey: string;
  /** The open-platform gateway (https://openapi.alipay.com/gateway.do in production). */
  gateway: string;
  /** Where Alipay posts trade notifications (notify_url). */
  notifyUrl: string;
  /** Where wap pay returns the browser when the prepay input names no return URL. */
  returnUrl: string;
  /**
   * Where Alipay's messages about fund transfers (alipay.fund.trans.order.changed) arrive: in
   * production the app's gateway address (应用网关) set in the open-platform console must be this
   * URL; the request also carries it as notify_url (the stand-in posts there).
   */
  transferNotifyUrl: string;
  /** Per-request timeout for gateway calls. */
  timeoutMs: number;
  /** Whether any key comes from sandbox-keys/alipay (never in production). */
  usesSandboxKeys: boolean;
}
/** The same type under a name that does not clash with the login's AlipayConfig (server/infra/config.ts). */
export type AlipayPayConfig = AlipayConfig;

export const ALIPAY_PRODUCTION_GATEWAY = 'https://openapi.alipay.com/gateway.do';

export const ALIPAY_ENV_VARS: { name: string; meaning: string; default: string }[] = [
  { name: 'ALIPAY_APP_ID', meaning: 'Alipay open-platform app id (shared with Alipay login)', default: 'sandbox: 2021000000000000 (sandbox-keys/alipay/ids.json); otherwise required for payments' },
  { name: 'ALIPAY_SELLER_ID', meaning: "The merchant's Alipay user id (2088 + 12 digits); setting it turns Alipay payments on outside sandbox mode", default: 'sandbox: 2088000000000001 (sandbox-keys/alipay/ids.json); otherwise unset = Alipay payments off' },
  { name: 'ALIPAY_PRIVATE_KEY', meaning: 'The app private key (RSA2; PKCS#8 or PKCS#1 PEM, literal \\n allowed, or the bare base64 of the key tool)', default: 'sandbox: sandbox-keys/alipay/app_private_key.pem; otherwise required' },
  { name: 'ALIPAY_PUBLIC_KEY', meaning: "Alipay's public key (PEM or bare base64) that verifies answers and notifications", default: 'sandbox: sandbox-keys/alipay/alipay_public_key.pem; otherwise required' },
  { name: 'ALIPAY_GATEWAY', meaning: 'Alipay gateway URL', default: `sandbox: PUBLIC_BASE_URL/sandbox/alipay/gateway.do; otherwise ${ALIPAY_PRODUCTION_GATEWAY}` },
  { name: 'ALIPAY_NOTIFY_URL', meaning: 'notify_url given to Alipay for trade notifications', default: 'PUBLIC_BASE_URL/notify/alipay' },
  { name: 'ALIPAY_TRANSFER_NOTIFY_URL', meaning: "Where Alipay's fund transfer messages (alipay.fund.trans.order.changed, promoters' withdrawals) arrive; set the app's gateway address (应用网关) in the open-platform console to it", default: 'PUBLIC_BASE_URL/notify/alipay/transfer' },
  { name: 'ALIPAY_RETURN_URL', meaning: 'Where wap pay (H5) returns the browser when the payment names no return URL', default: 'PUBLIC_BASE_URL/' },
];

const REQUIRED_WITH_SELLER = ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY'] as const;

/** A key as PEM: literal "\n" sequences become newlines; a bare base64 body gets its armour. */
function keyText(env: Env, name: string): string | null {
  const raw = envValue(env, name);
  if (raw === null) return null;
  const text = raw.replace(/\\n/g, '\n').trim();
  return text;
}

function wrap(base64: string, label: string): string {
  const body = base64.replace(/\s+/g, '');
  return `-----BEGIN ${label}-----\n${body.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** Any RSA private key text (PKCS#8/PKCS#1 PEM or bare base64) as PKCS#8 PEM. */
export function normalizePrivateKey(text: string, name: string): string {
  const candidates = text.includes('-----BEGIN') ? [text] : [wrap(text, 'PRIVATE KEY'), wrap(text, 'RSA PRIVATE KEY')];
  for (const c of candidates) {
    try {
      const key = createPrivateKey(c);
      if (key.asymmetricKeyType !== 'rsa') throw new ConfigError(`${name} must be an RSA key`);
      return key.export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch (err) {
      if (err instanceof ConfigError) throw err;
    }
  }
  throw new ConfigError(`${name} is not a readable RSA private key (PEM or base64)`);
}

/** Any RSA public key text (SPKI/PKCS#1 PEM or bare base64) as SPKI PEM. */
export function normalizePublicKey(text: string, name: string): string {
  const candidates = text.includes('-----BEGIN') ? [text] : [wrap(text, 'PUBLIC KEY'), wrap(text, 'RSA PUBLIC KEY')];
  for (const c of candidates) {
    try {
      const key = createPublicKey(c);
      if (key.asymmetricKeyType !== 'rsa') throw new ConfigError(`${name} must be an RSA key`);
      return key.export({ type: 'spki', format: 'pem' }).toString();
    } catch (err) {
      if (err instanceof ConfigError) throw err;
    }
  }
  throw new ConfigError(`${name} is not a readable RSA public key (PEM or base64)`);
}

export function loadAlipayConfig(
  env: Env,
  ctx: { production: boolean; sandbox: boolean; publicBaseUrl: string },
): AlipayConfig | null {
  const sellerEnv = envValue(env, 'ALIPAY_SELLER_ID');
  if (!ctx.sandbox && sellerEnv === null) return null;
  if (!ctx.sandbox) {
    const missing = REQUIRED_WITH_SELLER.filter((name) => envValue(env, name) === null);
    if (missing.length > 0) {
      throw new ConfigError(`Alipay payments are partly configured: ALIPAY_SELLER_ID is set, so set ${missing.join(', ')} too (or unset ALIPAY_SELLER_ID to leave Alipay payments off)`);
    }
  }
  const sandboxKeys = ctx.sandbox ? alipaySandboxKeys() : null;

  const privateText = keyText(env, 'ALIPAY_PRIVATE_KEY') ?? sandboxKeys?.appPrivateKey ?? null;
  const publicText = keyText(env, 'ALIPAY_PUBLIC_KEY') ?? sandboxKeys?.alipayPublicKey ?? null;
  if (!privateText) throw new ConfigError('ALIPAY_PRIVATE_KEY is required');
  if (!publicText) throw new ConfigError('ALIPAY_PUBLIC_KEY is required');
  const privateKey = normalizePrivateKey(privateText, 'ALIPAY_PRIVATE_KEY');
  const alipayPublicKey = normalizePublicKey(publicText, 'ALIPAY_PUBLIC_KEY');

  // Which keys are the committed sandbox ones (compared by key, not by text).
  const files = alipaySandboxKeys();
  const sandboxAppKey = keyFingerprint(privateKey) === keyFingerprint(files.appPrivateKey);
  const sandboxAlipayKey = keyFingerprint(alipayPublicKey) === keyFingerprint(files.alipayPublicKey);
  // Alipay's own sandbox private key configured as ours would be just as wrong.
  const sandboxGatewayKeyAsApp = keyFingerprint(privateKey) === keyFingerprint(files.alipayPrivateKey);
  if (ctx.production) {
    const refused = [
      (sandboxAppKey || sandboxGatewayKeyAsApp) && 'ALIPAY_PRIVATE_KEY',
      sandboxAlipayKey && 'ALIPAY_PUBLIC_KEY',
    ].filter((x): x is string => typeof x === 'string');
    if (refused.length > 0) {
      throw new ConfigError(`${refused.join(', ')} hold the sandbox's published keys (sandbox-keys/alipay); production needs the app's real keys`);
    }
  }

  const appId = envValue(env, 'ALIPAY_APP_ID') ?? sandboxKeys?.appId;
  if (!appId) throw new ConfigError('ALIPAY_APP_ID is required');
  if (!/^\d{16}$/.test(appId)) throw new ConfigError(`ALIPAY_APP_ID must be the 16-digit app id, got "${appId}"`);
  const sellerId = sellerEnv ?? sandboxKeys?.sellerId;
  if (!sellerId) throw new ConfigError('ALIPAY_SELLER_ID is required');
  if (!/^2088\d{12}$/.test(sellerId)) throw new ConfigError(`ALIPAY_SELLER_ID must be an Alipay user id (2088 + 12 digits), got "${sellerId}"`);

  const base = ctx.publicBaseUrl.replace(/\/+$/, '');
  const gateway = httpUrl('ALIPAY_GATEWAY', envValue(env, 'ALIPAY_GATEWAY') ?? (ctx.sandbox ? `${base}/sandbox/alipay/gateway.do` : ALIPAY_PRODUCTION_GATEWAY));
  const notifyUrl = httpUrl('ALIPAY_NOTIFY_URL', envValue(env, 'ALIPAY_NOTIFY_URL') ?? `${base}/notify/alipay`);
  const returnUrl = httpUrl('ALIPAY_RETURN_URL', envValue(env, 'ALIPAY_RETURN_URL') ?? `${base}/`);
  const transferNotifyUrl = httpUrl('ALIPAY_TRANSFER_NOTIFY_URL', envValue(env, 'ALIPAY_TRANSFER_NOTIFY_URL') ?? `${base}/notify/alipay/transfer`);
  if (ctx.production && !gateway.startsWith('https://')) throw new ConfigError(`ALIPAY_GATEWAY must be an https URL in production (got ${gateway})`);

  return {
    appId,
    sellerId,
    privateKey,
    alipayPublicKey,
    gateway,
    notifyUrl,
    returnUrl,
    transferNotifyUrl,
    timeoutMs: 10_000,
    usesSandboxKeys: sandboxAppKey || sandboxAlipayKey || sandboxGatewayKeyAsApp,
  };
}

/**
 * After the server listens on its real port: moves the gateway, notify and return URLs that were
 * derived from the old public base URL to the new one (explicitly configured URLs elsewhere are
 * left alone). Mutates the config on purpose, like rebaseOnListen.
 */
export function rebaseAlipayConfig(config: AlipayConfig, oldBase: string, newBase: string): void {
  const swap = baseUrlSwap(oldBase, newBase);
  config.gateway = swap(config.gateway);
  config.notifyUrl = swap(config.notifyUrl);
  config.returnUrl = swap(config.returnUrl);
  config.transferNotifyUrl = swap(config.transferNotifyUrl);
}
