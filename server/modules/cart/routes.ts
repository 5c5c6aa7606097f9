import { defineHandlers } from '../../infra/http';
import * as cart from './service';

export const handlers = defineHandlers({
  getCart: async ({ db, user }) => cart.getCart(db, user.id),
  addCartItem: async ({ db, user, body }) => cart.addItem(db, user.id, body.skuId, body.quantity),
  updateCartItem: async ({ db, user, params, body }) => cart.updateItem(db, user.id, params.skuId, body),
  removeCartItem: async ({ db, user, params }) => cart.removeItem(db, user.id, params.skuId),
  selectAllCart: async ({ db, user, body }) => cart.selectAll(db, user.id, body.selected, body.merchantId),
  mergeCart: async ({ db, user, body }) => cart.mergeLines(db, user.id, body.lines),
  quoteCart: async ({ db, body }) => cart.quoteLines(db, body.lines),
});
