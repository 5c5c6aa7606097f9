import type { SearchWords } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const getHotSearches = (signal?: AbortSignal): Promise<SearchWords> => request('getHotSearches', {}, { signal });

export const hotSearchesQuery = () =>
  queryOptions({
    queryKey: keys.catalog.hotSearches(),
    queryFn: ({ signal }) => getHotSearches(signal),
    staleTime: 5 * 60_000,
  });

export const useHotSearches = () => useQuery(hotSearchesQuery());
