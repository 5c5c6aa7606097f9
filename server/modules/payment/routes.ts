import type { FastifyInstance } from 'fastify';
import { sandboxPayKey } from '../../channels/sandbox/wire';
import { defineHandlers } from '../../platform/http';
import { registerSandboxPay } from '../../sandbox/pay';
import { refundDepsOf, type PaymentDeps } from './deps';
import { registerNotifyRoutes } from './notify';
import { listOpenPayments } from './open-payments';
import { refundHandlers } from './refund-routes';
import * as payments from './service';

/** The payment routes of the contract, built on the process's payment dependencies. */
export function paymentHandlers(deps: PaymentDeps) {
  return defineHandlers({
    createPayment: async ({ user, body, ip }) =>
      payments.createPayment(deps, {
        userId: user.id,
        orderId: body.orderId,
        tenders: body.tenders,
        channel: body.channel,
        scene: body.scene,
        amount: body.amount,
        clientIp: ip,
        payer: { platform: user.platform, openid: user.openid },
      }),
    getPayment: async ({ user, params }) => payments.getPayment(deps.db, user.id, params.id),
    cancelPayment: async ({ user, params }) => payments.cancelPayment(deps, user.id, params.id),
    listOpenPayments: async ({ user, params }) => listOpenPayments(deps.db, user.id, params.id),
  });
}

/**
 * The payment module: payments and refunds of the contract, the channel notify endpoints and,
 * with SANDBOX=on, the local sandbox channel itself (its cashier and API).
 */
export function paymentModule(deps: PaymentDeps) {
  return {
    handlers: { ...paymentHandlers(deps), ...refundHandlers(refundDepsOf(deps)) },
    registerExtra: async (app: FastifyInstance) => {
      await registerNotifyRoutes(app, deps);
      if (deps.config.sandbox) registerSandboxPay(app, { db: deps.db, config: deps.config }, { key: sandboxPayKey(deps.config) });
    },
  };
}
