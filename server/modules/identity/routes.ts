import { AppError } from '../../infra/errors';
import { defineHandlers } from '../../infra/http';
import * as identity from './service';

/** The identity routes; `hooks` are what the app connects to sign-ins (server/compose.ts). */
export const identityHandlers = (hooks: identity.IdentityHooks) => defineHandlers({
  loginMini: async ({ db, config, body }) => identity.loginMini(db, config, body, hooks),
  requestOtp: async ({ db, config, log, body }) => identity.requestOtp(db, config, log, body.phone),
  loginPhone: async ({ db, config, body }) => identity.loginPhone(db, config, body.phone, body.code, hooks, body.device ?? null),
  getMe: async ({ db, user }) => {
    const me = await identity.getUser(db, user.id);
    // A valid token for an account that no longer exists is as good as no token.
    if (!me) throw new AppError('UNAUTHORIZED', 'The account for this session no longer exists');
    return me;
  },
});
