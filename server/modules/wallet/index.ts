/** The wallet module's public surface: balances, points, gift cards and the double-entry ledger they post to. */
export { handlers } from './routes';
export * from './ledger';
export {
  ensureWelcome,
  getWallet,
  giftCardIdsByNumber,
  giftCardNumbers,
  issueGiftCard,
  resolveGiftCards,
  verifyGiftCard,
  verifyGiftCards,
  welcomeAccounts,
  welcomeRef,
  MAX_PIN_ATTEMPTS,
  PIN_LOCK_MS,
  type GiftCardRecord,
  type IssueGiftCardInput,
} from './service';
export { loadWalletConfig, walletConfigOf, WALLET_ENV_VARS, type WalletConfig, type WalletEnvVar } from './config';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['ledger_accounts', 'journal_transactions', 'journal_entries', 'gift_cards'] as const;
