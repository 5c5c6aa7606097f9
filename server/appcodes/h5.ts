import QRCode from 'qrcode';
import type { AppCodeAdapter } from './types';

/**
 * H5 codes: a plain QR code, made here, of the page's link in the H5 app. The app uses the hash
 * router, so the page and its query go after `#/`: `<base>/#/<page>?scene=<scene>`.
 */
export const H5_CODE_WIDTH = 430;

export function h5Link(baseUrl: string, page: string, scene: string): string {
  return `${baseUrl}/#/${page}?scene=${encodeURIComponent(scene)}`;
}

/** A PNG QR code of `content` (error correction M, a four-module quiet zone). */
export async function qrPng(content: string, width = H5_CODE_WIDTH): Promise<Buffer> {
  return QRCode.toBuffer(content, { type: 'png', errorCorrectionLevel: 'M', margin: 4, width });
}

export function createH5CodeAdapter(baseUrl: () => string): AppCodeAdapter {
  return {
    platform: 'h5',
    async create({ page, scene }) {
      return { contentType: 'image/png', bytes: await qrPng(h5Link(baseUrl(), page, scene)) };
    },
  };
}
