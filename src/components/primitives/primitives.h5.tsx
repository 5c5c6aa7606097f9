import { useRef } from 'react';
import { KEYBOARD_SCROLLABLE } from '../keyboard';
import type { PressProps, PrimitiveProps, ScrollerProps } from './types';

/**
 * H5: a plain <div>, <span> and <button>. Taro's H5 View, Text and Button are web components,
 * each set up by its own script when it connects, and the first of them brings the library of
 * every component the app uses into the first load; the first page (home, the shared loading
 * and error states, the page-load guard) uses these instead, so app.js carries none of it.
 */
export function Box(props: PrimitiveProps) {
  return <div {...props} />;
}

export function Inline(props: PrimitiveProps) {
  return <span {...props} />;
}

export function Press({ size, className, ...props }: PressProps) {
  return <button type="button" className={`press${size === 'mini' ? ' press--mini' : ''}${className ? ` ${className}` : ''}`} {...props} />;
}

/** H5: a plain scrolling <div>; onScrollToLower fires once each time the bottom comes near. */
export function Scroller({ className, children, lowerThreshold = 50, onScrollToLower, focusable, ...rest }: ScrollerProps) {
  const near = useRef(false);
  return (
    <div
      className={className}
      style={{ overflowY: 'auto', WebkitOverflowScrolling: 'touch' }}
      {...(focusable ? KEYBOARD_SCROLLABLE : {})}
      onScroll={(e) => {
        const el = e.currentTarget;
        const isNear = el.scrollHeight - el.scrollTop - el.clientHeight <= lowerThreshold;
        if (isNear && !near.current) onScrollToLower?.();
        near.current = isNear;
      }}
      {...rest}
    >
      {children}
    </div>
  );
}
