export interface PictureProps {
  /** API image path ("/images/...") or absolute URL; none shows the placeholder. */
  src: string | null | undefined;
  /** What the image shows, read out by screen readers; '' for a decorative image whose meaning is in the text beside it. */
  alt: string;
  /** Sizes the image (width and height in the page's CSS), so it takes its space before it loads; the placeholder takes it too. */
  className: string;
  /** 'aspectFill' crops to fill the box (default); 'aspectFit' shows the whole image inside it. */
  mode?: 'aspectFill' | 'aspectFit';
  /**
   * The page's largest image above the fold (its LCP element, e.g. the first banner): fetched at
   * once with high priority. Every other image loads lazily, when it nears the viewport.
   */
  priority?: boolean;
  onClick?: () => void;
}
