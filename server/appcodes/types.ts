/**
 * Platform codes: the image a poster carries so that a phone opens a page of the shop with a
 * `scene` (docs/share.md). One adapter per platform, each speaking its platform's API:
 * WeChat's wxacode.getUnlimited, Alipay's alipay.open.app.qrcode.create, Douyin's
 * apps/v1/qrcode/create, and a plain QR code of the H5 link made here.
 */
export type AppCodePlatform = 'weapp' | 'alipay' | 'tt' | 'h5';

export interface AppCodeRequest {
  /** A page path of the app, without a leading slash or a query: `pages/product/index`. */
  page: string;
  /** At most 32 characters of WeChat's scene alphabet (checked by the contract). */
  scene: string;
}

export interface AppCodeImage {
  contentType: 'image/png' | 'image/jpeg';
  bytes: Buffer;
}

export interface AppCodeAdapter {
  platform: AppCodePlatform;
  create(request: AppCodeRequest): Promise<AppCodeImage>;
}

/** The platform refused, failed or did not answer; `platformCode` is its own error code when it gave one. */
export class AppCodeError extends Error {
  override name = 'AppCodeError';
  constructor(
    readonly platform: AppCodePlatform,
    message: string,
    readonly platformCode?: string,
  ) {
    super(`${platform}: ${message}`);
  }
}

/** The first bytes of a PNG or a JPEG; anything else is not an image a poster can draw. */
export function sniffImage(bytes: Buffer): AppCodeImage['contentType'] | null {
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'image/png';
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}
