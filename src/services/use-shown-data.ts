import { useDeferredValue } from 'react';

/**
 * A query's data as a page draws it. Data arriving from the network is a store update that
 * React renders at once, in one task, however large the page; handed over through
 * useDeferredValue it is drawn in a background render that React splits into slices of a few
 * milliseconds, so taps are answered meanwhile and the first load has no long task for it.
 * `arriving` is true from the data's arrival until that render is done: the page keeps its
 * skeleton until then.
 */
export function useShownData<T>(data: T | undefined): { shown: T | undefined; arriving: boolean } {
  const shown = useDeferredValue(data);
  return { shown, arriving: data !== undefined && shown === undefined };
}
