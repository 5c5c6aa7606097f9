import type { ReferralVisitBody } from '@contract/referral';
import { request } from '../http';

/** POST /api/referral/visits: an open of a shared link (204 whatever the token; no Idempotency-Key). */
export const recordReferralVisit = (body: ReferralVisitBody): Promise<null> => request('recordReferralVisit', { body });
