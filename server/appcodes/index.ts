import type { SharePage, SharePlatform } from '../../contract/share';
import { AppError } from '../infra/errors';
import { defineHandlers, type HandlerMap } from '../infra/http';
import { createAlipayCodeAdapter } from './alipay';
import type { AppCodesConfig } from './config';
import { createDouyinCodeAdapter } from './douyin';
import { createH5CodeAdapter } from './h5';
import type { AppCodeFetch } from './http';
import { AppCodeError, type AppCodeAdapter, type AppCodeImage } from './types';
import { createWeappCodeAdapter, type WeappAccessTokens } from './weapp';

export { AppCodeError, type AppCodeAdapter, type AppCodeImage, type AppCodePlatform } from './types';
export { loadAppCodesConfig, type AppCodesConfig } from './config';
export { h5Link, qrPng } from './h5';
export { douyinPath } from './douyin';
export { weappAccessTokens, WEAPP_TOKEN_INVALID, type WeappAccessTokens } from './weapp';
export type { AppCodeFetch } from './http';

/**
 * Platform codes for share posters (docs/share.md): one adapter per platform, a cache of the
 * codes made (a code for a page and a scene never changes, so a poster drawn again does not
 * call the platform), and a per-account limit on the codes asked for.
 */
export interface AppCodes {
  /** The code as a data URL; AppError SHARE_CODE_UNAVAILABLE, SHARE_CODE_FAILED (502) or RATE_LIMITED. */
  code(accountId: string, platform: SharePlatform, page: SharePage, scene: string): Promise<string>;
}

export interface AppCodesOptions {
  /** Codes kept (least recently used leave first). */
  cacheEntries?: number;
  /** Requests one account may make in a minute (cached codes count too). */
  perMinute?: number;
  now?: () => number;
  fetchImpl?: AppCodeFetch;
  /** Adapters to use instead of the configured ones (tests). */
  adapters?: AppCodeAdapter[];
  /** The mini-program's access token, shared with the app's other callers of WeChat's server APIs (compose.ts). */
  weappTokens?: WeappAccessTokens;
  log?: { warn(obj: unknown, msg?: string): void };
}

export const SHARE_CODES_PER_MINUTE = 30;
export const SHARE_CODE_CACHE_ENTRIES = 2000;

export function configuredAppCodeAdapters(config: AppCodesConfig, fetchImpl?: AppCodeFetch, weappTokens?: WeappAccessTokens): AppCodeAdapter[] {
  const adapters: AppCodeAdapter[] = [createH5CodeAdapter(() => config.h5BaseUrl)];
  if (config.weapp) adapters.push(createWeappCodeAdapter(config.weapp, { fetchImpl, tokens: weappTokens }));
  if (config.alipay) adapters.push(createAlipayCodeAdapter(config.alipay, { fetchImpl }));
  if (config.tt) adapters.push(createDouyinCodeAdapter(config.tt, { fetchImpl }));
  return adapters;
}

export const dataUrl = (image: AppCodeImage): string => `data:${image.contentType};base64,${image.bytes.toString('base64')}`;

export function createAppCodes(config: AppCodesConfig, options: AppCodesOptions = {}): AppCodes {
  const now = options.now ?? Date.now;
  const perMinute = options.perMinute ?? SHARE_CODES_PER_MINUTE;
  const maxEntries = options.cacheEntries ?? SHARE_CODE_CACHE_ENTRIES;
  const byPlatform = new Map<SharePlatform, AppCodeAdapter>();
  for (const a of options.adapters ?? configuredAppCodeAdapters(config, options.fetchImpl, options.weappTokens)) byPlatform.set(a.platform, a);

  // Map keeps insertion order: a hit is moved to the end, the first entry is the least recently used.
  const cache = new Map<string, string>();
  const inFlight = new Map<string, Promise<string>>();
  const windows = new Map<string, { start: number; count: number }>();

  function admit(accountId: string): void {
    const t = now();
    const w = windows.get(accountId);
    if (!w || t - w.start >= 60_000) {
      windows.set(accountId, { start: t, count: 1 });
      if (windows.size > 10_000) for (const [k, v] of windows) if (t - v.start >= 60_000) windows.delete(k);
      return;
    }
    if (w.count >= perMinute) {
      const retryAfterSeconds = Math.max(1, Math.ceil((w.start + 60_000 - t) / 1000));
      throw new AppError('RATE_LIMITED', `At most ${perMinute} codes a minute`, { retryAfterSeconds });
    }
    w.count += 1;
  }

  return {
    async code(accountId, platform, page, scene) {
      admit(accountId);
      const key = `${platform}\n${page}\n${scene}`;
      const hit = cache.get(key);
      if (hit !== undefined) {
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      const adapter = byPlatform.get(platform);
      if (!adapter) throw new AppError('SHARE_CODE_UNAVAILABLE', `No code service is configured for ${platform}`, { platform });
      let pending = inFlight.get(key);
      if (!pending) {
        pending = adapter
          .create({ page, scene })
          .then((image) => {
            const url = dataUrl(image);
            cache.set(key, url);
            while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
            return url;
          })
          .finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      try {
        return await pending;
      } catch (err) {
        if (err instanceof AppCodeError) {
          options.log?.warn({ platform, page, platformCode: err.platformCode, err: err.message }, 'share code failed');
          throw new AppError('SHARE_CODE_FAILED', err.message, { platform, ...(err.platformCode ? { platformCode: err.platformCode } : {}) });
        }
        throw err;
      }
    },
  };
}

/** The route's handler (contract route shareCode), mounted by server/app.ts. */
export function shareModule(codes: AppCodes): { handlers: HandlerMap } {
  return {
    handlers: defineHandlers({
      shareCode: async ({ user, body }) => ({ image: await codes.code(user.id, body.platform, body.page, body.scene) }),
    }),
  };
}
