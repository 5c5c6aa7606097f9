import type { ProductPage } from '@contract';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys, type ProductListFilter } from '../keys';

export const listProducts = (filter: ProductListFilter, cursor: string | undefined, signal?: AbortSignal): Promise<ProductPage> =>
  request(
    'listProducts',
    {
      query: {
        q: filter.q || undefined,
        categoryId: filter.categoryId || undefined,
        merchantId: filter.merchantId || undefined,
        sort: filter.sort ?? 'default',
        limit: filter.limit ?? 20,
        cursor,
      },
    },
    { signal },
  );

/** The product feed as cursor pages (home feed, category and search results). */
export const productListQuery = (filter: ProductListFilter) =>
  infiniteQueryOptions({
    queryKey: keys.catalog.productList(filter),
    queryFn: ({ pageParam, signal }) => listProducts(filter, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export const useProductList = (filter: ProductListFilter, enabled = true) =>
  useInfiniteQuery({ ...productListQuery(filter), enabled });
