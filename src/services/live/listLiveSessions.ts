import type { LiveSessionPage } from '@contract/live';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const LIVE_PAGE_SIZE = 20;

export function listLiveSessions(cursor: string | null, limit = LIVE_PAGE_SIZE, signal?: AbortSignal): Promise<LiveSessionPage> {
  return request('listLiveSessions', { query: { limit, cursor: cursor ?? undefined } }, { signal });
}

/** The live list (pages/live/index): sessions on air first, then the next scheduled ones, soonest first (the server's order). */
export function liveSessionsOptions(limit = LIVE_PAGE_SIZE) {
  return infiniteQueryOptions({
    queryKey: keys.live.list(limit),
    queryFn: ({ pageParam, signal }) => listLiveSessions(pageParam, limit, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useLiveSessions = () => useInfiniteQuery(liveSessionsOptions());

/** The home entry's look: one session, the first of the list (on air, else the soonest upcoming); a minute fresh. */
export function liveEntryOptions() {
  return queryOptions({
    queryKey: keys.live.list(1),
    queryFn: ({ signal }) => listLiveSessions(null, 1, signal),
    staleTime: 60_000,
    // A failure only hides the entry: the home page never shows it an error.
    retry: false,
  });
}

/** The home entry's session (asked for with the home page's own requests: config/first-load.ts preloads it). */
export const useLiveEntry = () => useQuery(liveEntryOptions());
