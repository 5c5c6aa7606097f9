/** The payment module's public surface: payments over parent/child orders with combined tenders, refunds, channel notifications. */
export { paymentModule } from './routes';
export { buildPaymentDeps, defaultChannels, type PaymentSetupOptions } from './setup';
export { refundDepsOf, type PaymentDeps, type PaymentLog, type PaymentRow } from './deps';
export { orderEndedInPayments, PAYMENT_JOBS } from './jobs';
export { createPayment, cancelPayment, paymentFlows, PAYMENT_FLOWS, getPayment, expirePayments, reconcilePayments, PAYMENT_EVENTS, type PaymentFailedPayload, type PaymentSucceededPayload } from './service';
export { bookRefundIn, refundableAmount, createRefund, sendRefund, refundFlows, REFUND_FLOWS, listRefunds, refundClosedOrder, retryRefunds, REFUND_EVENTS, type BookRefundInput, type RefundDeps } from './refunds';
export { REFUND_SOURCES, type RefundSource } from './refund-machine';
export { refundFigures } from './figures';
export { accountPayer, accountsPaidBy, payersOfOrder, type ChannelPayer } from './payers';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['payments', 'payment_orders', 'payment_notifications', 'payment_tenders', 'payment_allocations', 'refunds', 'refund_parts'] as const;
