import type { DouyinCodeConfig } from './config';
import { readJson, record, send, text, tokenCache, type AppCodeFetch } from './http';
import { AppCodeError, sniffImage, type AppCodeAdapter } from './types';

/**
 * Douyin mini-program QR codes (open.douyin.com):
 *
 *   POST <openApiBase>/oauth/client_token/  { client_key, client_secret, grant_type: 'client_credential' }
 *        -> { data: { access_token, expires_in, error_code, description }, message }
 *   POST <openApiBase>/api/apps/v1/qrcode/create/  header access-token
 *        { appid, app_name: 'douyin', path, width, set_icon, is_circle_code }
 *        -> { err_no, err_msg, log_id, data: { img } }   img: the PNG, base64
 *
 * `path` is the page with its query, URL-encoded once (`pages%2Fproduct%2Findex%3Fscene%3D...`),
 * as the platform asks; the page reads `scene` from its query. The client token is kept until
 * five minutes before it expires; 28001003/28001008 (token invalid or expired) drop it and the
 * call is made once more.
 */
export const DOUYIN_CODE_WIDTH = 430;
const TOKEN_INVALID = new Set([28001003, 28001008]);

export function douyinPath(page: string, scene: string): string {
  return encodeURIComponent(`${page}?scene=${encodeURIComponent(scene)}`);
}

export function createDouyinCodeAdapter(config: DouyinCodeConfig, opts: { fetchImpl?: AppCodeFetch; now?: () => number } = {}): AppCodeAdapter {
  const doFetch = opts.fetchImpl ?? fetch;
  const tokens = tokenCache(async () => {
    const body = await readJson('tt', await send('tt', doFetch, `${config.openApiBase}/oauth/client_token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_key: config.appId, client_secret: config.secret, grant_type: 'client_credential' }),
    }));
    const data = record(body.data);
    const token = text(data.access_token);
    if (!token) throw new AppCodeError('tt', `client token refused: ${String(data.error_code ?? '?')} ${String(data.description ?? body.message ?? '')}`.trim(), String(data.error_code ?? ''));
    const expires = typeof data.expires_in === 'number' && data.expires_in > 0 ? data.expires_in : 7200;
    return { token, expiresInSeconds: expires };
  }, opts.now ?? Date.now);

  return {
    platform: 'tt',
    async create({ page, scene }) {
      for (let attempt = 0; ; attempt++) {
        const token = await tokens.get();
        const body = await readJson('tt', await send('tt', doFetch, `${config.openApiBase}/api/apps/v1/qrcode/create/`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'access-token': token },
          body: JSON.stringify({ appid: config.appId, app_name: 'douyin', path: douyinPath(page, scene), width: DOUYIN_CODE_WIDTH, set_icon: false, is_circle_code: false }),
        }));
        const errNo = typeof body.err_no === 'number' ? body.err_no : -1;
        if (errNo !== 0) {
          if (TOKEN_INVALID.has(errNo) && attempt === 0) {
            tokens.invalidate(token);
            continue;
          }
          throw new AppCodeError('tt', `err_no ${errNo} ${String(body.err_msg ?? '')}`.trim(), String(errNo));
        }
        const img = text(record(body.data).img);
        if (!img) throw new AppCodeError('tt', 'the answer holds no image');
        const bytes = Buffer.from(img, 'base64');
        const contentType = sniffImage(bytes);
        if (!contentType) throw new AppCodeError('tt', 'the image is not a PNG or JPEG');
        return { contentType, bytes };
      }
    },
  };
}
