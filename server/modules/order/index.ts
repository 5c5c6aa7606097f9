/** The order module's public surface: checkout, parent and child orders, their lifecycle. */
export { orderHandlers } from './routes';
export { applyOrderEvent, ORDER_CONSUMED_EVENTS, ORDER_CONSUMER, type OrderLifecycle } from './consumer';
export {
  closeExpiredOrders,
  createOrder,
  getOrder,
  getParentOrder,
  transitionOrder,
  tryTransitionOrder,
  type OrderEndedHook,
} from './service';
export { lockOrderForRefund, lockOrders, lockPayableOrders, orderForAfterSale, orderForRefund, ORDER_ENDED_STATUSES, ownChildOrderIds, payableChildOf, type OrderForAfterSale, type OrderRow, type PaidOrderLine } from './payable';
export { orderNumber } from './number';
export { orderForCommission, type CommissionOrderLine, type OrderForCommission } from './commission';
export { getMerchantOrder, listMerchantOrders, merchantOfOrder, newOrderRows, orderFigures, remarkOrder, shipOrder, verifyPickup, PICKUP_MAX_FAILURES, PICKUP_WINDOW_MS, type ShipInput } from './workbench';
export { orderMachine } from './machine';
export { spentBy } from './spend';
export { deliveriesOf, deliveryOf, type DeliveryAddress } from './delivery';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['parent_orders', 'orders', 'order_lines', 'order_events', 'shipments'] as const;
