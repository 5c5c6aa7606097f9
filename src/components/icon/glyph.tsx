import { Image } from '@tarojs/components';
import type { CSSProperties } from 'react';

/** The icon's picture. Mini-programs: the host's image. H5 has its own file (glyph.h5.tsx). */
export function Glyph({ className, src, style }: { className: string; src: string; style: CSSProperties }) {
  return <Image className={className} src={src} style={style} mode="aspectFit" aria-hidden="true" />;
}
