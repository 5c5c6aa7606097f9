import type { SearchWords } from '@contract';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const suggestSearch = (q: string, signal?: AbortSignal): Promise<SearchWords> => request('suggestSearch', { query: { q } }, { signal });

export const suggestSearchQuery = (q: string) =>
  queryOptions({
    queryKey: keys.catalog.searchSuggest(q),
    queryFn: ({ signal }) => suggestSearch(q, signal),
    staleTime: 60_000,
    // The list under the box keeps the last answer while the next one is on its way.
    placeholderData: keepPreviousData,
  });

/** Suggestions for the (debounced) text in the box; nothing is asked for blank text. */
export const useSearchSuggestions = (q: string) => useQuery({ ...suggestSearchQuery(q.trim()), enabled: q.trim().length > 0 });
