import type { ReferralLink, ReferralTarget } from '@contract/referral';
import { queryOptions } from '@tanstack/react-query';
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
 * The link as a cached read: the server answers the same link for the same target while at
 * least 7 days of its 30 are left, so it is kept a day and asked again after.
 */
export function referralLinkOptions(target: ReferralTarget) {
  return queryOptions({
    queryKey: keys.referral.link(target),
    queryFn: () => createReferralLink(target),
    staleTime: 24 * 3600_000,
  });
}
