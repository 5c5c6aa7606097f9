import type { AfterSale } from '@contract/aftersale';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { applyAfterSaleChange } from './cache';

export interface ShipReturnVariables {
  id: string;
  carrier: string;
  trackingNo: string;
}

export function shipAfterSaleReturn({ id, carrier, trackingNo }: ShipReturnVariables): Promise<AfterSale> {
  return request('shipAfterSaleReturn', { params: { id }, body: { carrier, trackingNo } });
}

/** The carrier and tracking number of the goods the shopper sent back. */
export function shipAfterSaleReturnOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.afterSales.all(), 'return-shipment'],
    mutationFn: shipAfterSaleReturn,
    onSuccess: (afterSale) => applyAfterSaleChange(queryClient, afterSale),
  });
}

export function useShipAfterSaleReturn() {
  const queryClient = useQueryClient();
  return useMutation(shipAfterSaleReturnOptions(queryClient));
}
