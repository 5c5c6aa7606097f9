import type { ReferralEarnings } from '@contract/referral-commission';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getReferralEarnings(signal?: AbortSignal): Promise<ReferralEarnings> {
  return request('getReferralEarnings', {}, { signal });
}

/** The promoter's commission money by state (fen): pending, frozen, available, withdrawn, and what he owes. */
export function referralEarningsOptions() {
  return queryOptions({
    queryKey: keys.referral.earnings(),
    queryFn: ({ signal }) => getReferralEarnings(signal),
    // Moves with every referred payment, completion and refund.
    staleTime: 0,
  });
}

export function useReferralEarnings(enabled = true) {
  return useQuery({ ...referralEarningsOptions(), enabled });
}
