import { Image, View } from '@tarojs/components';
import { t } from '@/i18n/messages';
import { assetUrl } from '@/services/http';
import type { PictureProps } from './types';
import { useImageFailure } from './use-image-failure';
import './picture.css';

/**
 * Mini-programs: the host's image with its own lazy loading; the alt text is its aria-label.
 * A missing or failed image is a placeholder of the same size, tried again when the network
 * returns. H5 has its own file (picture.h5.tsx): a plain <img> the browser can prioritise.
 */
export function Picture({ src, alt, className, mode = 'aspectFill', priority = false, onClick }: PictureProps) {
  const { failed, onError } = useImageFailure(src);
  if (!src || failed) {
    return <View className={`${className} picture--placeholder`} role="img" aria-label={alt || t('pageError.imageFailed')} data-testid="image-placeholder" onClick={onClick} />;
  }
  return <Image className={className} src={assetUrl(src)} mode={mode} lazyLoad={!priority} aria-label={alt || undefined} onClick={onClick} onError={onError} />;
}
