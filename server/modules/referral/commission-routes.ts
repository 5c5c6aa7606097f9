import { defineHandlers } from '../../infra/http';
import { estimateFor } from './estimate';
import { commissionReport, earningsOf, listCommissions } from './reads';
import { getRules, setRules } from './rules';
import { withdrawRulesOf } from './withdrawals';

/** The commission routes: the merchant's rules and report (staff), the promoter's earnings and commissions. */
export const referralCommissionHandlers = defineHandlers({
  getReferralRules: async ({ db, staff }) => getRules(db, staff.merchantId),
  setReferralRules: async ({ db, config, staff, body }) => setRules(db, staff.merchantId, staff.userId, body, Date.now(), config.referral.maxLevels),
  getCommissionReport: async ({ db, staff, query }) => commissionReport(db, staff.merchantId, query),
  getReferralEarnings: async ({ db, config, user }) => ({
    ...(await earningsOf(db, user.id)),
    withdraw: await withdrawRulesOf(db, config.referral.withdraw, user.id, Date.now()),
  }),
  listReferralCommissions: async ({ db, user, query }) => listCommissions(db, user.id, query),
  getReferralEstimate: async ({ db, config, user, query }) => estimateFor(db, config.referral, user.id, query.productId),
});
