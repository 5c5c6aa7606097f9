import { Swiper, SwiperItem } from '@tarojs/components';
import { NetImage } from '../net-image';
import type { CarouselProps } from './types';

/**
 * Mini-programs: the host's native swiper (it costs the package no JavaScript).
 * H5 has its own file (carousel.h5.tsx): Taro's web swiper would put the whole swiper library
 * into the first load.
 */
export function Carousel({ slides, className, imageClassName, autoplay = false, interval = 4000, dots = false, onChange }: CarouselProps) {
  return (
    <Swiper
      className={className}
      circular
      autoplay={autoplay}
      interval={interval}
      indicatorDots={dots}
      indicatorActiveColor="#e4393c"
      onChange={(e) => onChange?.(e.detail.current)}
    >
      {slides.map((s) => (
        <SwiperItem key={s.key}>
          <NetImage className={imageClassName} src={s.image} label={s.label} onClick={s.onClick} />
        </SwiperItem>
      ))}
    </Swiper>
  );
}
