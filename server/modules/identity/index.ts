/** The identity module's public surface: accounts, sessions and sign-in. */
export { identityHandlers } from './routes';
export { accountDisabled, accountStatus, disableAccount, enableAccount, payerOf, revokeSessions, sessionAccount, type AccountStatus, type SessionAccount } from './accounts';
export { accountNames, maskNickname, ensurePhoneAccount, getUser, phoneAccountId, type IdentityHooks, type SignedInAccount } from './service';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['users', 'otp_codes'] as const;
