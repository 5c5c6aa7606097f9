import type { AfterSaleStatus } from '@contract/aftersale';
import type { CatalogMessageKey as MessageKey } from '@/i18n/catalog';

/** The list's tabs: the shopper's API lists every request; the tabs group them by status. */
export const AFTER_SALE_TABS = ['all', 'active', 'done', 'closed'] as const;
export type AfterSaleTab = (typeof AFTER_SALE_TABS)[number];

export const TAB_LABELS: Record<AfterSaleTab, MessageKey> = {
  all: 'aftersale.tabAll',
  active: 'aftersale.tabActive',
  done: 'aftersale.tabDone',
  closed: 'aftersale.tabClosed',
};

const TAB_STATUSES: Record<Exclude<AfterSaleTab, 'all'>, readonly AfterSaleStatus[]> = {
  active: ['requested', 'awaiting_return', 'returning', 'refunding', 'refund_failed'],
  done: ['refunded'],
  closed: ['rejected', 'cancelled', 'closed'],
};

export function inTab(tab: AfterSaleTab, status: AfterSaleStatus): boolean {
  return tab === 'all' || TAB_STATUSES[tab].includes(status);
}

export function parseTab(raw: string | undefined): AfterSaleTab {
  return AFTER_SALE_TABS.find((x) => x === raw) ?? 'all';
}

