import { createPrivateKey, createPublicKey } from 'node:crypto';
import { ConfigError } from '../../infra/config-error';
import { publicKeyFingerprint, wechatpaySandboxKeys } from './sandbox-keys';
import { baseUrlSwap } from '../rebase';
import { envValue, httpUrl, type Env } from '../env';

/**
 * WeChat Pay API v3 configuration, in the "WeChat Pay public key" mode (answers and
 * notifications are signed with WeChat Pay's key, named by a PUB_KEY_ID_... serial).
 *
 * Sandbox mode fills every missing value from sandbox-keys/wechatpay/ and points the API at the
 * gateway stand-in; production requires every secret from the environment and refuses the
 * sandbox keys. Outside sandbox mode and without the variables the channel is not configured
 * (null).
 *
 * The API base and notify URL defaults follow the server's real port: after listening on an
 * ephemeral port call rebaseWechatpayConfig(config, oldBase, newBase) (the adapter reads both
 * at call time).
 */
export interface WechatpayConfig {
  /** The app id the payer pays in (the mini-program's app id: wx.requestPayment's appId). */
  appId: string;
  mchId: string;
  /** Serial number of the merchant API certificate (Authorization serial_no). */
  mchSerial: string;
  /** The merchant API private key (PEM) that signs requests and the JSAPI paySign. */
  mchPrivateKey: string;
  /** The APIv3 key: 32 bytes, decrypts notification resources. */
  apiV3Key: string;
  /** WeChat Pay's public key (PEM) that verifies answers and notifications. */
  platformPublicKey: string;
  /** Its id, PUB_KEY_ID_...: the Wechatpay-Serial every answer and notification must carry. */
  platformPublicKeyId: string;
  /** API base URL without a trailing slash (https://api.mch.weixin.qq.com in production). */
  apiBase: string;
  /** Where WeChat Pay sends payment and refund notifications. */
  notifyUrl: string;
  /** The merchant transfer scene (transfer_scene_id) granted in the merchant platform (产品中心 → 商家转账). */
  transferSceneId: string;
  /** Where WeChat Pay sends merchant transfer notifications (MCHTRANSFER.BILL.FINISHED; promoters' withdrawals). */
  transferNotifyUrl: string;
  /** Whether any key comes from sandbox-keys/wechatpay (never in production). */
  usesSandboxKeys: boolean;
}

export const WECHATPAY_PRODUCTION_API_BASE = 'https://api.mch.weixin.qq.com';

export const WECHATPAY_ENV_VARS: { name: string; meaning: string; default: string }[] = [
  { name: 'WECHATPAY_APP_ID', meaning: 'App id the payer pays in (the mini-program app id, as wx.requestPayment needs)', default: 'WEAPP_APP_ID (wx-sandbox-app)' },
  { name: 'WECHATPAY_MCH_ID', meaning: 'WeChat Pay merchant id (mchid)', default: 'sandbox: 1900000109; otherwise required' },
  { name: 'WECHATPAY_MCH_SERIAL', meaning: 'Serial number of the merchant API certificate', default: 'sandbox: sandbox-keys/wechatpay/ids.json; otherwise required' },
  { name: 'WECHATPAY_MCH_PRIVATE_KEY', meaning: 'Merchant API private key, PEM (apiclient_key.pem; literal \\n allowed)', default: 'sandbox: sandbox-keys/wechatpay/apiclient_key.pem; otherwise required' },
  { name: 'WECHATPAY_APIV3_KEY', meaning: 'APIv3 key (32 characters) that decrypts notifications', default: 'sandbox: sandbox-keys/wechatpay/apiv3_key.txt; otherwise required' },
  { name: 'WECHATPAY_PUBLIC_KEY', meaning: 'WeChat Pay public key, PEM (pub_key.pem; literal \\n allowed)', default: 'sandbox: sandbox-keys/wechatpay/pub_key.pem; otherwise required' },
  { name: 'WECHATPAY_PUBLIC_KEY_ID', meaning: 'Id of the WeChat Pay public key (PUB_KEY_ID_...)', default: 'sandbox: sandbox-keys/wechatpay/ids.json; otherwise required' },
  { name: 'WECHATPAY_API_BASE', meaning: 'WeChat Pay API base URL', default: `sandbox: PUBLIC_BASE_URL/sandbox/wechatpay; otherwise ${WECHATPAY_PRODUCTION_API_BASE}` },
  { name: 'WECHATPAY_TRANSFER_SCENE_ID', meaning: 'Merchant transfer (商家转账) scene id the merchant platform granted, for promoters\' withdrawals', default: '1000' },
  { name: 'WECHATPAY_TRANSFER_NOTIFY_URL', meaning: 'Notification URL given to WeChat Pay for merchant transfers (MCHTRANSFER.BILL.FINISHED)', default: 'PUBLIC_BASE_URL/notify/wechatpay/transfer' },
  { name: 'WECHATPAY_NOTIFY_URL', meaning: 'Notification URL given to WeChat Pay (payments and refunds)', default: 'PUBLIC_BASE_URL/notify/wechatpay' },
];

