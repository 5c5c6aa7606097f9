import type { ReferralEarnings, WithdrawRules } from '@contract/referral-commission';
import type { CreateWithdrawalBody, Withdrawal, WithdrawalDestination, WithdrawalPage, WithdrawalStatus } from '@contract/referral-withdrawal';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/**
 * The promoter's withdrawals (docs/referral.md, "Withdrawals"): ask for one, list them, read one
 * (with what WeChat's confirmation needs while a transfer waits for him), and his earnings. The
 * promoter centre's pages use these; the workbench's review is src/services/merchant/withdrawals.ts.
 */
export type { CreateWithdrawalBody, Withdrawal, WithdrawalDestination, WithdrawalPage, WithdrawalStatus, ReferralEarnings };

// The earnings are the promoter centre's query (one cache entry): a withdrawal changes them.
export { getReferralEarnings, referralEarningsOptions, useReferralEarnings } from './getReferralEarnings';

/** A withdrawal's fee under the rules the server sent (its withdrawalFee: the fixed part plus the rate, rounded down). */
export function withdrawalFeeOf(rules: Pick<WithdrawRules, 'feeFen' | 'feeBp'>, amount: number): number {
  return rules.feeFen + Math.floor((amount * rules.feeBp) / 10_000);
}

/** Asks for a withdrawal; the caller keeps `idempotencyKey` for the intent (a retry after a network failure reuses it: useIntentKey). */
export function createWithdrawal(body: CreateWithdrawalBody, idempotencyKey: string): Promise<Withdrawal> {
  return request('createReferralWithdrawal', { body }, { idempotencyKey });
}

/** Asks for a withdrawal; the answer is written into its detail, the lists and the earnings refetch. */
export function useCreateWithdrawal() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.withdrawals.all(), 'create'],
    mutationFn: ({ body, idempotencyKey }: { body: CreateWithdrawalBody; idempotencyKey: string }) => createWithdrawal(body, idempotencyKey),
    onSuccess: (w) => {
      queryClient.setQueryData(keys.withdrawals.detail(w.id), w);
      void queryClient.invalidateQueries({ queryKey: keys.withdrawals.lists() });
      void queryClient.invalidateQueries({ queryKey: keys.referral.earnings() });
      void queryClient.invalidateQueries({ queryKey: keys.referral.commissionLists() });
    },
  });
}

export function listWithdrawals(status: WithdrawalStatus | 'all', cursor: string | null, signal?: AbortSignal): Promise<WithdrawalPage> {
  return request('listReferralWithdrawals', { query: { status: status === 'all' ? undefined : status, cursor: cursor ?? undefined, limit: 20 } }, { signal });
}

export function listWithdrawalsOptions(status: WithdrawalStatus | 'all' = 'all') {
  return infiniteQueryOptions({
    queryKey: keys.withdrawals.list(status),
    queryFn: ({ pageParam, signal }) => listWithdrawals(status, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useWithdrawals(status: WithdrawalStatus | 'all' = 'all') {
  return useInfiniteQuery(listWithdrawalsOptions(status));
}

export function getWithdrawal(withdrawalId: string, signal?: AbortSignal): Promise<Withdrawal> {
  return request('getReferralWithdrawal', { params: { withdrawalId } }, { signal });
}

/** One withdrawal; while it is transferring it is read again every few seconds (its state comes from the channel). */
export function getWithdrawalOptions(withdrawalId: string) {
  return queryOptions({
    queryKey: keys.withdrawals.detail(withdrawalId),
    queryFn: ({ signal }) => getWithdrawal(withdrawalId, signal),
    enabled: withdrawalId !== '',
    refetchInterval: (query) => (query.state.data?.status === 'transferring' || query.state.data?.status === 'approved' ? 5_000 : false),
  });
}

export function useWithdrawal(withdrawalId: string) {
  return useQuery(getWithdrawalOptions(withdrawalId));
}
