import { request } from '../http';

/** POST /api/referral/bind: a signed-in shopper opened a shared link (records the visit, then binds by the policy). */
export const bindReferral = (body: { token: string; device?: string }): Promise<{ bound: boolean }> => request('bindReferral', { body });
