import type { Payment } from '@contract';
import type { QueryClient } from '@tanstack/react-query';
import { keys } from '../keys';

/**
 * After a payment was created, changed state or was cancelled: keep its detail entry, then
 * refetch what it moves: every order view (paid amounts, statuses, counts), the wallet
 * (internal tenders are debited at creation and released when a payment ends unpaid) and the
 * orders' open payments (the cashier shows them).
 */
export async function applyPaymentChange(queryClient: QueryClient, payment: Payment): Promise<void> {
  queryClient.setQueryData(keys.payments.detail(payment.id), payment);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.orders.all() }),
    queryClient.invalidateQueries({ queryKey: keys.wallet.all() }),
    queryClient.invalidateQueries({ queryKey: keys.payments.opens() }),
  ]);
}
