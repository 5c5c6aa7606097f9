import type { ReferralMe } from '@contract/referral';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getReferralMe(signal?: AbortSignal): Promise<ReferralMe> {
  return request('getReferralMe', {}, { signal });
}

/** The promoter centre's header: may the shopper promote (and under which policy), his application, who referred him, the team by level. */
export function referralMeOptions() {
  return queryOptions({
    queryKey: keys.referral.me(),
    queryFn: ({ signal }) => getReferralMe(signal),
    // A spend threshold crossed or an application decided since: ask again when a page mounts.
    staleTime: 0,
  });
}

export function useReferralMe(enabled = true) {
  return useQuery({ ...referralMeOptions(), enabled });
}
