import type { MerchantOrderDetail, MerchantOrderPage, MerchantOrderTab, ShipOrderBody } from '@contract';
import { infiniteQueryOptions, queryOptions, type QueryClient, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const MERCHANT_ORDER_PAGE_SIZE = 10;

export function listMerchantOrders(merchantId: string, tab: MerchantOrderTab, q: string, cursor: string | null, signal?: AbortSignal): Promise<MerchantOrderPage> {
  return request(
    'listMerchantOrders',
    { params: { merchantId }, query: { tab, q: q || undefined, cursor: cursor ?? undefined, limit: MERCHANT_ORDER_PAGE_SIZE } },
    { signal },
  );
}

/** The merchant's orders of one tab (and search), newest first, with the counts per tab. */
export function listMerchantOrdersOptions(merchantId: string, tab: MerchantOrderTab, q: string) {
  return infiniteQueryOptions({
    queryKey: keys.merchant.orderList(merchantId, tab, q),
    queryFn: ({ pageParam, signal }) => listMerchantOrders(merchantId, tab, q, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: merchantId !== '',
  });
}

export function useMerchantOrders(merchantId: string, tab: MerchantOrderTab, q: string) {
  return useInfiniteQuery(listMerchantOrdersOptions(merchantId, tab, q));
}

export function getMerchantOrder(merchantId: string, orderId: string, signal?: AbortSignal): Promise<MerchantOrderDetail> {
  return request('getMerchantOrder', { params: { merchantId, orderId } }, { signal });
}

export function getMerchantOrderOptions(merchantId: string, orderId: string) {
  return queryOptions({
    queryKey: keys.merchant.orderDetail(merchantId, orderId),
    queryFn: ({ signal }) => getMerchantOrder(merchantId, orderId, signal),
    enabled: merchantId !== '' && orderId !== '',
  });
}

export function useMerchantOrder(merchantId: string, orderId: string) {
  return useQuery(getMerchantOrderOptions(merchantId, orderId));
}

/** An order changed: write its new detail and refetch the lists, counts and today's figures. */
export function applyMerchantOrder(queryClient: QueryClient, merchantId: string, order: MerchantOrderDetail): void {
  queryClient.setQueryData(keys.merchant.orderDetail(merchantId, order.id), order);
  void queryClient.invalidateQueries({ queryKey: keys.merchant.orderLists(merchantId) });
  void queryClient.invalidateQueries({ queryKey: keys.merchant.dashboard(merchantId) });
}

export interface OrderMutationInput<B> {
  orderId: string;
  body: B;
  /** The key of this intent: the same key when the same action is tried again. */
  idempotencyKey: string;
}

function useOrderMutation<B>(merchantId: string, name: 'ship' | 'pickup' | 'remark', send: (input: OrderMutationInput<B>) => Promise<MerchantOrderDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'orders', name],
    mutationFn: send,
    onSuccess: (order) => applyMerchantOrder(queryClient, merchantId, order),
  });
}

export function shipMerchantOrder(merchantId: string, { orderId, body, idempotencyKey }: OrderMutationInput<ShipOrderBody>) {
  return request('shipMerchantOrder', { params: { merchantId, orderId }, body }, { idempotencyKey });
}

export function useShipOrder(merchantId: string) {
  return useOrderMutation<ShipOrderBody>(merchantId, 'ship', (input) => shipMerchantOrder(merchantId, input));
}

export function verifyPickup(merchantId: string, { orderId, body, idempotencyKey }: OrderMutationInput<{ code: string }>) {
  return request('verifyPickup', { params: { merchantId, orderId }, body }, { idempotencyKey });
}

export function useVerifyPickup(merchantId: string) {
  return useOrderMutation<{ code: string }>(merchantId, 'pickup', (input) => verifyPickup(merchantId, input));
}

export function remarkMerchantOrder(merchantId: string, { orderId, body, idempotencyKey }: OrderMutationInput<{ remark: string }>) {
  return request('remarkMerchantOrder', { params: { merchantId, orderId }, body }, { idempotencyKey });
}

export function useRemarkOrder(merchantId: string) {
  return useOrderMutation<{ remark: string }>(merchantId, 'remark', (input) => remarkMerchantOrder(merchantId, input));
}
