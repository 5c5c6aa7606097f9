import { Image } from '@tarojs/components';
import { assetUrl } from '@/services/http';
import type { PictureProps } from './types';

/**
 * Mini-programs: the host's image with its own lazy loading; the alt text is its aria-label.
 * H5 has its own file (picture.h5.tsx): a plain <img> the browser can prioritise.
 */
export function Picture({ src, alt, className, mode = 'aspectFill', priority = false, onClick }: PictureProps) {
  return <Image className={className} src={assetUrl(src)} mode={mode} lazyLoad={!priority} aria-label={alt || undefined} onClick={onClick} />;
}
