import { useEffect, useRef, useState } from 'react';
import { Picture } from '../picture';
import type { CarouselProps } from './types';
import './carousel.h5.css';

/**
 * H5: a horizontally scrolling strip of plain elements with CSS scroll snapping, so a swipe
 * lands on a slide without any carousel library (or Taro's component library) in the first
 * load. Autoplay scrolls to the next slide and pauses while the shopper is touching it.
 */
export function Carousel({ slides, className, imageClassName, autoplay = false, interval = 4000, dots = false, priority = false, onChange }: CarouselProps) {
  const [current, setCurrent] = useState(0);
  const strip = useRef<HTMLDivElement>(null);
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
      const el = strip.current;
      if (!el) return;
      const next = (currentRef.current + 1) % slides.length;
      setCurrent(next);
      el.scrollTo({ left: next * el.clientWidth, behavior: 'smooth' });
    }, interval);
    return () => clearInterval(timer);
  }, [autoplay, interval, slides]);

  return (
    <div className={`carousel ${className}`}>
      <div
        ref={strip}
        className="carousel__strip"
        onTouchStart={() => (touching.current = true)}
        onTouchEnd={() => (touching.current = false)}
        onScroll={(e) => {
          const { scrollLeft, clientWidth } = e.currentTarget;
          const index = Math.round(scrollLeft / Math.max(1, clientWidth));
          if (index !== currentRef.current && index >= 0 && index < slides.length) setCurrent(index);
        }}
      >
        {slides.map((s, i) => (
          <div key={s.key} className="carousel__slide">
            <Picture className={imageClassName} src={s.image} alt={s.label} priority={priority && i === 0} onClick={s.onClick} />
          </div>
        ))}
      </div>
      {dots && slides.length > 1 && (
        <div className="carousel__dots" aria-hidden="true">
          {slides.map((s, i) => (
            <div key={s.key} className={`carousel__dot${i === current ? ' carousel__dot--active' : ''}`} />
          ))}
        </div>
      )}
    </div>
  );
}
