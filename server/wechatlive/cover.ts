import { PNG } from 'pngjs';

/**
 * A goods cover as WeChat takes it (goods/add's coverImgUrl is a media id of an image uploaded
 * with cgi-bin/media/upload; "图片尺寸最大300像素*300像素"): PNG, JPEG or GIF. A PNG larger than
 * 300 px on a side is scaled down here (box filter, aspect kept); a JPEG or GIF goes as it is and
 * WeChat refuses one that is too large (errcode 300018). Anything else (SVG) is not an image
 * WeChat takes: null.
 */
export const COVER_MAX_PX = 300;

export type CoverType = 'image/png' | 'image/jpeg' | 'image/gif';

export function coverTypeOf(bytes: Buffer): CoverType | null {
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length > 6 && (bytes.toString('latin1', 0, 6) === 'GIF87a' || bytes.toString('latin1', 0, 6) === 'GIF89a')) return 'image/gif';
  return null;
}

/** Width and height of a PNG, JPEG or GIF from its header, or null. */
export function imageSize(bytes: Buffer): { width: number; height: number } | null {
  const type = coverTypeOf(bytes);
  if (type === 'image/png') return bytes.length >= 24 ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : null;
  if (type === 'image/gif') return bytes.length >= 10 ? { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) } : null;
  if (type === 'image/jpeg') {
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1];
      const length = bytes.readUInt16BE(at + 2);
      // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame's size.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
      }
      at += 2 + length;
    }
  }
  return null;
}

/** A PNG scaled down to fit COVER_MAX_PX (each target pixel the mean of the source pixels it covers). */
export function fitPng(bytes: Buffer, max = COVER_MAX_PX): Buffer {
  const src = PNG.sync.read(bytes);
  if (src.width <= max && src.height <= max) return bytes;
  const scale = Math.min(max / src.width, max / src.height);
  const w = Math.max(1, Math.round(src.width * scale));
  const h = Math.max(1, Math.round(src.height * scale));
  const out = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * src.height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * src.height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * src.width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * src.width) / w));
      const sum = [0, 0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const i = (sy * src.width + sx) * 4;
          for (let c = 0; c < 4; c++) sum[c] += src.data[i + c];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * w + x) * 4;
      for (let c = 0; c < 4; c++) out.data[o + c] = Math.round(sum[c] / n);
    }
  }
  return PNG.sync.write(out);
}
