import type { FastifyInstance } from 'fastify';
import { defineHandlers } from '../../infra/http';
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
 * The payment module: payments and refunds of the contract and the channel notify endpoints
 * (the stand-in channels themselves are mounted by the app, server/standins).
 */
export function paymentModule(deps: PaymentDeps) {
  return {
    handlers: { ...paymentHandlers(deps), ...refundHandlers(refundDepsOf(deps)) },
    registerExtra: async (app: FastifyInstance) => {
      await registerNotifyRoutes(app, deps);
    },
  };
}
