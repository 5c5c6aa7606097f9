import type { LeaderboardPeriod, ReferralLeaderboard } from '@contract/referral-commission';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getReferralLeaderboard(period: LeaderboardPeriod, signal?: AbortSignal): Promise<ReferralLeaderboard> {
  return request('getReferralLeaderboard', { query: { period } }, { signal });
}

/** The top promoters of this month (Asia/Shanghai) or of all time, and the caller's own rank. */
export function referralLeaderboardOptions(period: LeaderboardPeriod) {
  return queryOptions({
    queryKey: keys.referral.leaderboard(period),
    queryFn: ({ signal }) => getReferralLeaderboard(period, signal),
    // The server computes the ranking at most once a minute.
    staleTime: 60_000,
  });
}

export function useReferralLeaderboard(period: LeaderboardPeriod, enabled = true) {
  return useQuery({ ...referralLeaderboardOptions(period), enabled });
}
