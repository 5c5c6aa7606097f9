import type { OrderStatus, OrderTab } from '@contract';

export const ORDER_TABS: readonly OrderTab[] = ['all', 'pending_payment', 'paid', 'shipped', 'completed', 'cancelled'];

/** The tab named by the page's `status` query value; anything else shows all orders. */
export function parseTab(raw: string | undefined): OrderTab {
  return ORDER_TABS.find((tab) => tab === raw) ?? 'all';
}

export type OrderAction = 'pay' | 'cancel' | 'confirm';

/** What the shopper can do with an order in this status (view detail is always possible). */
export function actionsFor(status: OrderStatus): OrderAction[] {
  switch (status) {
    case 'pending_payment':
      return ['cancel', 'pay'];
    case 'shipped':
      return ['confirm'];
    default:
      return [];
  }
}
