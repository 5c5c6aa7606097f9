export interface CarouselSlide {
  key: string;
  /** API image path ("/images/...") or absolute URL. */
  image: string;
  label: string;
  onClick?: () => void;
}

export interface CarouselProps {
  slides: CarouselSlide[];
  /** Sizes the carousel and its images (width and height in the page's CSS). */
  className: string;
  imageClassName: string;
  autoplay?: boolean;
  /** Milliseconds between slides when autoplaying. */
  interval?: number;
  dots?: boolean;
  /** The first slide is the page's largest image above the fold: fetched at once, with high priority. */
  priority?: boolean;
  onChange?: (index: number) => void;
}
