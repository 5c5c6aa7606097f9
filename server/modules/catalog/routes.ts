import type { FastifyInstance } from 'fastify';
import { defineHandlers } from '../../platform/http';
import { sendImage } from '../../seed/images';
import * as catalog from './service';

export const handlers = defineHandlers({
  getHome: async ({ db }) => catalog.getHome(db),
  listCategories: async ({ db }) => ({ items: await catalog.listCategories(db) }),
  listProducts: async ({ db, query }) => catalog.listProducts(db, query),
  getProduct: async ({ db, params }) => catalog.getProduct(db, params.id),
  suggestSearch: async ({ db, query }) => ({ items: await catalog.suggestSearch(db, query.q) }),
  getHotSearches: async ({ db }) => ({ items: await catalog.hotSearches(db) }),
});

/** Generated placeholder images: GET /images/<file>.svg. */
export function registerExtra(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>('/images/:file', async (req, reply) => sendImage(req, reply, req.params.file));
}
