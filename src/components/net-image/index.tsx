import { onlineManager } from '@tanstack/react-query';
import { Image, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { t } from '@/i18n/messages';
import { assetUrl } from '@/services/http';
import './index.css';

export interface NetImageProps {
  /** API image path ("/images/...") or absolute URL; null or '' shows the placeholder. */
  src: string | null | undefined;
  /** Sizes the image; the placeholder takes the same class, so it fills the same box. */
  className: string;
  mode?: 'aspectFill' | 'aspectFit' | 'scaleToFill' | 'widthFix';
  lazyLoad?: boolean;
  /** What the picture shows, for screen readers. */
  label?: string;
  onClick?: () => void;
}

/**
 * The one image of the shop's pages. An image that fails to load (offline, a missing file)
 * becomes a quiet grey placeholder instead of the browser's broken-image icon, and is tried
 * again when the network comes back.
 */
export function NetImage({ src, className, mode = 'aspectFill', lazyLoad = false, label, onClick }: NetImageProps) {
  const [failed, setFailed] = useState(false);
  // A new picture gets its own chance.
  useEffect(() => setFailed(false), [src]);
  useEffect(() => {
    if (!failed) return undefined;
    return onlineManager.subscribe((online) => {
      if (online) setFailed(false);
    });
  }, [failed]);

  if (!src || failed) {
    return (
      <View
        className={`${className} net-image--placeholder`}
        role="img"
        aria-label={label ?? t('pageError.imageFailed')}
        data-testid="image-placeholder"
        onClick={onClick}
      />
    );
  }
  return <Image className={className} src={assetUrl(src)} mode={mode} lazyLoad={lazyLoad} aria-label={label} onClick={onClick} onError={() => setFailed(true)} />;
}
