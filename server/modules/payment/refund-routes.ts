import { defineHandlers } from '../../infra/http';
import { listRefunds, type RefundDeps } from './refunds';

/**
 * The refund route of the contract (listRefunds: a shopper's view of an order's refunds). A
 * shopper asks for a refund through after-sales (docs/aftersale.md), whose decisions book it
 * through this module's surface; there is no shopper's route that refunds. The handlers are
 * built once from the payment module's dependencies.
 */
export function refundHandlers(deps: RefundDeps) {
  return defineHandlers({
    listRefunds: async ({ user, params }) => listRefunds(deps, user.id, params.id),
  });
}
