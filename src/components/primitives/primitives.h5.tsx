import type { PrimitiveProps } from './types';

/**
 * H5: a plain <div> and <span>. Taro's H5 View and Text are web components, each set up by
 * its own script when it connects; a home feed of 20 cards made 300 of them, most of the
 * first page's main-thread time. Plain elements cost the browser nothing of the kind.
 */
export function Box(props: PrimitiveProps) {
  return <div {...props} />;
}

export function Inline(props: PrimitiveProps) {
  return <span {...props} />;
}
