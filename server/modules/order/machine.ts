import type { OrderStatus } from '@contract/order';
import { defineMachine } from '../../infra/state-machine';

/**
 * The child order's lifecycle. The parent order has no machine of its own: its status is
 * derived from its children (see parentStatus in service.ts).
 */
export const orderMachine = defineMachine({
  name: 'order',
  states: ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'closed'] satisfies OrderStatus[],
  initial: 'pending_payment',
  transitions: {
    /** The channel's verified notification arrived. */
    pay: { from: ['pending_payment'], to: 'paid' },
    /**
     * Late money honoured (docs/live.md, "Late payments"): a payment that covers the whole order
     * arrived after it closed by expiry, and its lines could be taken again (the consumer's
     * honourLateMoney). Never from cancelled: the shopper gave the order up.
     */
    payLate: { from: ['closed'], to: 'paid' },
    /** The merchant shipped a delivery order (the workbench, or the sandbox's merchant console). */
    ship: { from: ['paid'], to: 'shipped' },
    /** The merchant verified a pickup order's code and handed the goods over. */
    pickup: { from: ['paid'], to: 'completed' },
    /** The shopper confirmed receipt. */
    confirm: { from: ['shipped'], to: 'completed' },
    /** The shopper cancelled before paying; releases stock. */
    cancel: { from: ['pending_payment'], to: 'cancelled' },
    /** The payment deadline passed (job); releases stock. */
    close: { from: ['pending_payment'], to: 'closed' },
  },
});

export type OrderEventName = (typeof orderMachine.events)[number];

/** Timeline note per event (shown to the shopper). */
export const ORDER_EVENT_NOTES: Record<OrderEventName, string> = {
  pay: '支付成功',
  payLate: '订单关闭后到账，已为你恢复订单，支付成功',
  ship: '商家已发货',
  pickup: '已到店自提',
  confirm: '已确认收货',
  cancel: '订单已取消',
  close: '超时未支付，订单已关闭',
};
export const ORDER_CREATED_NOTE = '订单已提交，等待支付';
