/**
 * Spread on a scrolling container (a ScrollView list) whose items cannot take keyboard focus:
 * the container itself can, so keyboard users scroll it with the arrow keys (WCAG 2.1.1; axe's
 * scrollable-region-focusable). Taro's component types have no tabIndex; on H5 it becomes the
 * element's tabindex attribute, the mini-programs ignore it.
 */
export const KEYBOARD_SCROLLABLE: Record<string, unknown> = { tabIndex: 0 };
