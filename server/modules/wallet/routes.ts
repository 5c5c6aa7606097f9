import { defineHandlers } from '../../infra/http';
import { walletConfigOf } from './config';
import * as wallet from './service';

export const handlers = defineHandlers({
  getWallet: async ({ db, user, config }) => wallet.getWallet(db, user.id, walletConfigOf(config), Date.now()),
  // On the plain connection: a wrong PIN stays counted although the request fails.
  verifyGiftCard: async ({ db, body }) => wallet.verifyGiftCard(db, body, Date.now()),
});
