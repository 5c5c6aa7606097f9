export { Box, Inline } from './primitives';
export type { PrimitiveProps } from './types';
