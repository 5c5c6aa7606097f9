import type { Category } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const listCategories = async (signal?: AbortSignal): Promise<Category[]> =>
  (await request('listCategories', {}, { signal })).items;

export const categoriesQuery = () =>
  queryOptions({
    queryKey: keys.catalog.categories(),
    queryFn: ({ signal }) => listCategories(signal),
    staleTime: 10 * 60_000,
  });

export const useCategories = () => useQuery(categoriesQuery());
