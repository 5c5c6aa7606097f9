/**
 * The referral module's public surface (docs/referral.md): the network (who referred whom),
 * attribution of shared links, commissions and withdrawals.
 */
export { ancestorsOf, MAX_LEVELS_CAP } from './bindings';
export { referralModule } from './routes';
export { bindAtSignIn, bindByToken, createLink, recordVisit, resolveToken, type BindOutcome, type ReferralLog } from './attribution';
export { mayPromote } from './promoters';
import { COMMISSION_TABLES } from './check';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['referral_bindings', 'referral_links', 'referral_visits', 'referral_applications', ...COMMISSION_TABLES, 'referral_withdrawals', 'referral_withdrawal_parts'] as const;
export { applyReferralEvent, referralAdmits, REFERRAL_CONSUMED_EVENTS, REFERRAL_CONSUMER } from './consumer';
export { REFERRAL_JOBS, unfreezeDueCommissions } from './jobs';
export { promoterAccounts, expenseAccount, snapshotOrder, unfreezeCommission } from './commissions';
export { commissionMachine, withdrawalMachine, type CommissionStatus, type WithdrawalStatus } from './machine';
export { approveWithdrawal, checkTransfers, rejectWithdrawal, requestWithdrawal, withdrawalFlows, WITHDRAWAL_FLOWS, type WithdrawalDeps, type WithdrawalLog } from './withdrawals';
export { withdrawalModule, WITHDRAWAL_JOBS } from './withdrawal-routes';
export { getRules, ruleInForce, setRules } from './rules';
export { expectedCommissionBalances, COMMISSION_ACCOUNT_KINDS } from './check';
export { referralCommissionHandlers } from './commission-routes';
export { COMMISSION_TABLES } from './check';
