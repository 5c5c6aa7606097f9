import type { ReferralEstimate } from '@contract/referral-commission';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const getReferralEstimate = (productId: string, signal?: AbortSignal): Promise<ReferralEstimate> =>
  request('getReferralEstimate', { query: { productId } }, { signal });

export const referralEstimateQuery = (productId: string) =>
  queryOptions({
    queryKey: keys.referral.estimate(productId),
    queryFn: ({ signal }) => getReferralEstimate(productId, signal),
  });

/** Only for a promoter (the caller says): nobody else is asked for, so the page costs a shopper nothing more. */
export const useReferralEstimate = (productId: string, enabled: boolean) => useQuery({ ...referralEstimateQuery(productId), enabled: enabled && productId !== '' });

/** The estimate to show for a selection: the chosen SKU's, else the range over the SKUs that earn; null when nothing earns. */
export function estimateFor(estimate: ReferralEstimate | undefined, skuId: string | null): { min: number; max: number } | null {
  if (!estimate?.enabled) return null;
  if (skuId) {
    const one = estimate.skus.find((s) => s.skuId === skuId)?.amount ?? 0;
    return one > 0 ? { min: one, max: one } : null;
  }
  const amounts = estimate.skus.map((s) => s.amount).filter((a) => a > 0);
  return amounts.length ? { min: Math.min(...amounts), max: Math.max(...amounts) } : null;
}
