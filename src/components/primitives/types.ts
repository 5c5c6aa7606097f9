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

/** A button of the shared components and pages (Press). */
export interface PressProps {
  className?: string;
  children?: ReactNode;
  onClick?: () => void;
  /** The hosts' small button (mini-programs' size="mini"). */
  size?: 'mini' | 'default';
  /**
   * Cannot be pressed: the element is disabled (announced so, no click) and carries the
   * `is-disabled` class its styles use (.btn-primary.is-disabled...), on every platform.
   */
  disabled?: boolean;
  'data-testid'?: string;
}

/** The click a Tap passes on: enough to keep it from an ancestor's handler (a tappable row around a stepper). */
export interface TapEvent {
  stopPropagation(): void;
}

/**
 * Something to tap that the mini-programs draw as a view, not as the host's button (a spec
 * chip, a stepper's − and +, an entry in a bar): Tap.
 */
export interface TapProps {
  className?: string;
  children?: ReactNode;
  onClick?: (e: TapEvent) => void;
  'aria-label'?: string;
  /** A toggle (a chip): whether it is on. */
  'aria-pressed'?: boolean;
  /** Does nothing now (the handler decides); still focusable and announced as unavailable. */
  'aria-disabled'?: boolean;
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
