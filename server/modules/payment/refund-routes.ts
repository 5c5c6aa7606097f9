import { defineHandlers } from '../../infra/http';
import { createRefund, listRefunds, type RefundDeps } from './refunds';

/**
 * The refund routes of the contract (createRefund, listRefunds). They need the channel
 * registry and the outbox besides the database, so the handlers are built once from the
 * payment module's dependencies; the request's own logger is used for its log lines.
 */
export function refundHandlers(deps: RefundDeps) {
  return defineHandlers({
    createRefund: async ({ user, params, body, log }) =>
      createRefund({ ...deps, log }, { userId: user.id, orderId: params.id, amount: body.amount, reason: body.reason }),
    listRefunds: async ({ user, params }) => listRefunds(deps, user.id, params.id),
  });
}
