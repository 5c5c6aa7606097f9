export { Box, Inline, Press, Scroller, Tap } from './primitives';
export type { PressProps, PrimitiveProps, ScrollerProps, TapEvent, TapProps } from './types';
