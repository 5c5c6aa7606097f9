import type { ResolvedReferralLink } from '@contract/referral';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export const resolveReferralLink = (token: string, signal?: AbortSignal): Promise<ResolvedReferralLink> =>
  request('resolveReferralLink', { params: { token } }, { signal });

/** What a token opens never changes: kept for the session. */
export const resolvedLinkQuery = (token: string) =>
  queryOptions({
    queryKey: keys.share.resolved(token),
    queryFn: ({ signal }) => resolveReferralLink(token, signal),
    staleTime: Infinity,
  });

export const useResolvedLink = (token: string | null) => useQuery({ ...resolvedLinkQuery(token ?? ''), enabled: token !== null });

/** The product a resolved link opens (product and poster targets), or null (home). */
export function productOfTarget(target: string): string | null {
  const m = /^(product|poster):([A-Za-z0-9_-]{1,64})$/.exec(target);
  return m ? m[2] : null;
}
