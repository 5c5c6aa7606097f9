import { AppError } from '../../infra/errors';
import { defineHandlers } from '../../infra/http';
import type { OrderLifecycle } from './consumer';
import * as orders from './service';
import * as workbench from './workbench';

/** The order routes; cancelling runs what other modules do when an order ends (the app wires it). */
export function orderHandlers(lifecycle: OrderLifecycle) {
  const onEnded = lifecycle.ended;
  return defineHandlers({
    previewCheckout: async ({ db, user, body }) => orders.previewCheckout(db, user.id, body),
    createOrder: async ({ db, user, body, config, idempotencyKey }) => {
      // The route requires the key (http.ts refuses a request without one before we get here).
      if (!idempotencyKey) throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      return orders.createOrder(db, { userId: user.id, idempotencyKey, body, payTimeoutSeconds: config.orderPayTimeoutSeconds });
    },
    listOrders: async ({ db, user, query }) => orders.listOrders(db, user.id, query),
    getOrderCounts: async ({ db, user }) => orders.getOrderCounts(db, user.id),
    getOrder: async ({ db, user, params }) => orders.getOrder(db, user.id, params.id),
    getParentOrder: async ({ db, user, params }) => orders.getParentOrder(db, user.id, params.id),
    cancelOrder: async ({ db, user, params }) => orders.cancelOrder(db, user.id, params.id, Date.now(), onEnded),
    confirmReceipt: async ({ db, user, params }) => orders.confirmReceipt(db, user.id, params.id),
    // The merchant's workbench (docs/merchant.md): the HTTP layer has resolved `staff` for the path's merchant.
    listMerchantOrders: async ({ db, staff, query }) => workbench.listMerchantOrders(db, staff.merchantId, query),
    getMerchantOrder: async ({ db, staff, params }) => workbench.getMerchantOrder(db, staff.merchantId, params.orderId),
    shipMerchantOrder: async ({ db, staff, params, body }) =>
      workbench.shipOrder(db, { merchantId: staff.merchantId, orderId: params.orderId, actorId: staff.userId, parcels: body.parcels }),
    verifyPickup: async ({ db, staff, params, body }) =>
      workbench.verifyPickup(db, { merchantId: staff.merchantId, orderId: params.orderId, actorId: staff.userId, code: body.code }),
    remarkMerchantOrder: async ({ db, staff, params, body }) =>
      workbench.remarkOrder(db, { merchantId: staff.merchantId, orderId: params.orderId, actorId: staff.userId, remark: body.remark }),
  });
}
