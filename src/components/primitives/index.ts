export { Box, Inline, Press } from './primitives';
export type { PressProps, PrimitiveProps } from './types';
