import type { ReferralTarget } from '@contract/referral';
import type { SharePage } from '@contract/share';

/** What a promoter's poster opens: the shop's home page or one product. */
export type PosterSubject = { kind: 'home' } | { kind: 'product'; productId: string };

/** The link target of a poster (a product poster's link opens the product page). */
export function posterTarget(subject: PosterSubject): ReferralTarget {
  return subject.kind === 'home' ? 'home' : `poster:${subject.productId}`;
}

/** The page the poster's code opens. */
export function posterPage(subject: PosterSubject): SharePage {
  return subject.kind === 'home' ? 'pages/home/index' : 'pages/product/index';
}

/**
 * The code's scene: `rt=<token>`, the link's own query key, so a page opened from a code reads
 * it as it reads `rt` from a shared link. 23 characters: a product id (28 characters) does not
 * fit beside it in WeChat's 32, and needs not: the link's target names the product.
 */
export function posterScene(token: string): string {
  return `rt=${token}`;
}
