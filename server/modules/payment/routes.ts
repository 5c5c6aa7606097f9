import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors';
import { defineHandlers, type AppDeps } from '../../platform/http';
import { registerSandboxPay } from '../../sandbox/pay';
import { NOTIFY_PATH, SIGNATURE_HEADER, sandboxPayKey, verifyNotification } from './channel';
import * as payments from './service';

/** The sandbox channel's key, or null when the channel is not enabled (production without a key). */
function channelKey(deps: AppDeps): string | null {
  if (deps.config.sandbox || process.env.SANDBOX_PAY_KEY) return sandboxPayKey(deps.config);
  return null;
}

export const handlers = defineHandlers({
  createPayment: async ({ db, user, body, config }) => {
    if (!config.sandbox && !process.env.SANDBOX_PAY_KEY) {
      throw new AppError('ORDER_NOT_PAYABLE', 'the sandbox payment channel is not enabled on this server');
    }
    return payments.createPayment(db, { userId: user.id, orderId: body.orderId, channel: body.channel, publicBaseUrl: config.publicBaseUrl });
  },
  getPayment: async ({ db, user, params, config }) => payments.getPayment(db, user.id, params.id, config.publicBaseUrl),
});

/**
 * POST /notify/sandbox: the channel's server-side notification, the only way an order
 * becomes paid. The signature covers the exact body text, so this route keeps the raw body.
 * Also registers the sandbox channel itself when SANDBOX=on.
 */
export async function registerExtra(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const key = channelKey(deps);
  if (!key) return;
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      done(null, typeof body === 'string' ? body : body.toString('utf8'));
    });
    scope.post(NOTIFY_PATH, async (req) => {
      const raw = typeof req.body === 'string' ? req.body : '';
      const header = req.headers[SIGNATURE_HEADER];
      const verified = verifyNotification(key, raw, typeof header === 'string' ? header : undefined);
      if (!verified.ok) {
        req.log.warn({ reason: verified.reason }, 'sandbox notification rejected');
        throw new AppError('NOTIFY_REJECTED', verified.reason);
      }
      const outcome = await payments.applyNotification(deps.db, verified.notification, raw, req.log);
      return { code: 'SUCCESS', outcome };
    });
  });
  if (deps.config.sandbox) registerSandboxPay(app, deps, { key });
}
