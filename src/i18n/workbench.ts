import { catalogMessages } from './catalog';
import { translator } from './messages';
import { liveHostMessages } from './live-host';
import { merchantMessages } from './merchant';

/**
 * The merchant workbench's catalog: the shopper's (catalog.ts) and the workbench's own chapter
 * (merchant.ts, live-host.ts). The workbench's pages and services take `t` from here, so the
 * chapter travels with their chunks and not in the shopper's first load; a workbench key used
 * outside them does not type-check against the shopper's `t`.
 */
export const workbenchMessages = { ...catalogMessages, ...merchantMessages, ...liveHostMessages };
export type WorkbenchMessageKey = keyof typeof workbenchMessages;

/** The catalog string for key, with `{name}` placeholders filled from params. */
export const t = translator<WorkbenchMessageKey>(workbenchMessages);
