import type { ReferralTarget } from '@contract/referral';
import { useDidShow, useShareAppMessage, useShareTimeline } from '@tarojs/taro';
import { useRef } from 'react';
import { PAGES } from '../platform/nav';
import { enableShareMenu } from '../platform/share-host';
import { useReferralLink } from '../referral/createReferralLink';
import { useIsPromoter } from '../referral/getReferralMe';

/**
 * Sharing a page (docs/share.md, "Share handlers"): what a share of the home page or a product
 * carries. A promoter's share carries an attribution token as `rt`; anyone else's is the plain
 * page. The token is the target's own link once it was asked for (a share sheet opened, a
 * poster), else the promoter's home link, asked for as soon as the page shows (one link per
 * promoter, reused for weeks): the same promoter either way, so a share from the host's menu
 * carries the token at once without making a link for every product a promoter looks at.
 */
export type ShareTarget = { kind: 'home' } | { kind: 'product'; productId: string } | { kind: 'live'; sessionId: string };

export const HOME_TARGET: ShareTarget = { kind: 'home' };

/** The referral target of a share (POST /api/referral/links): a code whose scene holds only the token opens its page. */
export function referralTargetOf(target: ShareTarget): ReferralTarget {
  if (target.kind === 'product') return `product:${target.productId}`;
  if (target.kind === 'live') return `live:${target.sessionId}`;
  return 'home';
}

/** The page a target opens. */
function pageOf(target: ShareTarget): string {
  if (target.kind === 'product') return PAGES.product(target.productId);
  if (target.kind === 'live') return PAGES.liveRoom(target.sessionId);
  return PAGES.home;
}

/** The page path a share opens, with the token as `rt` when there is one. */
export function sharePathOf(target: ShareTarget, token: string | null): string {
  const base = pageOf(target);
  if (!token) return base;
  return `${base}${base.includes('?') ? '&' : '?'}rt=${token}`;
}

/** The query of a timeline share (WeChat takes only the query: the page is the one shown). */
export function timelineQueryOf(target: ShareTarget, token: string | null): string {
  const parts = target.kind === 'product' ? [`id=${encodeURIComponent(target.productId)}`] : target.kind === 'live' ? [`id=${encodeURIComponent(target.sessionId)}`] : [];
  if (token) parts.push(`rt=${token}`);
  return parts.join('&');
}

export interface ShareToken {
  /** The token a share carries now (null: not a promoter, or no link yet). */
  token: string | null;
  /** Whether it is the target's own link (false: the promoter's home link stands in). */
  own: boolean;
  /** A promoter whose link is still being asked for (the share may wait a moment). */
  pending: boolean;
}

/**
 * The token of a share of `target` for the signed-in shopper: none for a guest or a shopper who
 * may not promote; a promoter's home link at once, the target's own link once `wantOwn` (a share
 * sheet opened). A link that cannot be had (429, refused) leaves the share plain, never broken.
 */
export function useShareToken(target: ShareTarget, wantOwn: boolean): ShareToken {
  const promoter = useIsPromoter();
  const home = useReferralLink('home', promoter);
  const ownWanted = promoter && wantOwn && target.kind === 'product';
  const own = useReferralLink(referralTargetOf(target), ownWanted);
  if (ownWanted && own.data) return { token: own.data.token, own: true, pending: false };
  if (home.data) return { token: home.data.token, own: target.kind !== 'product', pending: ownWanted && own.isPending };
  return { token: null, own: false, pending: promoter && (home.isPending || (ownWanted && own.isPending)) };
}

export interface PageShareInput {
  target: ShareTarget;
  title: string;
  /** An absolute image URL for the card (WeChat draws 5:4, the timeline 1:1); the host's screenshot when absent. */
  imageUrl?: string;
  /** Ask for the target's own link now (the shopper opened the share sheet). */
  wantOwnLink?: boolean;
}

export interface PageShare {
  /** The path a share opens now (with the token when there is one). */
  path: string;
  token: ShareToken;
}

/**
 * The page's share handlers (mini-programs): onShareAppMessage answers the path with the token
 * (WeChat, Alipay, Douyin: the menu's 转发 and a button with open-type share), onShareTimeline
 * the query (WeChat; its single-page mode opens without login, so nothing binds there, but the
 * visit is logged). The page's config turns them on (enableShareAppMessage, enableShareTimeline);
 * WeChat's menu is asked for when the page shows. Answered from what is at hand when the host
 * asks: the handlers cannot wait on the network on every host.
 */
export function usePageShare({ target, title, imageUrl, wantOwnLink = false }: PageShareInput): PageShare {
  const token = useShareToken(target, wantOwnLink);
  const path = sharePathOf(target, token.token);
  const current = useRef({ title, imageUrl, path, query: '' });
  current.current = { title, imageUrl, path, query: timelineQueryOf(target, token.token) };
  useShareAppMessage(() => {
    const c = current.current;
    return { title: c.title, path: c.path, ...(c.imageUrl ? { imageUrl: c.imageUrl } : {}) };
  });
  useShareTimeline(() => {
    const c = current.current;
    return { title: c.title, query: c.query, ...(c.imageUrl ? { imageUrl: c.imageUrl } : {}) };
  });
  useDidShow(() => enableShareMenu());
  return { path, token };
}
