import type { ReactNode } from 'react';

/** What the shared display components pass to a block or an inline run of text. */
export interface PrimitiveProps {
  className?: string;
  children?: ReactNode;
  onClick?: () => void;
  'data-testid'?: string;
}
