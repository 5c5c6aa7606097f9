import { z } from 'zod';
import { cursorPage, id, pageQuery, text, timestamp } from './common';

/**
 * Referral attribution and the network (docs/referral.md, "Attribution and binding"): share
 * links with signed tokens, visits, binding at sign-in, who may promote, the promoter centre's
 * view of the network.
 */

/** The hard cap on commission levels (docs/referral.md, "Depth"); the referral module's MAX_LEVELS_CAP is the same. */
export const MAX_LEVELS_CAP = 3;

/** Where a share opens: the home page, a product page, a product poster (which opens the product page), or a live room. */
export const referralTarget = z
  .string()
  .max(80)
  .regex(/^(home|(product|poster|live):[A-Za-z0-9_-]{1,64})$/, "must be 'home', 'product:<id>', 'poster:<productId>' or 'live:<sessionId>'");
export type ReferralTarget = z.infer<typeof referralTarget>;

/** The app platform a link was made or opened on. */
export const referralPlatform = z.enum(['weapp', 'alipay', 'tt', 'h5']);

/**
 * A client-generated id kept on the device (the visitor key before sign-in): 16 to 64 URL-safe
 * characters. Not a secret and not trusted for anything but telling visits apart.
 */
export const deviceId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16-64 characters: letters, digits, _ -');

/**
 * An attribution token as it arrives from a link. Its real shape is 20 base62 characters
 * (docs/referral.md, "Attribution tokens"); anything base62 up to 64 characters is accepted here
 * and checked on the server, so a mangled token is answered like any other bad token.
 */
export const referralToken = z.string().regex(/^[0-9A-Za-z]{1,64}$/, 'must be 1-64 letters and digits');

export const createReferralLinkBody = z.strictObject({
  target: referralTarget,
  /** The promoter's own label for the share (a group, a post). */
  campaign: text({ max: 32 }).optional(),
});
export const referralLink = z.object({
  /** 20 characters from [0-9A-Za-z]: fits a WeChat mini-program code's scene. */
  token: z.string(),
  /** The page path with the token (`rt`), for onShareAppMessage, an H5 link or a poster. */
  path: z.string(),
  expiresAt: timestamp,
});
export type ReferralLink = z.infer<typeof referralLink>;

/** A token to resolve (GET /api/referral/links/:token): a poster's code carries only the token. */
export const referralLinkParams = z.strictObject({ token: referralToken });
/** What a share link opens: its target and the page path with the token (`rt`). */
export const resolvedReferralLink = z.object({
  /** `home`, `product:<id>` or `poster:<productId>`. */
  target: z.string(),
  /** The page the link opens, with the token as `rt` (as createReferralLink answers it). */
  path: z.string(),
});
export type ResolvedReferralLink = z.infer<typeof resolvedReferralLink>;

export const referralVisitBody = z.strictObject({
  token: referralToken,
  platform: referralPlatform,
  /** The mini-program launch scene (WeChat's 1007, 1154, ...), when there is one. */
  scene: z.number().int().min(0).max(100_000).optional(),
  device: deviceId,
});
export type ReferralVisitBody = z.infer<typeof referralVisitBody>;

export const referralBindBody = z.strictObject({ token: referralToken, device: deviceId.optional() });
export const referralBindResult = z.object({
  /** Whether the account is bound under a promoter after the call (by this token or before). */
  bound: z.boolean(),
});

/** Who may promote (REFERRAL_PROMOTERS). */
export const promoterPolicyKind = z.enum(['everyone', 'min_spend', 'approved']);

export const referralApplicationStatus = z.enum(['pending', 'approved', 'rejected']);
export type ReferralApplicationStatus = z.infer<typeof referralApplicationStatus>;

export const referralApplicationBody = z.strictObject({ note: text({ max: 200 }).optional() });
export const referralApplication = z.object({
  id,
  status: referralApplicationStatus,
  note: z.string().nullable(),
  /** Why it was rejected (null otherwise). */
  reason: z.string().nullable(),
  createdAt: timestamp,
  decidedAt: timestamp.nullable(),
});
export type ReferralApplication = z.infer<typeof referralApplication>;

/** An application as the operating merchant's staff see it. */
export const merchantReferralApplication = referralApplication.extend({
  userId: id,
  nickname: z.string(),
  /** The applicant's phone, masked (138****0000), or null. */
  phone: z.string().nullable(),
});
export const merchantReferralApplicationQuery = z.strictObject({ status: referralApplicationStatus.optional(), ...pageQuery });
export const merchantReferralApplicationPage = cursorPage(merchantReferralApplication);
export const referralApplicationParams = z.strictObject({ merchantId: id, applicationId: id });
export const rejectReferralApplicationBody = z.strictObject({ reason: text({ max: 200 }) });

export const referralMe = z.object({
  isPromoter: z.boolean(),
  /** Who may promote: everyone, shoppers who spent at least minSpend, or approved applicants. */
  policy: promoterPolicyKind,
  /** min_spend: the amount in fen (null otherwise); spent: what the shopper has paid so far (null otherwise). */
  minSpend: z.number().int().nullable(),
  spent: z.number().int().nullable(),
  /** approved: the shopper may send an application now. */
  canApply: z.boolean(),
  /** The shopper's latest application (approved policy), or null. */
  application: referralApplication.nullable(),
  /** Who referred the shopper (nickname masked), or null. */
  promoter: z.object({ nickname: z.string(), boundAt: timestamp }).nullable(),
  maxLevels: z.number().int(),
  /** The team by level, 1..maxLevels. */
  team: z.array(z.object({ level: z.number().int(), count: z.number().int() })),
});
export type ReferralMe = z.infer<typeof referralMe>;

export const referralTeamQuery = z.strictObject({ level: z.coerce.number().int().min(1).max(3).default(1), ...pageQuery });
export const referralTeamMember = z.object({
  /** Masked nickname. */
  nickname: z.string(),
  joinedAt: timestamp,
});
export const referralTeamPage = cursorPage(referralTeamMember);
export type ReferralTeamPage = z.infer<typeof referralTeamPage>;
