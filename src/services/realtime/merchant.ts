import type { DashboardFigures, MerchantOrderPage, MerchantOrderRow, MerchantOrderSummary, OrderStatus } from '@contract';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { keys } from '../keys';

/** The topic of a merchant's workbench events (docs/merchant.md). */
export function merchantTopic(merchantId: string): string {
  return `merchant:${merchantId}`;
}

export function merchantIdOf(topic: string): string | null {
  return topic.startsWith('merchant:') && topic.length > 'merchant:'.length ? topic.slice('merchant:'.length) : null;
}

/** What a message on a merchant's topic does to the cache (pure; carried out by applyMerchantOp). */
export type MerchantOp =
  /** New paid orders (newest first): put their rows at the top of the lists they belong to, and tell the listeners once (the cue). */
  | { kind: 'merchantOrdersPaid'; merchantId: string; orders: MerchantOrderSummary[] }
  /** Pushed figures: write them into the dashboard entry. */
  | { kind: 'merchantDashboard'; merchantId: string; figures: DashboardFigures };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function merchantResetKeys(merchantId: string) {
  return [keys.merchant.scope(merchantId)];
}

/** Ops and keys to refetch for one event of `merchant:{merchantId}`. */
export function merchantEventEffects(merchantId: string, type: string, data: Record<string, unknown>): { ops: MerchantOp[]; invalidate: (readonly unknown[])[] } {
  if (type === 'workbench.new_orders') {
    // The server's debounced push: the rows of the orders paid since the last one; `more` when it held back some.
    const orders = Array.isArray(data.orders) ? (data.orders.filter((o) => isObject(o) && typeof o.id === 'string') as unknown as MerchantOrderSummary[]) : [];
    return {
      ops: orders.length > 0 ? [{ kind: 'merchantOrdersPaid', merchantId, orders }] : [],
      invalidate: data.more === true || orders.length === 0 ? [keys.merchant.orderLists(merchantId)] : [],
    };
  }
  if (type.startsWith('order.')) {
    const orderId = typeof data.orderId === 'string' ? data.orderId : null;
    return {
      ops: [],
      invalidate: [keys.merchant.orderLists(merchantId), ...(orderId ? [keys.merchant.orderDetail(merchantId, orderId)] : [])],
    };
  }
  if (type === 'sku.sold_out') {
    return { ops: [], invalidate: [keys.merchant.productLists(merchantId), [...keys.merchant.scope(merchantId), 'stock-alerts']] };
  }
  if (type === 'dashboard.updated') {
    return { ops: isObject(data) && typeof data.paidOrders === 'number' ? [{ kind: 'merchantDashboard', merchantId, figures: data as unknown as DashboardFigures }] : [], invalidate: [] };
  }
  if (type.startsWith('after_sale.')) {
    const id = typeof data.afterSaleId === 'string' ? data.afterSaleId : null;
    return {
      ops: [],
      invalidate: [keys.merchant.afterSaleLists(merchantId), keys.merchant.dashboard(merchantId), ...(id ? [keys.merchant.afterSaleDetail(merchantId, id)] : [])],
    };
  }
  return { ops: [], invalidate: [] };
}

type OrderPages = InfiniteData<MerchantOrderPage>;
const NEW_ORDER_TABS = new Set(['all', 'to_ship', 'to_pickup']);

function tabHolds(tab: string, order: MerchantOrderSummary): boolean {
  if (tab === 'all') return true;
  if (tab === 'to_ship') return order.status === 'paid' && order.fulfilmentType === 'delivery';
  if (tab === 'to_pickup') return order.status === 'paid' && order.fulfilmentType === 'pickup';
  return false;
}

const listeners = new Set<(merchantId: string, orders: readonly MerchantOrderSummary[]) => void>();

/** Called once for every push of new paid orders on a merchant's topic (the pages' sound or vibration cue). */
export function onMerchantOrdersPaid(listener: (merchantId: string, orders: readonly MerchantOrderSummary[]) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function applyMerchantOp(queryClient: QueryClient, op: MerchantOp): void {
  if (op.kind === 'merchantDashboard') {
    queryClient.setQueryData(keys.merchant.dashboard(op.merchantId), op.figures);
    return;
  }
  const { merchantId, orders } = op;
  const entries = queryClient.getQueriesData<OrderPages>({ queryKey: keys.merchant.orderLists(merchantId) });
  for (const [key, data] of entries) {
    const filter = key[4] as { tab?: string; q?: string } | undefined;
    if (!data?.pages?.length || !filter?.tab || filter.q) continue;
    const fresh = orders.filter((order) => !data.pages.some((p) => p.items.some((o) => o.id === order.id)));
    if (fresh.length === 0) continue;
    const [first, ...rest] = data.pages;
    const counts = { ...first.counts, all: first.counts.all + fresh.length };
    const rows: MerchantOrderRow[] = [];
    for (const order of fresh) {
      // Counted where an order waits now (a push may carry one already shipped or picked up).
      if (order.status === 'paid' && order.fulfilmentType === 'delivery') counts.to_ship += 1;
      else if (order.status === 'paid') counts.to_pickup += 1;
      if (NEW_ORDER_TABS.has(filter.tab) && tabHolds(filter.tab, order)) rows.push({ ...order, merchantRemark: null });
    }
    queryClient.setQueryData<OrderPages>(key, { ...data, pages: [{ ...first, items: [...rows, ...first.items], counts }, ...rest] });
  }
  for (const l of [...listeners]) l(merchantId, orders);
}

export type { OrderStatus };
