import { Button, ScrollView, Text, View } from '@tarojs/components';
import { disabledProp } from '../button-state';
import { KEYBOARD_SCROLLABLE } from '../keyboard';
import type { PressProps, PrimitiveProps, ScrollerProps, TapProps } from './types';

/**
 * A block (Box), an inline run of text (Inline), a button (Press), something else to tap (Tap)
 * and a scrolling list (Scroller) for the shared display components that a page renders many
 * times (product cards, prices) and for the pages a shopper can land on (home, category, a
 * product). Mini-programs: the host's view, text, button and scroll-view. H5 has its own file
 * (primitives.h5.tsx).
 */
export function Box({ onClick, ...props }: PrimitiveProps) {
  return <View {...props} onClick={onClick ? () => onClick() : undefined} />;
}

export function Inline({ onClick, ...props }: PrimitiveProps) {
  return <Text {...props} onClick={onClick ? () => onClick() : undefined} />;
}

export function Press({ onClick, disabled = false, className, ...props }: PressProps) {
  const cls = `${className ?? ''}${disabled ? ' is-disabled' : ''}`.trim();
  return <Button {...props} className={cls || undefined} disabled={disabledProp(disabled)} onClick={onClick ? () => onClick() : undefined} />;
}

/** Mini-programs: the host's view (its event passed on, so a handler can stop it). */
export function Tap({ onClick, ...props }: TapProps) {
  return <View {...props} onClick={onClick ? (e) => onClick(e) : undefined} />;
}

export function Scroller({ focusable, ...props }: ScrollerProps) {
  return <ScrollView scrollY {...props} {...(focusable ? KEYBOARD_SCROLLABLE : {})} />;
}
