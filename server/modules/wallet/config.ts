import type { PointsRule } from '../../../contract/tender-split';
import { ConfigError } from '../../infra/config-error';

/**
 * The wallet's configuration, read from the environment: the points rule every payment is
 * split by, and the demo grant each shopper receives on first use of the wallet.
 */
export interface WalletConfig {
  pointsRule: PointsRule;
  /** Stored balance (fen) granted once per shopper (ref welcome:<userId>); 0 grants none. */
  welcomeBalance: number;
  /** Points granted once per shopper with the welcome balance; 0 grants none. */
  welcomePoints: number;
}

type Env = Record<string, string | undefined>;

export interface WalletEnvVar {
  name: string;
  default: string;
  meaning: string;
}

/** Every variable loadWalletConfig reads, for docs/configuration.md. */
export const WALLET_ENV_VARS: readonly WalletEnvVar[] = [
  {
    name: 'POINTS_PER_YUAN',
    default: '100',
    meaning: 'Points worth ¥1 when paying. Must divide 100 (1, 2, 4, 5, 10, 20, 25, 50, 100), so one point is a whole number of fen.',
  },
  {
    name: 'POINTS_CAP_PERCENT',
    default: '50',
    meaning: 'At most this percentage (0-100) of a payment may be paid with points; 0 turns points off as a tender.',
  },
  {
    name: 'WELCOME_BALANCE_FEN',
    default: '20000 (0 in production)',
    meaning: 'Stored balance in fen granted once to each shopper the first time their wallet is read or used (a demo grant, funded by the platform).',
  },
  {
    name: 'WELCOME_POINTS',
    default: '5000 (0 in production)',
    meaning: 'Points granted once to each shopper together with the welcome balance.',
  },
];

/** Largest accepted welcome grant (¥1,000,000 / 10^9 points): a typo guard, not a business rule. */
const MAX_WELCOME_FEN = 100_000_000;
const MAX_WELCOME_POINTS = 1_000_000_000;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  if (!/^-?\d+$/.test(text)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

export function loadWalletConfig(env: Env, options: { production: boolean }): WalletConfig {
  const pointsPerYuan = intVar(env, 'POINTS_PER_YUAN', 100, 1, 100);
  if (100 % pointsPerYuan !== 0) {
    throw new ConfigError(`POINTS_PER_YUAN must divide 100 (1, 2, 4, 5, 10, 20, 25, 50 or 100) so a point is whole fen, got "${env.POINTS_PER_YUAN}"`);
  }
  const capPercent = intVar(env, 'POINTS_CAP_PERCENT', 50, 0, 100);
  const welcomeBalance = intVar(env, 'WELCOME_BALANCE_FEN', options.production ? 0 : 20_000, 0, MAX_WELCOME_FEN);
  const welcomePoints = intVar(env, 'WELCOME_POINTS', options.production ? 0 : 5_000, 0, MAX_WELCOME_POINTS);
  return { pointsRule: { pointsPerYuan, capPercent }, welcomeBalance, welcomePoints };
}

const loaded = new WeakMap<object, WalletConfig>();

/**
 * The wallet configuration of a running server, read once per platform config from the process
 * environment (the same environment loadConfig reads) and kept with it.
 */
export function walletConfigOf(config: { nodeEnv: string }, env: Env = process.env): WalletConfig {
  let wallet = loaded.get(config);
  if (!wallet) {
    wallet = loadWalletConfig(env, { production: config.nodeEnv === 'production' });
    loaded.set(config, wallet);
  }
  return wallet;
}
