import type { ReferralHold, ReferralHoldPage, ReferralHoldTab } from '@contract/referral-holds';
import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/** Held commissions of the merchant's orders (fraud controls; docs/referral.md), open or decided, newest first. */
export function listReferralHolds(merchantId: string, tab: ReferralHoldTab, cursor: string | null, signal?: AbortSignal): Promise<ReferralHoldPage> {
  return request('listReferralHolds', { params: { merchantId }, query: { state: tab, cursor: cursor ?? undefined, limit: 10 } }, { signal });
}

export function listReferralHoldsOptions(merchantId: string, tab: ReferralHoldTab) {
  return infiniteQueryOptions({
    queryKey: keys.merchant.referralHoldList(merchantId, tab),
    queryFn: ({ pageParam, signal }) => listReferralHolds(merchantId, tab, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: merchantId !== '',
  });
}

export function useReferralHolds(merchantId: string, tab: ReferralHoldTab) {
  return useInfiniteQuery(listReferralHoldsOptions(merchantId, tab));
}

export type ReferralHoldDecision = { kind: 'release' } | { kind: 'reject'; reason?: string };

export function decideReferralHold(merchantId: string, holdId: string, decision: ReferralHoldDecision, idempotencyKey: string): Promise<ReferralHold> {
  const params = { merchantId, holdId };
  if (decision.kind === 'release') return request('releaseReferralHold', { params }, { idempotencyKey });
  return request('rejectReferralHold', { params, body: decision.reason ? { reason: decision.reason } : {} }, { idempotencyKey });
}

/** Releases or rejects a hold; both tabs refetch (the hold moves from open to decided). */
export function useDecideReferralHold(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.referralHoldLists(merchantId), 'decide'],
    mutationFn: ({ holdId, decision, idempotencyKey }: { holdId: string; decision: ReferralHoldDecision; idempotencyKey: string }) => decideReferralHold(merchantId, holdId, decision, idempotencyKey),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.merchant.referralHoldLists(merchantId) });
    },
  });
}
