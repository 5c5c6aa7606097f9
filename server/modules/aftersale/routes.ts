import type { FastifyInstance } from 'fastify';
import { defineHandlers, type AppDeps } from '../../infra/http';
import { approveReturn, decideWithRefund, rejectAfterSale } from './decisions';
import { cancelAfterSale, getAfterSale, listMerchantAfterSales, listMyAfterSales, shipReturn, type AfterSaleDeps } from './service';
import { createAfterSale } from './create';
import { registerUploads } from './uploads';

/** The after-sale routes: the shopper's (their own requests) and the merchant's (ctx.staff's merchant only). */
export const afterSaleHandlers = (deps: AfterSaleDeps) =>
  defineHandlers({
    createAfterSale: async ({ user, body }) => createAfterSale(deps, { userId: user.id, body }),
    listAfterSales: async ({ db, user, query }) => listMyAfterSales(db, user.id, query),
    getAfterSale: async ({ db, user, params }) => getAfterSale(db, params.id, { userId: user.id }),
    cancelAfterSale: async ({ db, user, params }) => cancelAfterSale(db, user.id, params.id),
    shipAfterSaleReturn: async ({ db, user, params, body }) => shipReturn(db, user.id, params.id, body),
    listMerchantAfterSales: async ({ db, staff, query }) => listMerchantAfterSales(db, staff.merchantId, query),
    getMerchantAfterSale: async ({ db, staff, params }) => getAfterSale(db, params.afterSaleId, { merchantId: staff.merchantId }),
    approveAfterSale: async ({ staff, params }) => decideWithRefund(deps, params.afterSaleId, 'approve', { kind: 'staff', merchantId: staff.merchantId, userId: staff.userId }),
    approveAfterSaleReturn: async ({ staff, params, body }) =>
      approveReturn(deps, params.afterSaleId, body.returnAddress, { kind: 'staff', merchantId: staff.merchantId, userId: staff.userId }),
    rejectAfterSale: async ({ staff, params, body }) => rejectAfterSale(deps, staff.merchantId, staff.userId, params.afterSaleId, body.reason),
    receiveAfterSaleReturn: async ({ staff, params }) => decideWithRefund(deps, params.afterSaleId, 'receive', { kind: 'staff', merchantId: staff.merchantId, userId: staff.userId }),
    retryAfterSaleRefund: async ({ staff, params }) => decideWithRefund(deps, params.afterSaleId, 'retryRefund', { kind: 'staff', merchantId: staff.merchantId, userId: staff.userId }),
  });

/** The module as the app mounts it: the contract's routes, and the image upload beside them. */
export const afterSaleModule = (deps: AfterSaleDeps) => ({
  handlers: afterSaleHandlers(deps),
  registerExtra: (app: FastifyInstance, appDeps: AppDeps) => registerUploads(app, appDeps),
});
