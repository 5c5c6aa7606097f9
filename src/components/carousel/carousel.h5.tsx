import { ScrollView, View } from '@tarojs/components';
import { useEffect, useRef, useState } from 'react';
import { Picture } from '../picture';
import type { CarouselProps } from './types';
import './carousel.h5.css';

/**
 * H5: a horizontally scrolling strip with CSS scroll snapping, so a swipe lands on a slide
 * without any carousel library in the first load. Autoplay scrolls to the next slide and
 * pauses while the shopper is touching it.
 */
export function Carousel({ slides, className, imageClassName, autoplay = false, interval = 4000, dots = false, priority = false, onChange }: CarouselProps) {
  const [current, setCurrent] = useState(0);
  const [target, setTarget] = useState<string | undefined>(undefined);
  const touching = useRef(false);
  const currentRef = useRef(0);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    currentRef.current = current;
    onChangeRef.current?.(current);
  }, [current]);

  useEffect(() => {
    if (!autoplay || slides.length < 2) return;
    const timer = setInterval(() => {
      if (touching.current) return;
      const next = (currentRef.current + 1) % slides.length;
      setCurrent(next);
      setTarget(`carousel-${slides[next].key}`);
    }, interval);
    return () => clearInterval(timer);
  }, [autoplay, interval, slides]);

  return (
    <View className={`carousel ${className}`}>
      <ScrollView
        className="carousel__strip"
        scrollX
        scrollWithAnimation
        scrollIntoView={target}
        onTouchStart={() => (touching.current = true)}
        onTouchEnd={() => (touching.current = false)}
        onScroll={(e) => {
          const { scrollLeft, scrollWidth } = e.detail;
          const slideWidth = scrollWidth / Math.max(1, slides.length);
          const index = Math.round(scrollLeft / Math.max(1, slideWidth));
          if (index !== currentRef.current && index >= 0 && index < slides.length) setCurrent(index);
        }}
      >
        {slides.map((s, i) => (
          <View key={s.key} id={`carousel-${s.key}`} className="carousel__slide">
            <Picture className={imageClassName} src={s.image} alt={s.label} priority={priority && i === 0} onClick={s.onClick} />
          </View>
        ))}
      </ScrollView>
      {dots && slides.length > 1 && (
        <View className="carousel__dots">
          {slides.map((s, i) => (
            <View key={s.key} className={`carousel__dot${i === current ? ' carousel__dot--active' : ''}`} />
          ))}
        </View>
      )}
    </View>
  );
}
