import type { MerchantProduct, MerchantProductPage, MerchantSku, SkuPriceBody, SkuStockBody, StockAlertPage } from '@contract';
import { type InfiniteData, infiniteQueryOptions, type QueryClient, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const MERCHANT_PRODUCT_PAGE_SIZE = 10;

export function listMerchantProducts(merchantId: string, q: string, cursor: string | null, signal?: AbortSignal): Promise<MerchantProductPage> {
  return request('listMerchantProducts', { params: { merchantId }, query: { q: q || undefined, cursor: cursor ?? undefined, limit: MERCHANT_PRODUCT_PAGE_SIZE } }, { signal });
}

export function listMerchantProductsOptions(merchantId: string, q: string) {
  return infiniteQueryOptions({
    queryKey: keys.merchant.productList(merchantId, q),
    queryFn: ({ pageParam, signal }) => listMerchantProducts(merchantId, q, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: merchantId !== '',
  });
}

export function useMerchantProducts(merchantId: string, q: string) {
  return useInfiniteQuery(listMerchantProductsOptions(merchantId, q));
}

type ProductPages = InfiniteData<MerchantProductPage>;

function mapProducts(queryClient: QueryClient, merchantId: string, fn: (p: MerchantProduct) => MerchantProduct) {
  queryClient.setQueriesData<ProductPages>({ queryKey: keys.merchant.productLists(merchantId) }, (old) =>
    old?.pages ? { ...old, pages: old.pages.map((page) => ({ ...page, items: page.items.map(fn) })) } : old,
  );
}

/** Writes a changed SKU into the cached product lists (the product's totals follow). */
export function writeSku(queryClient: QueryClient, merchantId: string, sku: MerchantSku): void {
  mapProducts(queryClient, merchantId, (p) => {
    if (p.id !== sku.productId) return p;
    const skus = p.skus.map((s) => (s.id === sku.id ? sku : s));
    return { ...p, skus, stock: skus.reduce((n, s) => n + s.stock, 0), priceFrom: Math.min(...skus.map((s) => s.price)) };
  });
}

export function useSetShelf(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'products', 'shelf'],
    mutationFn: ({ productId, onShelf }: { productId: string; onShelf: boolean }) =>
      request('setProductShelf', { params: { merchantId, productId }, body: { onShelf } }),
    onSuccess: (product) => {
      mapProducts(queryClient, merchantId, (p) => (p.id === product.id ? product : p));
      void queryClient.invalidateQueries({ queryKey: keys.merchant.productLists(merchantId) });
    },
  });
}

export function useSetPrice(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'skus', 'price'],
    mutationFn: ({ skuId, body, idempotencyKey }: { skuId: string; body: SkuPriceBody; idempotencyKey: string }) =>
      request('setSkuPrice', { params: { merchantId, skuId }, body }, { idempotencyKey }),
    onSuccess: (sku) => writeSku(queryClient, merchantId, sku),
  });
}

export function useChangeStock(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'skus', 'stock'],
    mutationFn: ({ skuId, body, idempotencyKey }: { skuId: string; body: SkuStockBody; idempotencyKey: string }) =>
      request('changeSkuStock', { params: { merchantId, skuId }, body }, { idempotencyKey }),
    onSuccess: (sku) => {
      writeSku(queryClient, merchantId, sku);
      void queryClient.invalidateQueries({ queryKey: [...keys.merchant.scope(merchantId), 'stock-alerts'] });
    },
  });
}

export function listStockAlerts(merchantId: string, threshold: number, cursor: string | null, signal?: AbortSignal): Promise<StockAlertPage> {
  return request('listStockAlerts', { params: { merchantId }, query: { threshold, cursor: cursor ?? undefined, limit: 20 } }, { signal });
}

export function listStockAlertsOptions(merchantId: string, threshold: number) {
  return infiniteQueryOptions({
    queryKey: keys.merchant.stockAlerts(merchantId, threshold),
    queryFn: ({ pageParam, signal }) => listStockAlerts(merchantId, threshold, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: merchantId !== '',
  });
}

export function useStockAlerts(merchantId: string, threshold: number) {
  return useInfiniteQuery(listStockAlertsOptions(merchantId, threshold));
}
