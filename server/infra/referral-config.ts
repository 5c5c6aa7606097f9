import { createHmac } from 'node:crypto';
import { MAX_LEVELS_CAP } from '../../contract/referral';
import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** REFERRAL_BINDING: how a sign-in binds the account under a promoter (docs/referral.md, "Binding"). */
export type ReferralBindingPolicy = { kind: 'first_touch' } | { kind: 'first_touch_days'; days: number } | { kind: 'last_touch' };
/** REFERRAL_PROMOTERS: who may promote. */
export type PromoterPolicy = { kind: 'everyone' } | { kind: 'min_spend'; fen: number } | { kind: 'approved' };

export interface ReferralConfig {
  /** REFERRAL_SECRET: the HMAC-SHA256 key of attribution tokens (required in production). */
  secret: string;
  binding: ReferralBindingPolicy;
  /** REFERRAL_NEW_ACCOUNTS_ONLY: only accounts created by the sign-in are bound. */
  newAccountsOnly: boolean;
  /** REFERRAL_MAX_LEVELS: commission levels, 1..MAX_LEVELS_CAP. */
  maxLevels: number;
  promoters: PromoterPolicy;
  /** REFERRAL_OPERATOR_MERCHANT: the merchant whose staff decide the platform's part (applications, withdrawals). */
  operatorMerchant: string;
  /** REFERRAL_WITHDRAW_*: the promoters' withdrawals (docs/referral.md, "Withdrawals"). */
  withdraw: WithdrawConfig;
}

/** Withdrawal rules; amounts in fen, the fee's rate in basis points. */
export interface WithdrawConfig {
  /** REFERRAL_WITHDRAW_MIN: the least a withdrawal may ask for. */
  min: number;
  /** REFERRAL_WITHDRAW_FEE_BP: the fee's rate on the amount asked for (rounded down). */
  feeBp: number;
  /** REFERRAL_WITHDRAW_FEE_FEN: a fixed fee added to it. */
  feeFen: number;
  /** REFERRAL_WITHDRAW_DAILY_LIMIT: what one promoter may ask for per Asia/Shanghai day (0: no limit). */
  dailyLimit: number;
  /** REFERRAL_WITHDRAW_AUTO_APPROVE_MAX: up to this amount a withdrawal is approved at once; above it the operating merchant decides. */
  autoApproveMax: number;
}

/** The most a withdrawal's fee may take, in basis points (20 %). */
export const MAX_WITHDRAW_FEE_BP = 2_000;

function fenSetting(env: Env, name: string, fallback: number, min = 0): number {
  const raw = value(env, name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!/^\d{1,12}$/.test(raw) || !Number.isSafeInteger(n) || n < min) throw new ConfigError(`${name} must be a whole number of fen, at least ${min}, got "${raw}"`);
  return n;
}

/** REFERRAL_WITHDRAW_*: checked at start-up so that a bad value never reaches a request. */
export function loadWithdrawConfig(env: Env): WithdrawConfig {
  const min = fenSetting(env, 'REFERRAL_WITHDRAW_MIN', 100, 1);
  const feeFen = fenSetting(env, 'REFERRAL_WITHDRAW_FEE_FEN', 0);
  const feeBpRaw = value(env, 'REFERRAL_WITHDRAW_FEE_BP') ?? '0';
  const feeBp = Number(feeBpRaw);
  if (!/^\d{1,5}$/.test(feeBpRaw) || feeBp > MAX_WITHDRAW_FEE_BP) throw new ConfigError(`REFERRAL_WITHDRAW_FEE_BP must be a whole number of basis points from 0 to ${MAX_WITHDRAW_FEE_BP}, got "${feeBpRaw}"`);
  // The smallest withdrawal must leave something to pay out after its fee.
  if (withdrawalFee({ feeBp, feeFen }, min) >= min) throw new ConfigError(`REFERRAL_WITHDRAW_MIN (${min}) must be more than its own fee (${withdrawalFee({ feeBp, feeFen }, min)} fen): raise it or lower REFERRAL_WITHDRAW_FEE_*`);
  const dailyLimit = fenSetting(env, 'REFERRAL_WITHDRAW_DAILY_LIMIT', 500_000);
  if (dailyLimit !== 0 && dailyLimit < min) throw new ConfigError(`REFERRAL_WITHDRAW_DAILY_LIMIT (${dailyLimit}) is below REFERRAL_WITHDRAW_MIN (${min}): no withdrawal could ever be made (0 means no limit)`);
  const autoApproveMax = fenSetting(env, 'REFERRAL_WITHDRAW_AUTO_APPROVE_MAX', 20_000);
  return { min, feeBp, feeFen, dailyLimit, autoApproveMax };
}

