/**
 * H5: Taro's image viewer is its swiper web component with the swiper library behind it
 * (about 320 KB before minification), more than the rest of a product page. It is fetched when
 * a photo is first tapped, not with the page; if that fails (offline), the promise rejects with
 * ApiError NETWORK, whose message the page shows.
 */
import { ApiError } from '../http';

export async function previewImages(urls: string[], current: string): Promise<void> {
  const viewer = await import('./preview-viewer').catch(() => {
    throw new ApiError({ code: 'NETWORK', status: 0 });
  });
  await viewer.openViewer(urls, current);
}
