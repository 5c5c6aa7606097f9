import { ConfigError } from '../../infra/config-error';
import { douyinSandboxKeys, keyFingerprint } from './sandbox-keys';
import { baseUrlSwap } from '../rebase';
import { envValue, type Env } from '../env';

/**
 * Douyin general trade system configuration. In sandbox mode everything defaults to the
 * committed sandbox keys and the gateway stand-in; in production every secret comes from the
 * environment and the sandbox keys are refused.
 *
 * apiBase and notifyUrl are plain strings computed from PUBLIC_BASE_URL when defaulted; after
 * listening on an ephemeral port call rebaseDouyinConfig(config, oldBase, newBase).
 */
export interface DouyinConfig {
  /** The mini-program's app id (tt...). */
  appId: string;
  /** The app secret (client_key/client_secret for /oauth/client_token/, the access-token of server API calls). */
  appSecret: string;
  /** The app's RSA private key (PEM): signs byteAuthorization and server API requests. */
  appPrivateKey: string;
  /** The version of the app key pair uploaded in the console (key_version). */
  keyVersion: string;
  /** The platform's RSA public key (PEM): verifies answers and callbacks. */
  platformPublicKey: string;
  /** The receiving merchant (merchantUid in the order data; merchant_uid in callbacks). */
  merchantId: string;
  /** Base URL of the open platform API (https://open.douyin.com in production). */
  apiBase: string;
  /** Where payment and refund callbacks go (payNotifyUrl / notify_url). */
  notifyUrl: string;
  /** The one product image the order data must name (skuList[0].imageList). */
  skuImageUrl: string;
  /** The mini-program page the order links back to (orderEntrySchema.path). */
  orderEntryPath: string;
}

export const DOUYIN_ENV_VARS: { name: string; meaning: string; default: string }[] = [
  { name: 'DOUYIN_APP_ID', meaning: 'Douyin mini-program app id used for payments (tt...)', default: 'sandbox: sandbox-keys/douyin/ids.json appId; otherwise required' },
  { name: 'DOUYIN_APP_SECRET', meaning: 'App secret for /oauth/client_token/ (the access-token of server API calls)', default: 'sandbox: sandbox-keys/douyin/ids.json appSecret; otherwise required' },
  { name: 'DOUYIN_APP_PRIVATE_KEY', meaning: 'App RSA private key (PEM, literal \\n allowed) signing byteAuthorization and API requests', default: 'sandbox: sandbox-keys/douyin/app_private_key.pem; otherwise required (sandbox key refused in production)' },
  { name: 'DOUYIN_KEY_VERSION', meaning: 'Version of the app public key uploaded in the Douyin console (key_version)', default: '1' },
  { name: 'DOUYIN_PLATFORM_PUBLIC_KEY', meaning: "Douyin platform RSA public key (PEM) verifying answers and callbacks", default: 'sandbox: sandbox-keys/douyin/platform_public_key.pem; otherwise required (sandbox key refused in production)' },
  { name: 'DOUYIN_MERCHANT_ID', meaning: 'Receiving merchant uid (merchantUid; callbacks must carry it)', default: 'sandbox: ids.json merchantId; otherwise required' },
  { name: 'DOUYIN_API_BASE', meaning: 'Open platform API base URL', default: 'sandbox: ${PUBLIC_BASE_URL}/sandbox/douyin; otherwise https://open.douyin.com' },
  { name: 'DOUYIN_NOTIFY_URL', meaning: 'Payment and refund callback URL (must be HTTPS in production)', default: '${PUBLIC_BASE_URL}/notify/douyin' },
  { name: 'DOUYIN_SKU_IMAGE_URL', meaning: 'Product image URL named in the order data (the general trade system requires one)', default: '${PUBLIC_BASE_URL}/favicon.ico' },
  { name: 'DOUYIN_ORDER_ENTRY_PATH', meaning: 'Mini-program page the Douyin order links back to (orderEntrySchema.path)', default: 'pages/orders/detail' },
];

function pem(env: Env, name: string): string | null {
  const raw = envValue(env, name);
  return raw === null ? null : `${raw.replace(/\\n/g, '\n').trim()}\n`;
}

function fingerprintOrThrow(name: string, pemText: string): string {
  try {
    return keyFingerprint(pemText);
  } catch {
    throw new ConfigError(`${name} is not a valid RSA key in PEM form`);
  }
}

