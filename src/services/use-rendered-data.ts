import { useDeferredValue } from 'react';

/**
 * A query's data as a page renders it. An answer that arrives is first rendered as the data
 * before it (the skeleton, usually), then in a transition: React renders that in slices of a
 * few milliseconds and yields to the browser between them, so a page's content does not arrive
 * as one long task that blocks taps and scrolling (on H5 it counted in full as blocking time).
 * `catchingUp` is true while the shown data is older than the answer: keep the skeleton up
 * rather than an empty state then.
 */
export function useRenderedData<T>(data: T): { data: T; catchingUp: boolean } {
  const shown = useDeferredValue(data);
  return { data: shown, catchingUp: shown !== data };
}
