import { defineHandlers } from '../../infra/http';
import * as book from './service';

export const handlers = defineHandlers({
  listAddresses: async ({ db, user }) => ({ items: await book.listAddresses(db, user.id) }),
  createAddress: async ({ db, user, body }) => book.createAddress(db, user.id, body),
  updateAddress: async ({ db, user, params, body }) => book.updateAddress(db, user.id, params.id, body),
  deleteAddress: async ({ db, user, params }) => {
    await book.deleteAddress(db, user.id, params.id);
    return { ok: true as const };
  },
});
