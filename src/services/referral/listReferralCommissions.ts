import type { CommissionPage, CommissionState } from '@contract/referral-commission';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const COMMISSION_PAGE_SIZE = 20;

export function listReferralCommissions(state: CommissionState | 'all', cursor: string | null, limit = COMMISSION_PAGE_SIZE, signal?: AbortSignal): Promise<CommissionPage> {
  return request('listReferralCommissions', { query: { state: state === 'all' ? undefined : state, limit, cursor: cursor ?? undefined } }, { signal });
}

/** The promoter's commissions in one state (or all), newest order first. */
export function referralCommissionsOptions(state: CommissionState | 'all', limit = COMMISSION_PAGE_SIZE) {
  return infiniteQueryOptions({
    queryKey: keys.referral.commissions(state, limit),
    queryFn: ({ pageParam, signal }) => listReferralCommissions(state, pageParam, limit, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useReferralCommissions(state: CommissionState | 'all', enabled = true) {
  return useInfiniteQuery({ ...referralCommissionsOptions(state), enabled });
}
