import { AppError } from '../../infra/errors';
import { defineHandlers } from '../../infra/http';
import { bindByToken, createLink, recordVisit, resolveLink } from './attribution';
import { LeaderboardCache, leaderboard } from './leaderboard';
import { listTeam, referralMe } from './network';
import { applyToPromote, assertOperator, decideApplication, listApplications } from './promoters';
import { WindowLimiter } from '../../infra/rate-limit';

/** Visits recorded per device and per IP address within a minute (POST /api/referral/visits). */
export const VISITS_PER_DEVICE_PER_MINUTE = 30;
export const VISITS_PER_IP_PER_MINUTE = 300;

/**
 * The referral routes (docs/referral.md, "Attribution and binding"). The staff routes for
 * promoter applications exist only for the operating merchant (REFERRAL_OPERATOR_MERCHANT):
 * the HTTP layer has checked the caller is owner or operator of the path's merchant; any other
 * merchant answers 404 as for a route it does not have.
 */
export function referralHandlers() {
  const perDevice = new WindowLimiter(VISITS_PER_DEVICE_PER_MINUTE, 60_000);
  const perIp = new WindowLimiter(VISITS_PER_IP_PER_MINUTE, 60_000);
  const rankings = new LeaderboardCache();
  return defineHandlers({
    createReferralLink: async ({ db, config, user, body }) => createLink(db, config.referral, user, body),
    resolveReferralLink: async ({ db, config, log, params }) => resolveLink(db, config.referral.secret, log, params.token),
    recordReferralVisit: async ({ db, config, log, user, body, ip }) => {
      // Counted before the token is looked at, the same for good and bad tokens.
      const byDevice = perDevice.hit(body.device);
      const byIp = perIp.hit(ip);
      if (!byDevice || !byIp) {
        const retryAfterSeconds = Math.max(byDevice ? 0 : perDevice.retryAfterSeconds(body.device), byIp ? 0 : perIp.retryAfterSeconds(ip));
        throw new AppError('RATE_LIMITED', 'Too many visits from this device or address; try again later', { retryAfterSeconds });
      }
      await recordVisit(db, config.referral.secret, log, { token: body.token, platform: body.platform, scene: body.scene, device: body.device, userId: user?.id ?? null });
      return null;
    },
    bindReferral: async ({ db, config, log, user, body }) => bindByToken(db, config.referral, log, user, body),
    getReferralMe: async ({ db, config, user }) => referralMe(db, config.referral, user.id),
    listReferralTeam: async ({ db, config, user, query }) => listTeam(db, config.referral, user.id, query),
    getReferralLeaderboard: async ({ db, user, query }) => leaderboard(db, rankings, user.id, query.period),
    applyReferralPromoter: async ({ db, config, user, body }) => applyToPromote(db, config.referral, user.id, body.note ?? null),
    listReferralApplications: async ({ db, config, staff, query }) => {
      assertOperator(config.referral, staff.merchantId);
      return listApplications(db, query);
    },
    approveReferralApplication: async ({ db, config, staff, params }) => {
      assertOperator(config.referral, staff.merchantId);
      return decideApplication(db, staff, params.applicationId, { status: 'approved' });
    },
    rejectReferralApplication: async ({ db, config, staff, params, body }) => {
      assertOperator(config.referral, staff.merchantId);
      return decideApplication(db, staff, params.applicationId, { status: 'rejected', reason: body.reason });
    },
  });
}

/** The module as the app mounts it. */
export const referralModule = () => ({ handlers: referralHandlers() });
