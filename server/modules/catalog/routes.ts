import type { FastifyInstance } from 'fastify';
import { defineHandlers } from '../../infra/http';
import { sendImage } from '../../seed/images';
import { registerDemoStream } from '../../seed/stream';
import * as catalog from './service';
import * as goods from './goods';

export const handlers = defineHandlers({
  getHome: async ({ db }) => catalog.getHome(db),
  listCategories: async ({ db }) => ({ items: await catalog.listCategories(db) }),
  listProducts: async ({ db, query }) => catalog.listProducts(db, query),
  getProduct: async ({ db, params }) => catalog.getProduct(db, params.id),
  suggestSearch: async ({ db, query }) => ({ items: await catalog.suggestSearch(db, query.q) }),
  getHotSearches: async ({ db }) => ({ items: await catalog.hotSearches(db) }),
  // The merchant's workbench (docs/merchant.md, "Goods"): `staff` is the caller's membership of the path's merchant.
  listMerchantProducts: async ({ db, staff, query }) => goods.listMerchantProducts(db, staff.merchantId, query),
  setProductShelf: async ({ db, staff, params, body }) => goods.setProductShelf(db, { merchantId: staff.merchantId, productId: params.productId, actorId: staff.userId, onShelf: body.onShelf }),
  setSkuPrice: async ({ db, staff, params, body }) => goods.setSkuPrice(db, { merchantId: staff.merchantId, skuId: params.skuId, actorId: staff.userId, body }),
  changeSkuStock: async ({ db, staff, params, body }) => goods.changeSkuStock(db, { merchantId: staff.merchantId, skuId: params.skuId, actorId: staff.userId, body }),
  listStockAlerts: async ({ db, staff, query }) => goods.listStockAlerts(db, staff.merchantId, query),
});

/** The demo shop's media: generated placeholder images (GET /images/<file>.svg) and the demo live stream (GET /media/demo-live/index.m3u8). */
export function registerExtra(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>('/images/:file', async (req, reply) => sendImage(req, reply, req.params.file));
  registerDemoStream(app);
}
