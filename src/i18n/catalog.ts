import { afterSaleMessages } from './aftersale';
import { messages, translator } from './messages';
import { referralHoldsMessages, referralMessages, withdrawMessages } from './referral';
import { tradeMessages } from './trade';

/**
 * The shopper's whole catalog: the first chapter (messages.ts) and the chapters of checkout
 * and orders (trade.ts), after-sales (aftersale.ts) and referral (referral.ts). The pages and
 * services of those features take `t` from here, so these strings load with their chunks, not
 * with the first page.
 */
export const catalogMessages = { ...messages, ...tradeMessages, ...afterSaleMessages, ...referralMessages, ...withdrawMessages, ...referralHoldsMessages };
export type CatalogMessageKey = keyof typeof catalogMessages;

/** The catalog string for key, with `{name}` placeholders filled from params. */
export const t = translator<CatalogMessageKey>(catalogMessages);
