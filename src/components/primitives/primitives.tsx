import { Text, View } from '@tarojs/components';
import type { PrimitiveProps } from './types';

/**
 * A block (Box) and an inline run of text (Inline) for the shared display components that a
 * page renders many times (product cards, prices). Mini-programs: the host's view and text.
 * H5 has its own file (primitives.h5.tsx).
 */
export function Box({ onClick, ...props }: PrimitiveProps) {
  return <View {...props} onClick={onClick ? () => onClick() : undefined} />;
}

export function Inline({ onClick, ...props }: PrimitiveProps) {
  return <Text {...props} onClick={onClick ? () => onClick() : undefined} />;
}
