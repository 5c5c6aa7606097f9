import { Box } from '../primitives';
import './index.css';

export interface SkeletonProps {
  rows?: number;
  avatar?: boolean;
}

/** Grey placeholder blocks shown while a page loads. */
export function Skeleton({ rows = 3, avatar = false }: SkeletonProps) {
  return (
    <Box className="skeleton" aria-busy="true" data-testid="skeleton">
      {avatar && <Box className="skeleton__avatar" />}
      <Box className="skeleton__rows">
        {Array.from({ length: rows }, (_, i) => (
          <Box key={i} className={`skeleton__row${i === rows - 1 ? ' skeleton__row--short' : ''}`} />
        ))}
      </Box>
    </Box>
  );
}
