import type { UploadedImage } from '@contract/aftersale';
import Taro from '@tarojs/taro';
import { errorMessage } from '@/i18n/messages';
import { ApiError, apiBase } from '../http';
import { currentToken, useSession } from '@/stores/session';

/**
 * One photo up to `POST /api/uploads` (docs/aftersale.md), outside the JSON request client
 * because its body is an image: on H5 the picked file's blob (read from its blob: URL) is the
 * raw body, sent with XMLHttpRequest for its upload progress; on the mini-programs the host's
 * uploadFile sends it as the one file of a multipart body. Progress is reported 0 to 100.
 */
export const UPLOAD_PATH = '/api/uploads';

export interface UploadHandle {
  promise: Promise<UploadedImage>;
  abort(): void;
}

function problemOf(status: number, data: unknown): ApiError {
  let body: unknown = data;
  if (typeof data === 'string') {
    try {
      body = JSON.parse(data);
    } catch {
      body = null;
    }
  }
  const p = body && typeof body === 'object' ? (body as { code?: unknown; detail?: unknown }) : {};
  const code = typeof p.code === 'string' ? p.code : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 401 ? 'UNAUTHORIZED' : status >= 500 ? 'INTERNAL' : 'UNKNOWN';
  if (status === 401 && currentToken()) useSession.getState().clear();
  return new ApiError({ code, status, message: errorMessage(code), detail: typeof p.detail === 'string' ? p.detail : undefined });
}

function parseUploaded(data: unknown): UploadedImage {
  const body = typeof data === 'string' ? (JSON.parse(data) as unknown) : data;
  if (!body || typeof body !== 'object' || typeof (body as UploadedImage).id !== 'string') throw new ApiError({ code: 'UNKNOWN', status: 0 });
  return body as UploadedImage;
}

function uploadH5(filePath: string, onProgress: (percent: number) => void): UploadHandle {
  let xhr: XMLHttpRequest | null = null;
  let aborted = false;
  const promise = (async () => {
    let blob: Blob;
    try {
      // The picked file as Taro's H5 chooseImage gives it: a blob: URL of this page.
      blob = await (await fetch(filePath)).blob();
    } catch {
      throw new ApiError({ code: 'IMAGE_INVALID', status: 0 });
    }
    if (aborted) throw new ApiError({ code: 'ABORTED', status: 0 });
    return new Promise<UploadedImage>((resolve, reject) => {
      const req = new XMLHttpRequest();
      xhr = req;
      req.open('POST', `${apiBase()}${UPLOAD_PATH}`);
      const token = currentToken();
      if (token) req.setRequestHeader('Authorization', `Bearer ${token}`);
      req.setRequestHeader('Accept', 'application/json');
      req.setRequestHeader('Content-Type', blob.type || 'application/octet-stream');
      req.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(Math.min(99, Math.round((e.loaded / e.total) * 100)));
      };
      req.onload = () => {
        if (req.status >= 200 && req.status < 300) {
          try {
            onProgress(100);
            resolve(parseUploaded(req.responseText));
          } catch (e) {
            reject(e);
          }
        } else reject(problemOf(req.status, req.responseText));
      };
      req.onerror = () => reject(new ApiError({ code: 'NETWORK', status: 0 }));
      req.onabort = () => reject(new ApiError({ code: 'ABORTED', status: 0 }));
      req.send(blob);
    });
  })();
  return {
    promise,
    abort: () => {
      aborted = true;
      xhr?.abort();
    },
  };
}

function uploadMini(filePath: string, onProgress: (percent: number) => void): UploadHandle {
  const token = currentToken();
  let task: Taro.UploadTask | null = null;
  const promise = new Promise<UploadedImage>((resolve, reject) => {
    task = Taro.uploadFile({
      url: `${apiBase()}${UPLOAD_PATH}`,
      filePath,
      name: 'file',
      header: token ? { Authorization: `Bearer ${token}`, Accept: 'application/json' } : { Accept: 'application/json' },
      success: (res) => {
        if (res.statusCode >= 200 && res.statusCode < 300) {
          try {
            onProgress(100);
            resolve(parseUploaded(res.data));
          } catch (e) {
            reject(e);
          }
        } else reject(problemOf(res.statusCode, res.data));
      },
      fail: (e) => {
        const msg = e && typeof e === 'object' && 'errMsg' in e ? String((e as { errMsg: unknown }).errMsg) : '';
        reject(new ApiError({ code: /abort/i.test(msg) ? 'ABORTED' : 'NETWORK', status: 0, detail: msg || undefined }));
      },
    }) as unknown as Taro.UploadTask | null;
    const t = task as { onProgressUpdate?: (cb: (r: { progress: number }) => void) => void; progress?: (cb: (r: { progress: number }) => void) => void } | null;
    const listen = t?.onProgressUpdate ?? t?.progress;
    listen?.call(t, (r) => onProgress(Math.min(99, r.progress)));
  });
  return { promise, abort: () => (task as { abort?: () => void } | null)?.abort?.() };
}

/** Uploads one picked image (its temporary path); the handle's promise answers the stored image. */
export function uploadImage(filePath: string, onProgress: (percent: number) => void = () => undefined): UploadHandle {
  return process.env.TARO_ENV === 'h5' ? uploadH5(filePath, onProgress) : uploadMini(filePath, onProgress);
}

/**
 * Lets the shopper pick up to `count` images (camera or album). chooseMedia where the host has
 * it (WeChat, Douyin), chooseImage elsewhere (Alipay, H5). An empty list when they cancel.
 */
export async function pickImages(count: number): Promise<string[]> {
  if (count <= 0) return [];
  try {
    if (process.env.TARO_ENV === 'weapp' || process.env.TARO_ENV === 'tt') {
      const res = await Taro.chooseMedia({ count, mediaType: ['image'], sourceType: ['album', 'camera'], sizeType: ['compressed'] });
      return res.tempFiles.map((f) => f.tempFilePath).slice(0, count);
    }
    const res = await Taro.chooseImage({ count, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
    return res.tempFilePaths.slice(0, count);
  } catch {
    return [];
  }
}
