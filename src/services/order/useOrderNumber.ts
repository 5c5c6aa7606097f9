import { useQuery } from '@tanstack/react-query';
import { isParentOrderId } from '../payment/cashier';
import { getOrderOptions } from './getOrder';
import { useParentOrder } from './getParentOrder';

/** The human-readable number of an order, parent (po_) or child (o_) id alike; null until known. */
export function useOrderNumber(orderId: string): string | null {
  const parent = orderId !== '' && isParentOrderId(orderId);
  const parentOrder = useParentOrder(orderId, parent);
  const child = useQuery({ ...getOrderOptions(orderId), enabled: orderId !== '' && !parent });
  return (parent ? parentOrder.data?.orderNo : child.data?.orderNo) ?? null;
}
