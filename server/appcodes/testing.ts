import jsQR from 'jsqr';
import { PNG } from 'pngjs';

/** Tests: the text a PNG QR code holds (null when none is found). */
export function decodeQrPng(bytes: Buffer): string | null {
  const png = PNG.sync.read(bytes);
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  return found ? found.data : null;
}

/** Tests: the bytes of a data URL (and its media type). */
export function fromDataUrl(url: string): { type: string; bytes: Buffer } {
  const m = /^data:(image\/(?:png|jpeg));base64,([A-Za-z0-9+/=]+)$/.exec(url);
  if (!m) throw new Error(`not an image data URL: ${url.slice(0, 40)}`);
  return { type: m[1], bytes: Buffer.from(m[2], 'base64') };
}
