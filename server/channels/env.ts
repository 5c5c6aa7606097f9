import { ConfigError } from '../infra/config-error';

/** Reading channel settings from the environment, shared by every channel's config. */
export type Env = Record<string, string | undefined>;

/** A variable's trimmed value, or null when unset or blank. */
export function envValue(env: Env, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? null : raw.trim();
}

/** Checks a variable's value is an absolute http(s) URL (ConfigError naming the variable otherwise); answers it as given. */
export function httpUrl(name: string, raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got "${raw}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  return raw;
}
