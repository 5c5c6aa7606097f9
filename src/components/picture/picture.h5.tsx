import type { KeyboardEvent } from 'react';
import { t } from '@/i18n/messages';
import { assetUrl } from '@/services/http';
import type { PictureProps } from './types';
import { useImageFailure } from './use-image-failure';
import './picture.css';
import './picture.h5.css';

/**
 * H5: a plain <img> instead of Taro's image element, whose inner <img> exists only once the
 * component has rendered (the browser cannot start the download before that) and which lazy
 * loads through script. Here the browser's own loading="lazy" keeps images below the fold off
 * the first load, and the page's LCP image gets fetchpriority="high". A tappable image (a
 * banner, a gallery photo) is a button for keyboards and screen readers too. A missing or
 * failed image is a placeholder of the same size (no broken-image icon), tried again when the
 * network returns.
 */
export function Picture({ src, alt, className, mode = 'aspectFill', priority = false, onClick }: PictureProps) {
  const { failed, onError } = useImageFailure(src);
  const activate = onClick
    ? {
        role: 'button',
        tabIndex: 0,
        onClick,
        onKeyDown: (e: KeyboardEvent) => {
          if (e.key !== 'Enter' && e.key !== ' ') return;
          e.preventDefault();
          onClick();
        },
      }
    : {};
  if (!src || failed) {
    return <div className={`${className} picture--placeholder`} role="img" aria-label={alt || t('pageError.imageFailed')} data-testid="image-placeholder" {...activate} />;
  }
  // React 18 does not know the fetchpriority attribute by its camel-cased name.
  const hints = { loading: priority ? 'eager' : 'lazy', fetchpriority: priority ? 'high' : 'auto', decoding: 'async' } as const;
  return <img className={`picture picture--${mode === 'aspectFit' ? 'fit' : 'fill'} ${className}`} src={assetUrl(src)} alt={alt} onError={onError} {...hints} {...activate} />;
}
