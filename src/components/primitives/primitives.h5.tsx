import { useRef } from 'react';
import { KEYBOARD_SCROLLABLE } from '../keyboard';
import type { PressProps, PrimitiveProps, ScrollerProps, TapProps } from './types';
import './primitives.h5.css';

/**
 * H5: a plain <div>, <span> and <button>. Taro's H5 View, Text and Button are web components,
 * each set up by its own script when it connects, and the first of them brings the library of
 * every component the app uses into the first load; the pages a shopper can land on (home, the
 * category tab, a product; the shared loading and error states, the page-load guard) use these
 * instead, so neither app.js nor their chunks carry any of it.
 */
export function Box(props: PrimitiveProps) {
  return <div {...props} />;
}

export function Inline(props: PrimitiveProps) {
  return <span {...props} />;
}

/**
 * A plain <button>: `disabled` is the element's own (no click, announced as disabled, out of
 * the tab order; React leaves the attribute out when false) and adds `is-disabled` for the
 * look.
 */
export function Press({ size, className, disabled, ...props }: PressProps) {
  const cls = `press${size === 'mini' ? ' press--mini' : ''}${className ? ` ${className}` : ''}${disabled ? ' is-disabled' : ''}`;
  return <button type="button" className={cls} disabled={disabled} {...props} />;
}

/**
 * A plain <button> with none of the browser's button look (primitives.h5.css): keyboard focus,
 * Enter and Space, announced as a button (a toggle with aria-pressed); the class draws it.
 */
export function Tap({ className, ...props }: TapProps) {
  return <button type="button" className={`tap${className ? ` ${className}` : ''}`} {...props} />;
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
