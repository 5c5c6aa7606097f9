import { Button, ScrollView, Text, View } from '@tarojs/components';
import { KEYBOARD_SCROLLABLE } from '../keyboard';
import type { PressProps, PrimitiveProps, ScrollerProps } from './types';

/**
 * A block (Box), an inline run of text (Inline), a button (Press) and a scrolling list
 * (Scroller) for the shared display
 * components that a page renders many times (product cards, prices) or that the first page
 * needs (loading and error states). Mini-programs: the host's view, text and button. H5 has
 * its own file (primitives.h5.tsx).
 */
export function Box({ onClick, ...props }: PrimitiveProps) {
  return <View {...props} onClick={onClick ? () => onClick() : undefined} />;
}

export function Inline({ onClick, ...props }: PrimitiveProps) {
  return <Text {...props} onClick={onClick ? () => onClick() : undefined} />;
}

export function Press({ onClick, ...props }: PressProps) {
  return <Button {...props} onClick={onClick ? () => onClick() : undefined} />;
}

export function Scroller({ focusable, ...props }: ScrollerProps) {
  return <ScrollView scrollY {...props} {...(focusable ? KEYBOARD_SCROLLABLE : {})} />;
}
