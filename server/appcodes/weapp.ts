import type { WeappCodeConfig } from './config';
import { readJson, record, send, text, tokenCache, type AppCodeFetch } from './http';
import { AppCodeError, sniffImage, type AppCodeAdapter, type AppCodeImage } from './types';

/**
 * WeChat mini-program codes, wxacode.getUnlimited:
 *
 *   GET  <apiBase>/cgi-bin/token?grant_type=client_credential&appid&secret  -> { access_token, expires_in } | { errcode, errmsg }
 *   POST <apiBase>/wxa/getwxacodeunlimit?access_token=  { scene, page, check_path, env_version, width }
 *        -> the image (Content-Type image/jpeg or image/png) | { errcode, errmsg } (HTTP 200)
 *
 * The access token is kept until five minutes before it expires; an answer saying it is no
 * longer valid (40001, 42001, 40014) drops it and the call is made once more with a new one.
 */
export const WEAPP_CODE_WIDTH = 430;
/** The errcodes that say the access token is no longer valid: drop it and call once more with a new one. */
export const WEAPP_TOKEN_INVALID: ReadonlySet<number> = new Set([40001, 40014, 42001]);
const TOKEN_INVALID = WEAPP_TOKEN_INVALID;

/** The mini-program's server access token (cgi-bin/token), kept and shared by every caller of WeChat's server APIs. */
export interface WeappAccessTokens {
  get(): Promise<string>;
  invalidate(token: string): void;
}

/**
 * One access token per app id for the whole process: WeChat invalidates the previous token a
 * few minutes after a new one is fetched, so the share codes and the referral risk check share
 * this one (server/compose.ts gives it to both) rather than each fetching its own.
 */
export function weappAccessTokens(config: Pick<WeappCodeConfig, 'appId' | 'secret' | 'apiBase'>, opts: { fetchImpl?: AppCodeFetch; now?: () => number } = {}): WeappAccessTokens {
  const doFetch = opts.fetchImpl ?? fetch;
  return tokenCache(async () => {
    const q = new URLSearchParams({ grant_type: 'client_credential', appid: config.appId, secret: config.secret });
    const body = await readJson('weapp', await send('weapp', doFetch, `${config.apiBase}/cgi-bin/token?${q}`));
    const token = text(body.access_token);
    if (!token) throw new AppCodeError('weapp', `access token refused: errcode ${String(body.errcode ?? '?')} ${String(body.errmsg ?? '')}`.trim(), String(body.errcode ?? ''));
    const expires = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 7200;
    return { token, expiresInSeconds: expires };
  }, opts.now ?? Date.now);
}

export function createWeappCodeAdapter(config: WeappCodeConfig, opts: { fetchImpl?: AppCodeFetch; now?: () => number; tokens?: WeappAccessTokens } = {}): AppCodeAdapter {
  const doFetch = opts.fetchImpl ?? fetch;
  const tokens = opts.tokens ?? weappAccessTokens(config, opts);

  async function once(token: string, page: string, scene: string): Promise<AppCodeImage | { errcode: number; errmsg: string }> {
    const res = await send('weapp', doFetch, `${config.apiBase}/wxa/getwxacodeunlimit?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scene, page, check_path: config.envVersion === 'release', env_version: config.envVersion, width: WEAPP_CODE_WIDTH }),
    });
    if (!res.ok) throw new AppCodeError('weapp', `the platform answered HTTP ${res.status}`);
    const type = (res.headers.get('content-type') ?? '').toLowerCase();
    if (type.startsWith('image/')) {
      const bytes = Buffer.from(await res.arrayBuffer());
      const sniffed = sniffImage(bytes);
      if (!sniffed) throw new AppCodeError('weapp', `the platform answered ${type} that is not a PNG or JPEG`);
      return { contentType: sniffed, bytes };
    }
    const body = record(await readJson('weapp', res));
    return { errcode: typeof body.errcode === 'number' ? body.errcode : -1, errmsg: String(body.errmsg ?? '') };
  }

  return {
    platform: 'weapp',
    async create({ page, scene }) {
      for (let attempt = 0; ; attempt++) {
        const token = await tokens.get();
        const answer = await once(token, page, scene);
        if ('bytes' in answer) return answer;
        if (TOKEN_INVALID.has(answer.errcode) && attempt === 0) {
          tokens.invalidate(token);
          continue;
        }
        throw new AppCodeError('weapp', `errcode ${answer.errcode} ${answer.errmsg}`.trim(), String(answer.errcode));
      }
    },
  };
}
