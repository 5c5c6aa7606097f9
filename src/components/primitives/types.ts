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

/** A vertically scrolling container of the shared components and pages (Scroller). */
export interface ScrollerProps {
  className?: string;
  children?: ReactNode;
  /** Distance from the bottom, in CSS px, at which onScrollToLower fires. */
  lowerThreshold?: number;
  onScrollToLower?: () => void;
  /** The container takes keyboard focus (for lists whose items cannot): arrow keys scroll it. */
  focusable?: boolean;
  'data-testid'?: string;
}