export function loadDouyinConfig(
  env: Env,
  ctx: { production: boolean; sandbox: boolean; publicBaseUrl: string },
): DouyinConfig | null {
  const base = ctx.publicBaseUrl.replace(/\/+$/, '');
  const secrets = ['DOUYIN_APP_ID', 'DOUYIN_APP_SECRET', 'DOUYIN_APP_PRIVATE_KEY', 'DOUYIN_PLATFORM_PUBLIC_KEY', 'DOUYIN_MERCHANT_ID'] as const;
  const given = secrets.filter((n) => envValue(env, n) !== null);
  const useSandboxDefaults = ctx.sandbox && !ctx.production;

  if (!useSandboxDefaults) {
    if (given.length === 0) return null;
    const missing = secrets.filter((n) => envValue(env, n) === null);
    if (missing.length > 0) {
      throw new ConfigError(`Douyin payments are partly configured: set ${missing.join(', ')} (or none of the DOUYIN_* variables to disable the channel)`);
    }
  }

  const sandboxKeys = douyinSandboxKeys();
  const appPrivateKey = pem(env, 'DOUYIN_APP_PRIVATE_KEY') ?? sandboxKeys.appPrivateKey;
  const platformPublicKey = pem(env, 'DOUYIN_PLATFORM_PUBLIC_KEY') ?? sandboxKeys.platformPublicKey;
  const appKeyPrint = fingerprintOrThrow('DOUYIN_APP_PRIVATE_KEY', appPrivateKey);
  const platformKeyPrint = fingerprintOrThrow('DOUYIN_PLATFORM_PUBLIC_KEY', platformPublicKey);

  if (ctx.production) {
    if (appKeyPrint === keyFingerprint(sandboxKeys.appPublicKey)) {
      throw new ConfigError('DOUYIN_APP_PRIVATE_KEY is the committed sandbox key (sandbox-keys/douyin); production needs the real app key');
    }
    if (platformKeyPrint === keyFingerprint(sandboxKeys.platformPublicKey) || platformKeyPrint === keyFingerprint(sandboxKeys.appPublicKey)) {
      throw new ConfigError('DOUYIN_PLATFORM_PUBLIC_KEY is a committed sandbox key (sandbox-keys/douyin); production needs the platform public key from the Douyin console');
    }
    if (envValue(env, 'DOUYIN_APP_SECRET') === sandboxKeys.appSecret) {
      throw new ConfigError('DOUYIN_APP_SECRET is the sandbox secret; production needs the real app secret');
    }
  }

  const keyVersion = envValue(env, 'DOUYIN_KEY_VERSION') ?? (useSandboxDefaults ? sandboxKeys.keyVersion : '1');
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(keyVersion)) throw new ConfigError(`DOUYIN_KEY_VERSION must be a short version string, got "${keyVersion}"`);

  const apiBase = (envValue(env, 'DOUYIN_API_BASE') ?? (useSandboxDefaults ? `${base}/sandbox/douyin` : 'https://open.douyin.com')).replace(/\/+$/, '');
  const notifyUrl = envValue(env, 'DOUYIN_NOTIFY_URL') ?? `${base}/notify/douyin`;
  for (const [name, url] of [['DOUYIN_API_BASE', apiBase], ['DOUYIN_NOTIFY_URL', notifyUrl]] as const) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${name} must be an absolute URL, got "${url}"`);
    }
    if (ctx.production && parsed.protocol !== 'https:') throw new ConfigError(`${name} must be an https:// URL when NODE_ENV=production`);
  }

  return {
    appId: envValue(env, 'DOUYIN_APP_ID') ?? sandboxKeys.appId,
    appSecret: envValue(env, 'DOUYIN_APP_SECRET') ?? sandboxKeys.appSecret,
    appPrivateKey,
    keyVersion,
    platformPublicKey,
    merchantId: envValue(env, 'DOUYIN_MERCHANT_ID') ?? sandboxKeys.merchantId,
    apiBase,
    notifyUrl,
    skuImageUrl: envValue(env, 'DOUYIN_SKU_IMAGE_URL') ?? `${base}/favicon.ico`,
    orderEntryPath: envValue(env, 'DOUYIN_ORDER_ENTRY_PATH') ?? 'pages/orders/detail',
  };
}

/**
 * After listening on an ephemeral port: moves every URL that was defaulted under the old
 * public base URL to the new one (explicitly configured URLs elsewhere are left alone).
 */
export function rebaseDouyinConfig(config: DouyinConfig, oldBase: string, newBase: string): void {
  const swap = baseUrlSwap(oldBase, newBase);
  config.apiBase = swap(config.apiBase);
  config.notifyUrl = swap(config.notifyUrl);
  config.skuImageUrl = swap(config.skuImageUrl);
}
