import type { CSSProperties, ReactNode } from 'react';

/** What the shared display components pass to a block or an inline run of text. */
export interface PrimitiveProps {
  className?: string;
  children?: ReactNode;
  onClick?: () => void;
  style?: CSSProperties;
  id?: string;
  role?: string;
  'aria-label'?: string;
  'aria-busy'?: 'true' | 'false';
  'aria-hidden'?: 'true' | 'false';
  'data-testid'?: string;
  'data-kind'?: string;
}

/** A button of the shared components (Press). */
export interface PressProps {
  className?: string;
  children?: ReactNode;
  onClick?: () => void;
  /** The hosts' small button (mini-programs' size="mini"). */
  size?: 'mini' | 'default';
  'data-testid'?: string;
}
