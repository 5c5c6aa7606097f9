import type { CSSProperties } from 'react';

/** H5: a plain <img> (decorative: empty alt), no Taro component library in the first load. */
export function Glyph({ className, src, style }: { className: string; src: string; style: CSSProperties }) {
  return <img className={className} src={src} style={{ objectFit: 'contain', ...style }} alt="" aria-hidden="true" />;
}
