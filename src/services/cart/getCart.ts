import type { CartView } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const getCart = (signal?: AbortSignal): Promise<CartView> => request('getCart', {}, { signal });

export const cartQuery = () =>
  queryOptions({
    queryKey: keys.cart.server(),
    queryFn: ({ signal }) => getCart(signal),
    staleTime: 0,
  });

export const useServerCart = (enabled: boolean) => useQuery({ ...cartQuery(), enabled });
