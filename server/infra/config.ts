import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadAppCodesConfig, rebaseAppCodesConfig, WEAPP_API, type AppCodesConfig } from '../appcodes/config';
import { ALIPAY_PRODUCTION_GATEWAY, loadAlipayConfig, rebaseAlipayConfig, type AlipayPayConfig } from '../channels/alipay/config';
import { loadDouyinConfig, rebaseDouyinConfig, type DouyinConfig } from '../channels/douyin/config';
import { baseUrlSwap } from '../channels/rebase';
import { loadWechatpayConfig, rebaseWechatpayConfig, type WechatpayConfig } from '../channels/wechatpay/config';
import { loadNatsConfig, type NatsConfig } from './nats-config';
import { ConfigError } from './config-error';
import { loadReferralConfig, type ReferralConfig } from './referral-config';

/**
 * Process configuration, read once from the environment. Every variable is documented in
 * docs/configuration.md (name, default, meaning); keep the two in step.
 */
export type NodeEnv = 'development' | 'production' | 'test';

export interface MiniAppConfig {
  appId: string;
  secret: string;
  /** Base URL of the platform's code-to-session service (its stand-in's in sandbox mode). */
  endpoint: string;
}

/** Douyin's mini-program server API (login's jscode2session). */
const TT_API = 'https://developer.toutiao.com';

export interface AlipayConfig {
  appId: string;
  /** The app's RSA private key (PKCS#8 PEM) used to sign gateway requests (RSA2). */
  privateKey: string;
  /** Alipay's RSA public key (PEM) used to verify gateway responses. */
  alipayPublicKey: string;
  /** The open-platform gateway URL (e.g. https://openapi.alipay.com/gateway.do). */
  gateway: string;
  /** Sandbox mode only: the private key the Alipay gateway stand-in signs its answers with. */
  standInGatewayPrivateKey: string | null;
}

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  dialect: 'sqlite' | 'postgres';
  /** postgres:// URL when dialect is postgres, else null. */
  databaseUrl: string | null;
  /** SQLite file (DATA_DIR/shop.db) when dialect is sqlite. */
  sqlitePath: string;
  /** Where SQLite checkpoints its WAL (SQLITE_CHECKPOINT): a background thread, or inside commits. */
  sqliteCheckpoint: 'background' | 'inline';
  /** SQLite: concurrent transactions share one commit (SQLITE_GROUP_COMMIT, default on). */
  sqliteGroupCommit: boolean;
  dataDir: string;
  publicBaseUrl: string;
  staticDir: string;
  logLevel: string;
  tokenSecret: string;
  tokenTtlSeconds: number;
  orderPayTimeoutSeconds: number;
  /** Realtime sockets one API node holds at most (server/realtime/hub.ts). */
  realtimeMaxConnections: number;
  /** Multiplies every scheduled job's interval (JOB_INTERVAL_SCALE; 1 = the documented intervals). */
  jobIntervalScale: number;
  sandbox: boolean;
  bodyLimitBytes: number;
  corsOrigins: string[];
  weapp: MiniAppConfig;
  tt: MiniAppConfig;
  alipay: AlipayConfig;
  /** Seed the demo shop when the database is empty. */
  seedDemo: boolean;
  /** Live sessions' admission control per API node (docs/live.md, "Admission control"). */
  live: {
    /** LIVE_ADMISSION_RATE: orders a second one session may place on one node; beyond it 429 LIVE_BUSY. */
    admissionRate: number;
    /** LIVE_ADMISSION_BURST: orders a session's bucket holds at most (a burst above the rate). */
    admissionBurst: number;
  };
  /** After-sales (docs/aftersale.md). */
  afterSale: {
    /** AFTERSALE_AUTO_APPROVE_UNSHIPPED: a refund-only request on a paid order not shipped yet is approved at once. */
    autoApproveUnshipped: boolean;
    /** AFTERSALE_MERCHANT_HOURS: how long the merchant has to answer a request before it is approved automatically. */
    merchantHours: number;
    /** AFTERSALE_RETURN_DAYS: how long the shopper has to send the goods back before the request closes. */
    returnDays: number;
  };
  /** UPLOAD_MAX_BYTES: the largest image a shopper may upload (POST /api/uploads). */
  uploadMaxBytes: number;
  /** UPLOAD_GRACE_HOURS: how long an upload no after-sale request took is kept before the job deletes it and its file. */
  uploadGraceHours: number;
  /** Payment channels; null: not configured (payments through it answer CHANNEL_UNAVAILABLE). */
  channels: {
    wechatpay: WechatpayConfig | null;
    alipay: AlipayPayConfig | null;
    douyin: DouyinConfig | null;
  };
  /** The platforms' code APIs for share posters (server/appcodes, docs/share.md); null: the platform is not configured. */
  appCodes: AppCodesConfig;
  /** The outbox's NATS JetStream sink (NATS_URL, NATS_STREAM, ...); null: no broker sink. */
  nats: NatsConfig | null;
  /** Referral attribution and the network (REFERRAL_*; docs/referral.md). */
  referral: ReferralConfig;
}

