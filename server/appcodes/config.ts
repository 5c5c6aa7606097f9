import { ALIPAY_PRODUCTION_GATEWAY } from '../channels/alipay/config';
import { alipaySandboxKeys, keyFingerprint } from '../channels/alipay/sandbox-keys';
import { envValue, httpUrl, type Env } from '../channels/env';
import { ConfigError } from '../infra/config-error';

/**
 * Where each platform's code API is and with which credentials (docs/share.md, docs/configuration.md).
 * The credentials are the mini-programs' own, shared with login: WEAPP_APP_ID/WEAPP_APP_SECRET,
 * TT_APP_ID/TT_APP_SECRET, ALIPAY_APP_ID with ALIPAY_PRIVATE_KEY/ALIPAY_PUBLIC_KEY.
 *
 * With SANDBOX=on every platform is served by its stand-in under PUBLIC_BASE_URL/sandbox/
 * (server/standins/appcodes.ts) with the sandbox credentials. Outside sandbox mode a platform is
 * configured only when its credentials are set (otherwise its codes answer
 * SHARE_CODE_UNAVAILABLE), its API defaults to the platform's real host, and in production the
 * sandbox credentials and stand-in URLs are refused at start-up: they never serve production.
 */
export type WeappEnvVersion = 'release' | 'trial' | 'develop';

export interface WeappCodeConfig {
  appId: string;
  secret: string;
  /** https://api.weixin.qq.com, or its stand-in. */
  apiBase: string;
  /** Which version of the mini-program the code opens (env_version); check_path only for release. */
  envVersion: WeappEnvVersion;
}

export interface DouyinCodeConfig {
  /** The mini-program's app id: also the client_key of its client token. */
  appId: string;
  secret: string;
  /** https://open.douyin.com, or its stand-in. */
  openApiBase: string;
}

export interface AlipayCodeConfig {
  appId: string;
  privateKey: string;
  alipayPublicKey: string;
  gateway: string;
}

export interface AppCodesConfig {
  weapp: WeappCodeConfig | null;
  tt: DouyinCodeConfig | null;
  alipay: AlipayCodeConfig | null;
  /** Where the H5 app is served: an H5 code is a QR code of `<h5BaseUrl>/#/<page>?scene=<scene>`. */
  h5BaseUrl: string;
}

/** The login configuration's placeholders, which only the stand-ins accept. */
export const SANDBOX_WEAPP = { appId: 'wx-sandbox-app', secret: 'wx-sandbox-secret' };
export const SANDBOX_TT = { appId: 'tt-sandbox-app', secret: 'tt-sandbox-secret' };
export const WEAPP_API = 'https://api.weixin.qq.com';
export const DOUYIN_OPEN_API = 'https://open.douyin.com';

export interface AppCodesContext {
  production: boolean;
  sandbox: boolean;
  publicBaseUrl: string;
  /** The Alipay mini-program's keys as login reads them (sandbox: the development pair). */
  alipay: { appId: string; privateKey: string; alipayPublicKey: string; gateway: string };
}

function refuseSandboxUrl(name: string, url: string, ctx: AppCodesContext): void {
  if (ctx.production && url.startsWith(`${ctx.publicBaseUrl}/sandbox`)) {
    throw new ConfigError(`${name} points at the sandbox stand-in (${url}); production needs the platform's API`);
  }
}

