import { Swiper, SwiperItem } from '@tarojs/components';
import { Picture } from '../picture';
import type { CarouselProps } from './types';

/**
 * Mini-programs: the host's native swiper (it costs the package no JavaScript).
 * H5 has its own file (carousel.h5.tsx): Taro's web swiper would put the whole swiper library
 * into the first load.
 */
export function Carousel({ slides, className, imageClassName, autoplay = false, interval = 4000, dots = false, priority = false, onChange }: CarouselProps) {
  return (
    <Swiper
      className={className}
      circular
      autoplay={autoplay}
      interval={interval}
      indicatorDots={dots}
      indicatorActiveColor="#d12b30"
      onChange={(e) => onChange?.(e.detail.current)}
    >
      {slides.map((s, i) => (
        <SwiperItem key={s.key}>
          <Picture className={imageClassName} src={s.image} alt={s.label} priority={priority && i === 0} onClick={s.onClick} />
        </SwiperItem>
      ))}
    </Swiper>
  );
}
