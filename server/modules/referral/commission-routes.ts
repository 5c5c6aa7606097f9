import { defineHandlers } from '../../infra/http';
import { decideHold, listHolds } from './holds';
import { estimateFor } from './estimate';
import { commissionReport, earningsOf, listCommissions } from './reads';
import { getRules, setRules } from './rules';
import { withdrawRulesOf } from './withdrawals';

/** The commission routes: the merchant's rules, report and held commissions (staff), the promoter's earnings and commissions. */
export const referralCommissionHandlers = defineHandlers({
  getReferralRules: async ({ db, staff }) => getRules(db, staff.merchantId),
  setReferralRules: async ({ db, config, staff, body }) => setRules(db, staff.merchantId, staff.userId, body, Date.now(), config.referral.maxLevels),
  getCommissionReport: async ({ db, staff, query }) => commissionReport(db, staff.merchantId, query),
  getReferralEarnings: async ({ db, config, user }) => ({
    ...(await earningsOf(db, user.id)),
    withdraw: await withdrawRulesOf(db, config.referral.withdraw, user.id, Date.now()),
  }),
  listReferralCommissions: async ({ db, user, query }) => listCommissions(db, user.id, query),
  listReferralHolds: async ({ db, staff, query }) => listHolds(db, staff.merchantId, query),
  releaseReferralHold: async ({ db, staff, params }) => decideHold(db, staff, params.holdId, { kind: 'release' }),
  rejectReferralHold: async ({ db, staff, params, body }) => decideHold(db, staff, params.holdId, { kind: 'reject', reason: body.reason ?? null }),
  getReferralEstimate: async ({ db, config, user, query }) => estimateFor(db, config.referral, user.id, query.productId),
});
