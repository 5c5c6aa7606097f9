/** H5: Taro's image viewer, in a chunk of its own that preview.h5.ts loads on the first tap. */
import Taro from '@tarojs/taro';

export async function openViewer(urls: string[], current: string): Promise<void> {
  // eslint-disable-next-line no-restricted-syntax -- the one place that opens the viewer
  await Taro.previewImage({ urls, current });
}
