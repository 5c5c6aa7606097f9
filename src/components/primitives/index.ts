export { Box, Inline, Press, Scroller } from './primitives';
export type { PressProps, PrimitiveProps, ScrollerProps } from './types';