/** The fee on a withdrawal of `amount` fen: the fixed part plus the rate, rounded down. */
export function withdrawalFee(config: Pick<WithdrawConfig, 'feeBp' | 'feeFen'>, amount: number): number {
  return config.feeFen + Math.floor((amount * config.feeBp) / 10_000);
}

/** The development key is marked, so production can refuse it. */
const DEV_SECRET_PREFIX = 'dev-referral-';

function value(env: Env, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

function bindingPolicy(raw: string): ReferralBindingPolicy {
  if (raw === 'first_touch') return { kind: 'first_touch' };
  if (raw === 'last_touch') return { kind: 'last_touch' };
  const days = /^first_touch_days:(\d{1,4})$/.exec(raw);
  if (days && Number(days[1]) >= 1 && Number(days[1]) <= 3650) return { kind: 'first_touch_days', days: Number(days[1]) };
  throw new ConfigError(`REFERRAL_BINDING must be "first_touch", "first_touch_days:<1-3650>" or "last_touch", got "${raw}"`);
}

function promoterPolicy(raw: string): PromoterPolicy {
  if (raw === 'everyone') return { kind: 'everyone' };
  if (raw === 'approved') return { kind: 'approved' };
  const spend = /^min_spend:(\d{1,12})$/.exec(raw);
  if (spend && Number.isSafeInteger(Number(spend[1]))) return { kind: 'min_spend', fen: Number(spend[1]) };
  throw new ConfigError(`REFERRAL_PROMOTERS must be "everyone", "min_spend:<fen>" or "approved", got "${raw}"`);
}

/**
 * The referral settings (docs/configuration.md, "Referral"). Outside production the key
 * defaults to one derived from the session key (kept with it, so links survive a restart) and
 * marked as a development key; production requires REFERRAL_SECRET, refuses the development
 * key and the session key itself (one leaked key must not forge the other's tokens).
 */
export function loadReferralConfig(env: Env, ctx: { production: boolean; tokenSecret: string }): ReferralConfig {
  const secretEnv = value(env, 'REFERRAL_SECRET');
  if (ctx.production && !secretEnv) throw new ConfigError('REFERRAL_SECRET is required when NODE_ENV=production');
  if (secretEnv !== null) {
    if (secretEnv.length < 32) throw new ConfigError('REFERRAL_SECRET must be at least 32 characters');
    if (secretEnv === ctx.tokenSecret) throw new ConfigError('REFERRAL_SECRET must not be TOKEN_SECRET');
    if (ctx.production && secretEnv.startsWith(DEV_SECRET_PREFIX)) {
      throw new ConfigError('REFERRAL_SECRET is a development key; production needs its own secret');
    }
  }
  const secret = secretEnv ?? `${DEV_SECRET_PREFIX}${createHmac('sha256', ctx.tokenSecret).update('referral-secret').digest('base64url')}`;

  const levelsRaw = value(env, 'REFERRAL_MAX_LEVELS') ?? '2';
  const maxLevels = Number(levelsRaw);
  if (!Number.isInteger(maxLevels) || maxLevels < 1 || maxLevels > MAX_LEVELS_CAP) {
    throw new ConfigError(`REFERRAL_MAX_LEVELS must be an integer between 1 and ${MAX_LEVELS_CAP} (the cap, docs/referral.md "Depth"), got "${levelsRaw}"`);
  }
  const newRaw = (value(env, 'REFERRAL_NEW_ACCOUNTS_ONLY') ?? 'off').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(newRaw)) throw new ConfigError(`REFERRAL_NEW_ACCOUNTS_ONLY must be "on" or "off", got "${newRaw}"`);
  const operatorMerchant = value(env, 'REFERRAL_OPERATOR_MERCHANT') ?? 'm_01';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(operatorMerchant)) throw new ConfigError(`REFERRAL_OPERATOR_MERCHANT must be a merchant id, got "${operatorMerchant}"`);

  return {
    secret,
    binding: bindingPolicy(value(env, 'REFERRAL_BINDING') ?? 'first_touch'),
    newAccountsOnly: ['on', 'true', '1'].includes(newRaw),
    maxLevels,
    promoters: promoterPolicy(value(env, 'REFERRAL_PROMOTERS') ?? 'everyone'),
    operatorMerchant,
    withdraw: loadWithdrawConfig(env),
  };
}
