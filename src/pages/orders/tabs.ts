import type { OrderStatus, OrderTab } from '@contract';
import type { CatalogMessageKey as MessageKey } from '@/i18n/catalog';
import type { OrderAmountKind } from '@/services/order/amount';

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

/** The label of each kind of order amount (services/order/amount.ts): 应付, 实付, 订单金额. */
export const AMOUNT_LABELS = { payable: 'orders.payable', paid: 'orders.total', total: 'orders.orderAmount' } as const satisfies Record<OrderAmountKind, MessageKey>;
