import { z } from 'zod';

/**
 * Share posters' platform codes (docs/share.md): the image that opens a page of the app with a
 * `scene`, made by the platform the poster is for.
 */
export const SHARE_PLATFORMS = ['weapp', 'alipay', 'tt', 'h5'] as const;
export type SharePlatform = (typeof SHARE_PLATFORMS)[number];

/** The pages a code may open: main-package pages a shared link lands on (src/app.config.ts; checked by contract/share.test.ts). */
export const SHARE_PAGES = ['pages/home/index', 'pages/category/index', 'pages/product/index'] as const;
export type SharePage = (typeof SHARE_PAGES)[number];

/** WeChat's scene: 1 to 32 visible characters of [0-9A-Za-z!#$&'()*+,/:;=?@-._~] (the strictest of the platforms). */
export const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

export const shareCodeBody = z.strictObject({
  platform: z.enum(SHARE_PLATFORMS),
  page: z.enum(SHARE_PAGES),
  scene: z.string().regex(SCENE_PATTERN, "must be 1 to 32 characters of 0-9 A-Z a-z !#$&'()*+,/:;=?@-._~"),
});
export type ShareCodeBody = z.infer<typeof shareCodeBody>;

export const shareCodeResponse = z.object({
  /** The code as a data URL (data:image/png;base64,... or data:image/jpeg;base64,...). */
  image: z.string(),
});
export type ShareCode = z.infer<typeof shareCodeResponse>;
