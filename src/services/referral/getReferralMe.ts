import type { ReferralMe } from '@contract/referral';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useIsLoggedIn } from '@/stores/session';
import { request } from '../http';
import { keys } from '../keys';

export const getReferralMe = (signal?: AbortSignal): Promise<ReferralMe> => request('getReferralMe', {}, { signal });

/**
 * Whether the shopper promotes changes rarely (an approval, a spend crossing the line): kept for
 * ten minutes, so the pages that ask (a product page deciding on its share link and estimate)
 * cost one request per session, not one per page. Dropped at logout and login with the user's data.
 */
export const REFERRAL_ME_STALE_MS = 10 * 60_000;

export const referralMeQuery = () =>
  queryOptions({
    queryKey: keys.referral.me(),
    queryFn: ({ signal }) => getReferralMe(signal),
    staleTime: REFERRAL_ME_STALE_MS,
  });

/** The promoter centre's header: asked again whenever a centre page mounts (a threshold crossed or an application decided since). */
export function referralMeOptions() {
  return queryOptions({ ...referralMeQuery(), staleTime: 0 });
}

/** The centre's pages: fresh on mount. */
export const useReferralMe = (enabled = true) => useQuery({ ...referralMeOptions(), enabled });

/** Whether the signed-in shopper may promote (false for a guest, without a request, and until the answer is in). */
export function useIsPromoter(): boolean {
  const loggedIn = useIsLoggedIn();
  const me = useQuery({ ...referralMeQuery(), enabled: loggedIn });
  return loggedIn && me.data?.isPromoter === true;
}
