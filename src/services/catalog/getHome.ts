import type { HomeView } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const getHome = (signal?: AbortSignal): Promise<HomeView> => request('getHome', {}, { signal });

export const homeQuery = () =>
  queryOptions({
    queryKey: keys.catalog.home(),
    queryFn: ({ signal }) => getHome(signal),
    staleTime: 5 * 60_000,
  });

export const useHome = () => useQuery(homeQuery());
