import { AppCodeError, type AppCodePlatform } from './types';

/** HTTP for the adapters: a timeout, and every transport failure as an AppCodeError. */
export type AppCodeFetch = (url: string, init?: RequestInit) => Promise<Response>;

export const APP_CODE_TIMEOUT_MS = 8000;

export async function send(platform: AppCodePlatform, doFetch: AppCodeFetch, url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await doFetch(url, { ...init, signal: AbortSignal.timeout(APP_CODE_TIMEOUT_MS) });
  } catch (err) {
    throw new AppCodeError(platform, `the platform did not answer (${err instanceof Error ? err.message : String(err)})`);
  }
}

export async function readJson(platform: AppCodePlatform, res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!res.ok) throw new AppCodeError(platform, `the platform answered HTTP ${res.status}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppCodeError(platform, 'the platform answered something that is not JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AppCodeError(platform, 'the platform answered an unexpected JSON value');
  return parsed as Record<string, unknown>;
}

export const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * An access token kept until shortly before it expires; concurrent callers share one fetch.
 * `invalidate` drops it (the platform said it is no longer valid).
 */
export function tokenCache(fetchToken: () => Promise<{ token: string; expiresInSeconds: number }>, now: () => number) {
  let held: { token: string; until: number } | null = null;
  let pending: Promise<string> | null = null;
  return {
    async get(): Promise<string> {
      if (held && now() < held.until) return held.token;
      pending ??= fetchToken()
        .then(({ token, expiresInSeconds }) => {
          // Renewed five minutes early (or halfway for short lives), so a call never carries a token about to lapse.
          const margin = Math.min(300, expiresInSeconds / 2);
          held = { token, until: now() + (expiresInSeconds - margin) * 1000 };
          return token;
        })
        .finally(() => {
          pending = null;
        });
      return pending;
    },
    invalidate(token: string): void {
      if (held?.token === token) held = null;
    },
  };
}
