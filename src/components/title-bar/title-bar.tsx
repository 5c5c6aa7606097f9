import type { TitleBarProps } from './types';

/**
 * Mini-programs have the host's navigation bar (title from the page config or
 * setNavigationBarTitle, back arrow by the host): nothing to draw. H5 draws its own bar
 * (title-bar.h5.tsx).
 */
export function TitleBar(_props: TitleBarProps) {
  return null;
}
