import type { AfterSale } from '@contract/aftersale';
import type { QueryClient } from '@tanstack/react-query';
import { keys } from '../keys';

/**
 * After a change to a request (made, cancelled, return shipped): its detail takes the answer,
 * and the lists, its order (the refundable units) and the order's refunds are asked again.
 */
export async function applyAfterSaleChange(queryClient: QueryClient, afterSale: AfterSale): Promise<void> {
  queryClient.setQueryData(keys.afterSales.detail(afterSale.id), afterSale);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.afterSales.lists() }),
    queryClient.invalidateQueries({ queryKey: keys.orders.detail(afterSale.orderId) }),
    queryClient.invalidateQueries({ queryKey: keys.refunds.list(afterSale.orderId) }),
  ]);
}
