import type { ReferralTeamPage } from '@contract/referral';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const TEAM_PAGE_SIZE = 20;

export function listReferralTeam(level: number, cursor: string | null, limit = TEAM_PAGE_SIZE, signal?: AbortSignal): Promise<ReferralTeamPage> {
  return request('listReferralTeam', { query: { level, limit, cursor: cursor ?? undefined } }, { signal });
}

/** One level of the shopper's team (1: whom he referred; 2: whom they referred), newest first, nicknames masked. */
export function referralTeamOptions(level: number, limit = TEAM_PAGE_SIZE) {
  return infiniteQueryOptions({
    queryKey: keys.referral.team(level, limit),
    queryFn: ({ pageParam, signal }) => listReferralTeam(level, pageParam, limit, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function useReferralTeam(level: number, enabled = true) {
  return useInfiniteQuery({ ...referralTeamOptions(level), enabled });
}
