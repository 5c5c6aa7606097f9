import type { ReferralLink, ReferralTarget } from '@contract/referral';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/**
 * POST /api/referral/links: the promoter's share link for a target (`home`, `product:<id>`,
 * `poster:<productId>`): a 20-character token and the page path carrying it as `rt`. Only a
 * shopper who may promote gets one (403 NOT_A_PROMOTER otherwise).
 */
export function createReferralLink(target: ReferralTarget, campaign?: string): Promise<ReferralLink> {
  return request('createReferralLink', { body: campaign ? { target, campaign } : { target } });
}

/**
 * The server answers the same link for the same promoter and target while at least seven days of
 * it are left (docs/referral.md, "Share links"); the client keeps it until then, so sharing a page
 * again asks nothing. (A POST kept as a query: asking again changes nothing on the server.)
 */
export const LINK_REUSE_MIN_LEFT_MS = 7 * 24 * 3600_000;

export const referralLinkQuery = (target: ReferralTarget) =>
  queryOptions({
    queryKey: keys.referral.link(target),
    queryFn: () => createReferralLink(target),
    staleTime: (query) => {
      const link = query.state.data;
      return link ? Math.max(0, link.expiresAt - LINK_REUSE_MIN_LEFT_MS - Date.now()) : 0;
    },
    gcTime: Infinity,
    // A refused link (429, NOT_A_PROMOTER) is not asked for again on every page show.
    retry: false,
    refetchOnWindowFocus: false,
  });

export const useReferralLink = (target: ReferralTarget, enabled: boolean) => useQuery({ ...referralLinkQuery(target), enabled });

/** The same cached link for the centre's posters. */
export const referralLinkOptions = referralLinkQuery;