export { ConfigError };
export type { PromoterPolicy, ReferralBindingPolicy, ReferralConfig, ReferralFraudConfig, WithdrawConfig } from './referral-config';

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function ratio(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name, fallback ? 'on' : 'off').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(raw)) throw new ConfigError(`${name} must be "on" or "off", got "${raw}"`);
  return ['on', 'true', '1'].includes(raw);
}

function str(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? fallback : raw.trim();
}

/** PEM values may be given with literal "\n" sequences (one-line env files). */
function pem(env: Env, name: string): string | null {
  const raw = env[name];
  if (!raw || raw.trim() === '') return null;
  return raw.replace(/\\n/g, '\n');
}

interface DevSecrets {
  tokenSecret: string;
  alipayAppPrivateKey: string;
  alipayGatewayPrivateKey: string;
}

const devSecretsCache = new Map<string, DevSecrets>();

function rsaPrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The public half of a private key (PKCS#1 or PKCS#8 PEM). */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Secrets for development and tests: generated once and kept in DATA_DIR/dev-secrets.json so
 * sessions survive a restart. Never used in production (there every secret is required).
 */
function devSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'dev-secrets.json');
  const cached = devSecretsCache.get(file);
  if (cached) return cached;
  let secrets: DevSecrets | null = null;
  if (existsSync(file)) {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (
      parsed && typeof parsed === 'object' &&
      'tokenSecret' in parsed && typeof parsed.tokenSecret === 'string' &&
      'alipayAppPrivateKey' in parsed && typeof parsed.alipayAppPrivateKey === 'string' &&
      'alipayGatewayPrivateKey' in parsed && typeof parsed.alipayGatewayPrivateKey === 'string'
    ) {
      secrets = {
        tokenSecret: parsed.tokenSecret,
        alipayAppPrivateKey: parsed.alipayAppPrivateKey,
        alipayGatewayPrivateKey: parsed.alipayGatewayPrivateKey,
      };
    }
  }
  if (!secrets) {
    secrets = {
      tokenSecret: randomBytes(32).toString('base64url'),
      alipayAppPrivateKey: rsaPrivateKeyPem(),
      alipayGatewayPrivateKey: rsaPrivateKeyPem(),
    };
    mkdirSync(dataDir, { recursive: true });
    // Write then rename, so a concurrent reader never sees half a file.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    renameSync(tmp, file);
  }
  devSecretsCache.set(file, secrets);
  return secrets;
}