const SECRET_VARS = [
  'WECHATPAY_MCH_ID',
  'WECHATPAY_MCH_SERIAL',
  'WECHATPAY_MCH_PRIVATE_KEY',
  'WECHATPAY_APIV3_KEY',
  'WECHATPAY_PUBLIC_KEY',
  'WECHATPAY_PUBLIC_KEY_ID',
] as const;

/** PEM values may be given with literal "\n" sequences (one-line env files). */
function pemValue(env: Env, name: string): string | null {
  const raw = envValue(env, name);
  return raw === null ? null : `${raw.replace(/\\n/g, '\n')}\n`;
}

/** An http(s) URL without trailing slashes. */
function url(name: string, raw: string): string {
  return httpUrl(name, raw).replace(/\/+$/, '');
}

export function loadWechatpayConfig(
  env: Env,
  ctx: { production: boolean; sandbox: boolean; publicBaseUrl: string },
): WechatpayConfig | null {
  const given = SECRET_VARS.filter((name) => envValue(env, name) !== null);
  if (!ctx.sandbox && given.length === 0) return null;
  if (!ctx.sandbox && given.length < SECRET_VARS.length) {
    const missing = SECRET_VARS.filter((name) => !given.includes(name));
    throw new ConfigError(`WeChat Pay is partly configured: set ${missing.join(', ')} too (or none of the WECHATPAY_* variables to leave the channel off)`);
  }
  const sandboxKeys = ctx.sandbox ? wechatpaySandboxKeys() : null;
  const pick = (envValue: string | null, sandboxValue: string | undefined, name: string): string => {
    const v = envValue ?? sandboxValue;
    if (!v) throw new ConfigError(`${name} is required`);
    return v;
  };

  const mchPrivateKey = pick(pemValue(env, 'WECHATPAY_MCH_PRIVATE_KEY'), sandboxKeys?.mchPrivateKey, 'WECHATPAY_MCH_PRIVATE_KEY');
  const platformPublicKey = pick(pemValue(env, 'WECHATPAY_PUBLIC_KEY'), sandboxKeys?.platformPublicKey, 'WECHATPAY_PUBLIC_KEY');
  const apiV3Key = pick(envValue(env, 'WECHATPAY_APIV3_KEY'), sandboxKeys?.apiV3Key, 'WECHATPAY_APIV3_KEY');
  const platformPublicKeyId = pick(envValue(env, 'WECHATPAY_PUBLIC_KEY_ID'), sandboxKeys?.publicKeyId, 'WECHATPAY_PUBLIC_KEY_ID');

  try {
    createPrivateKey(mchPrivateKey);
  } catch {
    throw new ConfigError('WECHATPAY_MCH_PRIVATE_KEY is not a readable PEM private key');
  }
  try {
    createPublicKey(platformPublicKey);
  } catch {
    throw new ConfigError('WECHATPAY_PUBLIC_KEY is not a readable PEM public key');
  }
  if (Buffer.byteLength(apiV3Key, 'utf8') !== 32) throw new ConfigError('WECHATPAY_APIV3_KEY must be exactly 32 bytes');
  if (!/^PUB_KEY_ID_[0-9A-Za-z]+$/.test(platformPublicKeyId)) {
    throw new ConfigError(`WECHATPAY_PUBLIC_KEY_ID must look like PUB_KEY_ID_..., got "${platformPublicKeyId}"`);
  }

  // Which keys are the committed sandbox ones (compared by key, not by text).
  const sandboxFiles = wechatpaySandboxKeys();
  const sandboxMchKey = publicKeyFingerprint(mchPrivateKey) === publicKeyFingerprint(sandboxFiles.mchPrivateKey);
  const sandboxPlatformKey = publicKeyFingerprint(platformPublicKey) === publicKeyFingerprint(sandboxFiles.platformPublicKey);
  const sandboxApiV3Key = apiV3Key === sandboxFiles.apiV3Key;
  if (ctx.production) {
    const refused = [
      sandboxMchKey && 'WECHATPAY_MCH_PRIVATE_KEY',
      sandboxPlatformKey && 'WECHATPAY_PUBLIC_KEY',
      sandboxApiV3Key && 'WECHATPAY_APIV3_KEY',
    ].filter((x): x is string => typeof x === 'string');
    if (refused.length > 0) {
      throw new ConfigError(`${refused.join(', ')} hold the sandbox's published keys (sandbox-keys/wechatpay); production needs the merchant's real keys`);
    }
  }

  const base = ctx.publicBaseUrl.replace(/\/+$/, '');
  const apiBaseEnv = envValue(env, 'WECHATPAY_API_BASE');
  const notifyEnv = envValue(env, 'WECHATPAY_NOTIFY_URL');
  const notifyUrl = url('WECHATPAY_NOTIFY_URL', notifyEnv ?? `${base}/notify/wechatpay`);
  const transferNotifyUrl = url('WECHATPAY_TRANSFER_NOTIFY_URL', envValue(env, 'WECHATPAY_TRANSFER_NOTIFY_URL') ?? `${base}/notify/wechatpay/transfer`);
  for (const [name, value] of [['WECHATPAY_NOTIFY_URL', notifyUrl], ['WECHATPAY_TRANSFER_NOTIFY_URL', transferNotifyUrl]] as const) {
    if (ctx.production && !value.startsWith('https://')) {
      throw new ConfigError(`WeChat Pay notifies only https URLs: set ${name} or PUBLIC_BASE_URL to an https address (got ${value})`);
    }
  }
  const transferSceneId = envValue(env, 'WECHATPAY_TRANSFER_SCENE_ID') ?? '1000';
  if (!/^\d{1,16}$/.test(transferSceneId)) throw new ConfigError(`WECHATPAY_TRANSFER_SCENE_ID must be a scene id (digits), got "${transferSceneId}"`);

  return {
    appId: pick(envValue(env, 'WECHATPAY_APP_ID') ?? envValue(env, 'WEAPP_APP_ID'), ctx.sandbox ? 'wx-sandbox-app' : undefined, 'WECHATPAY_APP_ID'),
    mchId: pick(envValue(env, 'WECHATPAY_MCH_ID'), sandboxKeys?.mchId, 'WECHATPAY_MCH_ID'),
    mchSerial: pick(envValue(env, 'WECHATPAY_MCH_SERIAL'), sandboxKeys?.mchSerial, 'WECHATPAY_MCH_SERIAL'),
    mchPrivateKey,
    apiV3Key,
    platformPublicKey,
    platformPublicKeyId,
    apiBase: url('WECHATPAY_API_BASE', apiBaseEnv ?? (ctx.sandbox ? `${base}/sandbox/wechatpay` : WECHATPAY_PRODUCTION_API_BASE)),
    notifyUrl,
    transferSceneId,
    transferNotifyUrl,
    usesSandboxKeys: sandboxMchKey || sandboxPlatformKey || sandboxApiV3Key,
  };
}

/**
 * After the server listens on its real port: moves the API base and notify URL that were
 * derived from the old public base URL to the new one (explicitly configured URLs elsewhere
 * are left alone). Mutates the config on purpose, like rebaseOnListen.
 */
export function rebaseWechatpayConfig(config: WechatpayConfig, oldBase: string, newBase: string): void {
  const swap = baseUrlSwap(oldBase, newBase);
  config.apiBase = swap(config.apiBase);
  config.notifyUrl = swap(config.notifyUrl);
  config.transferNotifyUrl = swap(config.transferNotifyUrl);
}
