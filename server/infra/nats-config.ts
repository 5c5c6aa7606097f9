import { ConfigError } from './config-error';

/**
 * Settings of the NATS JetStream broker sink of the outbox (server/infra/nats-sink.ts),
 * read from the environment. No client library here, so reading the configuration never loads
 * one. docs/configuration.md and docs/outbox.md describe the variables.
 */
export interface NatsConfig {
  /** Server addresses without credentials (nats://host:port or tls://host:port). */
  servers: string[];
  /** From the URL's user info: user and password (nats://user:pass@host)... */
  user: string | null;
  pass: string | null;
  /** ...or a token (nats://token@host, a user without a password). */
  token: string | null;
  /** The JetStream stream that stores the events (created or updated on first use). */
  stream: string;
  /** Events are published on `<subjectPrefix>.<event type>`; the stream takes `<subjectPrefix>.>`. */
  subjectPrefix: string;
  /** The stream's duplicate window: a message id seen within it is stored once. */
  duplicateWindowMs: number;
}

export const NATS_DEFAULTS = {
  stream: 'SHOP_EVENTS',
  subjectPrefix: 'shop.events',
  /**
   * One hour: longer than the outbox relay's whole retry schedule with its defaults (12
   * attempts, about 35 minutes of backoff, plus publish timeouts and a lease), so every
   * republication of an event the relay makes by itself falls inside the window.
   */
  duplicateWindowSeconds: 3600,
} as const;

export const NATS_DUPLICATE_WINDOW_LIMITS = { minSeconds: 120, maxSeconds: 7 * 24 * 3600 } as const;

/** Stream names: letters, digits, '-' and '_' (no '.', '*', '>', spaces or path separators). */
const STREAM_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Subject tokens of the prefix: no wildcards, no spaces. */
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

type Env = Record<string, string | undefined>;

function parseServer(raw: string): { server: string; user: string | null; pass: string | null } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`NATS_URL: "${raw}" is not a URL (e.g. nats://127.0.0.1:4222)`);
  }
  if (url.protocol !== 'nats:' && url.protocol !== 'tls:') {
    throw new ConfigError(`NATS_URL: "${url.protocol}//${url.host}" must be a nats:// or tls:// URL`);
  }
  if (!url.hostname) throw new ConfigError(`NATS_URL: "${raw}" names no host`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) {
    throw new ConfigError(`NATS_URL: "${url.protocol}//${url.host}" must be a server address only (no path or query)`);
  }
  return {
    server: `${url.protocol}//${url.hostname}:${url.port || '4222'}`,
    user: url.username ? decodeURIComponent(url.username) : null,
    pass: url.password ? decodeURIComponent(url.password) : null,
  };
}

/**
 * The broker sink's settings, or null when NATS_URL is unset or empty (no broker sink):
 * - NATS_URL: one server or a comma-separated list (nats:// or tls://, port 4222 by default);
 *   credentials go in the user info, the same on every URL that has some;
 * - NATS_STREAM: the stream name (default SHOP_EVENTS);
 * - NATS_SUBJECT_PREFIX: dot-separated tokens before the event type (default shop.events);
 * - NATS_DUPLICATE_WINDOW_SECONDS: the stream's duplicate window (default 3600, 120 to 604800).
 */
export function loadNatsConfig(env: Env): NatsConfig | null {
  const urls = (env.NATS_URL ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urls.length === 0) return null;

  const parsed = urls.map(parseServer);
  const servers = [...new Set(parsed.map((p) => p.server))];
  const withCredentials = parsed.filter((p) => p.user !== null);
  const credentials = withCredentials[0] ?? { user: null, pass: null };
  if (withCredentials.some((p) => p.user !== credentials.user || p.pass !== credentials.pass)) {
    throw new ConfigError('NATS_URL: the servers give different credentials; give the same on each (or on the first only)');
  }
  // nats://token@host is a token; nats://user:pass@host a user and a password.
  const token = credentials.user !== null && credentials.pass === null ? credentials.user : null;

  const stream = (env.NATS_STREAM ?? '').trim() || NATS_DEFAULTS.stream;
  if (!STREAM_PATTERN.test(stream)) {
    throw new ConfigError(`NATS_STREAM must be 1 to 64 letters, digits, "-" or "_", got "${stream}"`);
  }

  const subjectPrefix = (env.NATS_SUBJECT_PREFIX ?? '').trim() || NATS_DEFAULTS.subjectPrefix;
  if (!subjectPrefix.split('.').every((t) => SUBJECT_TOKEN.test(t))) {
    throw new ConfigError(`NATS_SUBJECT_PREFIX must be dot-separated tokens of letters, digits, "-" or "_" (e.g. "shop.events"), got "${subjectPrefix}"`);
  }

  const windowRaw = (env.NATS_DUPLICATE_WINDOW_SECONDS ?? '').trim();
  const { minSeconds, maxSeconds } = NATS_DUPLICATE_WINDOW_LIMITS;
  const windowSeconds = windowRaw === '' ? NATS_DEFAULTS.duplicateWindowSeconds : Number(windowRaw);
  if (!Number.isInteger(windowSeconds) || windowSeconds < minSeconds || windowSeconds > maxSeconds) {
    throw new ConfigError(`NATS_DUPLICATE_WINDOW_SECONDS must be an integer between ${minSeconds} and ${maxSeconds}, got "${windowRaw}"`);
  }

  return {
    servers,
    user: token === null ? credentials.user : null,
    pass: token === null ? credentials.pass : null,
    token,
    stream,
    subjectPrefix,
    duplicateWindowMs: windowSeconds * 1000,
  };
}
