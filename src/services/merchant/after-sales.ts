import type { AfterSale, AfterSaleStatus, MerchantAfterSalePage, ReturnAddress } from '@contract/aftersale';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export type AfterSaleTab = AfterSaleStatus | 'all';

export function listMerchantAfterSales(merchantId: string, tab: AfterSaleTab, cursor: string | null, signal?: AbortSignal): Promise<MerchantAfterSalePage> {
  return request(
    'listMerchantAfterSales',
    { params: { merchantId }, query: { status: tab === 'all' ? undefined : tab, cursor: cursor ?? undefined, limit: 10 } },
    { signal },
  );
}

export function listMerchantAfterSalesOptions(merchantId: string, tab: AfterSaleTab) {
  return infiniteQueryOptions({
    queryKey: keys.merchant.afterSaleList(merchantId, tab),
    queryFn: ({ pageParam, signal }) => listMerchantAfterSales(merchantId, tab, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: merchantId !== '',
  });
}

export function useMerchantAfterSales(merchantId: string, tab: AfterSaleTab) {
  return useInfiniteQuery(listMerchantAfterSalesOptions(merchantId, tab));
}

export function getMerchantAfterSaleOptions(merchantId: string, afterSaleId: string) {
  return queryOptions({
    queryKey: keys.merchant.afterSaleDetail(merchantId, afterSaleId),
    queryFn: ({ signal }) => request('getMerchantAfterSale', { params: { merchantId, afterSaleId } }, { signal }),
    enabled: merchantId !== '' && afterSaleId !== '',
  });
}

export function useMerchantAfterSale(merchantId: string, afterSaleId: string) {
  return useQuery(getMerchantAfterSaleOptions(merchantId, afterSaleId));
}

export type AfterSaleDecision =
  | { kind: 'approve' }
  | { kind: 'approveReturn'; returnAddress: ReturnAddress }
  | { kind: 'reject'; reason: string }
  | { kind: 'receive' }
  | { kind: 'retryRefund' };

export function decideAfterSale(merchantId: string, afterSaleId: string, decision: AfterSaleDecision, idempotencyKey: string): Promise<AfterSale> {
  const params = { merchantId, afterSaleId };
  const opts = { idempotencyKey };
  switch (decision.kind) {
    case 'approve':
      return request('approveAfterSale', { params }, opts);
    case 'approveReturn':
      return request('approveAfterSaleReturn', { params, body: { returnAddress: decision.returnAddress } }, opts);
    case 'reject':
      return request('rejectAfterSale', { params, body: { reason: decision.reason } }, opts);
    case 'receive':
      return request('receiveAfterSaleReturn', { params }, opts);
    case 'retryRefund':
      return request('retryAfterSaleRefund', { params }, opts);
  }
}

/** The merchant's decisions on a request; the answer is written into the detail, the lists and figures refetch. */
export function useDecideAfterSale(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'after-sales', 'decide'],
    mutationFn: ({ afterSaleId, decision, idempotencyKey }: { afterSaleId: string; decision: AfterSaleDecision; idempotencyKey: string }) =>
      decideAfterSale(merchantId, afterSaleId, decision, idempotencyKey),
    onSuccess: (afterSale) => {
      queryClient.setQueryData(keys.merchant.afterSaleDetail(merchantId, afterSale.id), afterSale);
      void queryClient.invalidateQueries({ queryKey: keys.merchant.afterSaleLists(merchantId) });
      void queryClient.invalidateQueries({ queryKey: keys.merchant.dashboard(merchantId) });
    },
  });
}
