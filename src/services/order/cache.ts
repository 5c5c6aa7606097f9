import type { Order } from '@contract';
import type { QueryClient } from '@tanstack/react-query';
import { keys } from '../keys';

/**
 * After a child order changed state (cancel, confirm receipt, paid): put the new order in its
 * detail entry at once, then refetch the lists, the counts and its parent, which all show it.
 */
export async function applyOrderChange(queryClient: QueryClient, order: Order): Promise<void> {
  queryClient.setQueryData(keys.orders.detail(order.id), order);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.orders.lists() }),
    queryClient.invalidateQueries({ queryKey: keys.orders.counts() }),
    queryClient.invalidateQueries({ queryKey: keys.orders.parent(order.parentId) }),
  ]);
}