export function loadAppCodesConfig(env: Env, ctx: AppCodesContext): AppCodesConfig {
  const self = `${ctx.publicBaseUrl}/sandbox`;

  const envVersion = (envValue(env, 'WEAPP_CODE_ENV_VERSION') ?? 'release') as WeappEnvVersion;
  if (!['release', 'trial', 'develop'].includes(envVersion)) {
    throw new ConfigError(`WEAPP_CODE_ENV_VERSION must be "release", "trial" or "develop", got "${envVersion}"`);
  }

  let weapp: WeappCodeConfig | null = null;
  const wxId = envValue(env, 'WEAPP_APP_ID');
  const wxSecret = envValue(env, 'WEAPP_APP_SECRET');
  if (ctx.sandbox || (wxId && wxSecret)) {
    weapp = {
      appId: wxId ?? SANDBOX_WEAPP.appId,
      secret: wxSecret ?? SANDBOX_WEAPP.secret,
      apiBase: httpUrl('WEAPP_API_BASE', envValue(env, 'WEAPP_API_BASE') ?? (ctx.sandbox ? `${self}/weapp` : WEAPP_API)).replace(/\/+$/, ''),
      envVersion,
    };
    if (ctx.production && (weapp.appId === SANDBOX_WEAPP.appId || weapp.secret === SANDBOX_WEAPP.secret)) {
      throw new ConfigError('WEAPP_APP_ID/WEAPP_APP_SECRET hold the sandbox placeholders; production needs the mini-program\'s own');
    }
    refuseSandboxUrl('WEAPP_API_BASE', weapp.apiBase, ctx);
  }

  let tt: DouyinCodeConfig | null = null;
  const ttId = envValue(env, 'TT_APP_ID');
  const ttSecret = envValue(env, 'TT_APP_SECRET');
  if (ctx.sandbox || (ttId && ttSecret)) {
    tt = {
      appId: ttId ?? SANDBOX_TT.appId,
      secret: ttSecret ?? SANDBOX_TT.secret,
      openApiBase: httpUrl('DOUYIN_OPEN_API_BASE', envValue(env, 'DOUYIN_OPEN_API_BASE') ?? (ctx.sandbox ? `${self}/douyin-open` : DOUYIN_OPEN_API)).replace(/\/+$/, ''),
    };
    if (ctx.production && (tt.appId === SANDBOX_TT.appId || tt.secret === SANDBOX_TT.secret)) {
      throw new ConfigError('TT_APP_ID/TT_APP_SECRET hold the sandbox placeholders; production needs the mini-program\'s own');
    }
    refuseSandboxUrl('DOUYIN_OPEN_API_BASE', tt.openApiBase, ctx);
  }

  let alipay: AlipayCodeConfig | null = null;
  const { privateKey, alipayPublicKey } = ctx.alipay;
  if (privateKey && alipayPublicKey) {
    alipay = {
      appId: ctx.alipay.appId,
      privateKey,
      alipayPublicKey,
      gateway: ctx.sandbox ? ctx.alipay.gateway : httpUrl('ALIPAY_GATEWAY', envValue(env, 'ALIPAY_GATEWAY') ?? ALIPAY_PRODUCTION_GATEWAY),
    };
    if (ctx.production) {
      const files = alipaySandboxKeys();
      const published = new Set([files.appPrivateKey, files.alipayPrivateKey, files.alipayPublicKey].map(keyFingerprint));
      if (published.has(keyFingerprint(privateKey)) || published.has(keyFingerprint(alipayPublicKey))) {
        throw new ConfigError('ALIPAY_PRIVATE_KEY or ALIPAY_PUBLIC_KEY hold the sandbox\'s published keys (sandbox-keys/alipay); production needs the app\'s real keys');
      }
      refuseSandboxUrl('ALIPAY_GATEWAY', alipay.gateway, ctx);
    }
  }

  const h5BaseUrl = httpUrl('SHARE_H5_BASE_URL', envValue(env, 'SHARE_H5_BASE_URL') ?? ctx.publicBaseUrl).replace(/\/+$/, '');
  return { weapp, tt, alipay, h5BaseUrl };
}

/** After listening on an ephemeral port: URLs derived from the old base move with it. */
export function rebaseAppCodesConfig(config: AppCodesConfig, swap: (url: string) => string): void {
  if (config.weapp) config.weapp.apiBase = swap(config.weapp.apiBase);
  if (config.tt) config.tt.openApiBase = swap(config.tt.openApiBase);
  if (config.alipay) config.alipay.gateway = swap(config.alipay.gateway);
  config.h5BaseUrl = swap(config.h5BaseUrl);
}
