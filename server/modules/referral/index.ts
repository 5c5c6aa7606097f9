/**
 * The referral module's public surface (docs/referral.md): the network (who referred whom),
 * attribution of shared links, commissions and withdrawals.
 */
export { ancestorsOf, MAX_LEVELS_CAP } from './bindings';
export { referralModule } from './routes';
export { bindAtSignIn, bindByToken, createLink, recordVisit, resolveToken, type BindOutcome, type ReferralLog } from './attribution';
export { mayPromote } from './promoters';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['referral_bindings', 'referral_links', 'referral_visits', 'referral_applications'] as const;
