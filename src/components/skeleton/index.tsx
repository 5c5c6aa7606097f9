import { View } from '@tarojs/components';
import './index.css';

export interface SkeletonProps {
  rows?: number;
  avatar?: boolean;
}

/** Grey placeholder blocks shown while a page loads. */
export function Skeleton({ rows = 3, avatar = false }: SkeletonProps) {
  return (
    <View className="skeleton" aria-busy="true" data-testid="skeleton">
      {avatar && <View className="skeleton__avatar" />}
      <View className="skeleton__rows">
        {Array.from({ length: rows }, (_, i) => (
          <View key={i} className={`skeleton__row${i === rows - 1 ? ' skeleton__row--short' : ''}`} />
        ))}
      </View>
    </View>
  );
}
