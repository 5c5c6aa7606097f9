import type { ProductDetail } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const getProduct = (id: string, signal?: AbortSignal): Promise<ProductDetail> =>
  request('getProduct', { params: { id } }, { signal });

export const productQuery = (id: string) =>
  queryOptions({
    queryKey: keys.catalog.product(id),
    queryFn: ({ signal }) => getProduct(id, signal),
  });

export const useProduct = (id: string) => useQuery({ ...productQuery(id), enabled: id !== '' });
