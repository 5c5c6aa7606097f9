import type { MerchantWithdrawal, MerchantWithdrawalPage, WithdrawalStatus } from '@contract/referral-withdrawal';
import { infiniteQueryOptions, useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/**
 * The operating merchant's review of promoters' withdrawals (pages/merchant/referral-withdrawals):
 * the list by status (waiting for review first, oldest first), approve, reject with a reason.
 */
export type { MerchantWithdrawal, MerchantWithdrawalPage };

export function listMerchantWithdrawals(merchantId: string, status: WithdrawalStatus, cursor: string | null, signal?: AbortSignal): Promise<MerchantWithdrawalPage> {
  return request('listMerchantWithdrawals', { params: { merchantId }, query: { status, cursor: cursor ?? undefined, limit: 20 } }, { signal });
}

export function listMerchantWithdrawalsOptions(merchantId: string, status: WithdrawalStatus) {
  return infiniteQueryOptions({
    queryKey: keys.merchant.withdrawalList(merchantId, status),
    queryFn: ({ pageParam, signal }) => listMerchantWithdrawals(merchantId, status, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: merchantId !== '',
  });
}

export function useMerchantWithdrawals(merchantId: string, status: WithdrawalStatus) {
  return useInfiniteQuery(listMerchantWithdrawalsOptions(merchantId, status));
}

export type WithdrawalDecision = { kind: 'approve' } | { kind: 'reject'; reason: string };

export function decideWithdrawal(merchantId: string, withdrawalId: string, decision: WithdrawalDecision, idempotencyKey: string): Promise<MerchantWithdrawal> {
  const params = { merchantId, withdrawalId };
  return decision.kind === 'approve'
    ? request('approveReferralWithdrawal', { params }, { idempotencyKey })
    : request('rejectReferralWithdrawal', { params, body: { reason: decision.reason } }, { idempotencyKey });
}

/** Approves or rejects; every list of the review refetches (the decided one moves to another tab). */
export function useDecideWithdrawal(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'referral-withdrawals', 'decide'],
    mutationFn: ({ withdrawalId, decision, idempotencyKey }: { withdrawalId: string; decision: WithdrawalDecision; idempotencyKey: string }) =>
      decideWithdrawal(merchantId, withdrawalId, decision, idempotencyKey),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.merchant.withdrawalLists(merchantId) });
    },
  });
}
