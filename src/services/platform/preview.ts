/**
 * A product's photos full screen, from the one tapped: `previewImages(urls, current)` (absolute
 * URLs). Taro picks preview.h5.ts on H5; this file is the mini-programs' (and jest's): the
 * host's own viewer, which costs the package nothing.
 */
import Taro from '@tarojs/taro';

export async function previewImages(urls: string[], current: string): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- the one place that opens the viewer
  await Taro.previewImage({ urls, current });
}