export function loadConfig(env: Env = process.env): Config {
  const rawEnv = env.NODE_ENV;
  const nodeEnv: NodeEnv = rawEnv === 'production' ? 'production' : rawEnv === 'test' ? 'test' : 'development';
  const production = nodeEnv === 'production';

  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = str(env, 'HOST', '0.0.0.0');
  const dataDir = path.resolve(str(env, 'DATA_DIR', './data'));
  const databaseUrlRaw = env.DATABASE_URL?.trim() || null;
  let dialect: Config['dialect'] = 'sqlite';
  if (databaseUrlRaw) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrlRaw)) {
      throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for SQLite)');
    }
    dialect = 'postgres';
  }
  const sqliteCheckpoint = str(env, 'SQLITE_CHECKPOINT', 'background').toLowerCase();
  if (sqliteCheckpoint !== 'background' && sqliteCheckpoint !== 'inline') {
    throw new ConfigError(`SQLITE_CHECKPOINT must be "background" or "inline", got "${sqliteCheckpoint}"`);
  }
  const groupCommitRaw = str(env, 'SQLITE_GROUP_COMMIT', 'on').toLowerCase();
  if (groupCommitRaw !== 'on' && groupCommitRaw !== 'off') {
    throw new ConfigError(`SQLITE_GROUP_COMMIT must be "on" or "off", got "${groupCommitRaw}"`);
  }
  const publicBaseUrl = str(env, 'PUBLIC_BASE_URL', `http://127.0.0.1:${port}`).replace(/\/+$/, '');

  const sandboxRaw = str(env, 'SANDBOX', production ? 'off' : 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(sandboxRaw)) {
    throw new ConfigError(`SANDBOX must be "on" or "off", got "${sandboxRaw}"`);
  }
  const sandbox = ['on', 'true', '1'].includes(sandboxRaw);
  if (production && sandbox) {
    throw new ConfigError('SANDBOX cannot be on when NODE_ENV=production: sandbox mode serves stand-ins for the real platforms');
  }

  const tokenSecretEnv = env.TOKEN_SECRET?.trim() || null;
  if (production && !tokenSecretEnv) throw new ConfigError('TOKEN_SECRET is required when NODE_ENV=production');
  if (tokenSecretEnv && tokenSecretEnv.length < 32) throw new ConfigError('TOKEN_SECRET must be at least 32 characters');

  const alipayKeyEnv = pem(env, 'ALIPAY_PRIVATE_KEY');
  const alipayPublicEnv = pem(env, 'ALIPAY_PUBLIC_KEY');
  const needDev = !tokenSecretEnv || (sandbox && (!alipayKeyEnv || !alipayPublicEnv));
  const dev = needDev && !production ? devSecrets(dataDir) : null;

  const tokenSecret = tokenSecretEnv ?? dev?.tokenSecret;
  if (!tokenSecret) throw new ConfigError('TOKEN_SECRET is required');

  const self = `${publicBaseUrl}/sandbox`;
  // In sandbox mode the configured app key pair and the gateway stand-in's key pair are the
  // generated development ones unless given explicitly.
  const alipayPrivateKey = alipayKeyEnv ?? dev?.alipayAppPrivateKey ?? '';
  const alipayPublicKey = alipayPublicEnv ?? (dev ? publicKeyOf(dev.alipayGatewayPrivateKey) : '');

  const alipayAppId = str(env, 'ALIPAY_APP_ID', '2021000000000000');
  // The platforms' login APIs: their stand-ins in sandbox mode, the platforms' own hosts
  // otherwise; production never points at a stand-in.
  const platformApi = (name: string, standIn: string, real: string): string => {
    const url = str(env, name, sandbox ? standIn : real).replace(/\/+$/, '');
    if (production && url.startsWith(self)) throw new ConfigError(`${name} points at the sandbox stand-in (${url}); production needs the platform's API`);
    return url;
  };
  const alipayGateway = platformApi('ALIPAY_GATEWAY', `${self}/alipay/gateway.do`, ALIPAY_PRODUCTION_GATEWAY);

  const corsOrigins = str(env, 'CORS_ORIGINS', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  return {
    nodeEnv,
    port,
    host,
    dialect,
    databaseUrl: databaseUrlRaw,
    sqlitePath: path.join(dataDir, 'shop.db'),
    sqliteCheckpoint,
    sqliteGroupCommit: groupCommitRaw === 'on',
    dataDir,
    publicBaseUrl,
    staticDir: path.resolve(str(env, 'STATIC_DIR', 'dist/h5')),
    logLevel: str(env, 'LOG_LEVEL', production ? 'info' : nodeEnv === 'test' ? 'warn' : 'info'),
    tokenSecret,
    tokenTtlSeconds: int(env, 'TOKEN_TTL_SECONDS', 30 * 24 * 3600, 60, 365 * 24 * 3600),
    orderPayTimeoutSeconds: int(env, 'ORDER_PAY_TIMEOUT_SECONDS', 900, 1, 7 * 24 * 3600),
    realtimeMaxConnections: int(env, 'REALTIME_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
    jobIntervalScale: ratio(env, 'JOB_INTERVAL_SCALE', 1, 0.01, 100),
    sandbox,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 65536, 1024, 10 * 1024 * 1024),
    corsOrigins,
    weapp: {
      appId: str(env, 'WEAPP_APP_ID', 'wx-sandbox-app'),
      secret: str(env, 'WEAPP_APP_SECRET', 'wx-sandbox-secret'),
      endpoint: platformApi('WEAPP_API_BASE', `${self}/weapp`, WEAPP_API),
    },
    tt: {
      appId: str(env, 'TT_APP_ID', 'tt-sandbox-app'),
      secret: str(env, 'TT_APP_SECRET', 'tt-sandbox-secret'),
      endpoint: platformApi('TT_API_BASE', `${self}/tt`, TT_API),
    },
    alipay: {
      appId: alipayAppId,
      privateKey: alipayPrivateKey,
      alipayPublicKey,
      gateway: alipayGateway,
      // The gateway stand-in signs with the private half of whatever ALIPAY_PUBLIC_KEY is.
      standInGatewayPrivateKey: sandbox
        ? (pem(env, 'ALIPAY_SANDBOX_GATEWAY_PRIVATE_KEY') ?? (alipayPublicEnv ? null : (dev?.alipayGatewayPrivateKey ?? null)))
        : null,
    },
    seedDemo: str(env, 'SEED_DEMO', 'on') !== 'off',
    live: {
      admissionRate: int(env, 'LIVE_ADMISSION_RATE', 200, 1, 1_000_000),
      admissionBurst: int(env, 'LIVE_ADMISSION_BURST', 400, 1, 1_000_000),
    },
    afterSale: {
      autoApproveUnshipped: onOff(env, 'AFTERSALE_AUTO_APPROVE_UNSHIPPED', true),
      merchantHours: ratio(env, 'AFTERSALE_MERCHANT_HOURS', 48, 0.001, 24 * 30),
      returnDays: ratio(env, 'AFTERSALE_RETURN_DAYS', 7, 0.001, 60),
    },
    uploadMaxBytes: int(env, 'UPLOAD_MAX_BYTES', 5 * 1024 * 1024, 1024, 20 * 1024 * 1024),
    uploadGraceHours: ratio(env, 'UPLOAD_GRACE_HOURS', 24, 1, 24 * 30),
    channels: {
      wechatpay: loadWechatpayConfig(env, { production, sandbox, publicBaseUrl }),
      alipay: loadAlipayConfig(env, { production, sandbox, publicBaseUrl }),
      douyin: loadDouyinConfig(env, { production, sandbox, publicBaseUrl }),
    },
    appCodes: loadAppCodesConfig(env, {
      production,
      sandbox,
      publicBaseUrl,
      alipay: { appId: alipayAppId, privateKey: alipayPrivateKey, alipayPublicKey, gateway: alipayGateway },
    }),
    nats: loadNatsConfig(env),
    referral: loadReferralConfig(env, { production, tokenSecret }),
  };
}

/**
 * After listening on an ephemeral port (PORT=0, tests), point the public base URL and every
 * default stand-in endpoint at the real address. Mutates the config the app holds, on purpose:
 * the port is known only after listen. Endpoints set explicitly elsewhere are left alone.
 */
export function rebaseOnListen(config: Config, port: number): void {
  const oldBase = config.publicBaseUrl;
  const newBase = oldBase.replace(/:\d+$/, `:${port}`);
  if (newBase === oldBase) return;
  const swap = baseUrlSwap(oldBase, newBase);
  config.port = port;
  config.publicBaseUrl = newBase;
  config.weapp.endpoint = swap(config.weapp.endpoint);
  config.tt.endpoint = swap(config.tt.endpoint);
  config.alipay.gateway = swap(config.alipay.gateway);
  if (config.channels.wechatpay) rebaseWechatpayConfig(config.channels.wechatpay, oldBase, newBase);
  if (config.channels.alipay) rebaseAlipayConfig(config.channels.alipay, oldBase, newBase);
  if (config.channels.douyin) rebaseDouyinConfig(config.channels.douyin, oldBase, newBase);
  rebaseAppCodesConfig(config.appCodes, swap);
}
