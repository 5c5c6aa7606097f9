import type { Payment } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { applyPaymentChange } from './cache';

/** Gives up an open payment; the server releases its internal tenders once the channel agrees. */
export function cancelPayment(id: string): Promise<Payment> {
  return request('cancelPayment', { params: { id } });
}

export function cancelPaymentOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.payments.all(), 'cancel'],
    mutationFn: cancelPayment,
    onSuccess: (payment) => applyPaymentChange(queryClient, payment),
  });
}

export function useCancelPayment() {
  const queryClient = useQueryClient();
  return useMutation(cancelPaymentOptions(queryClient));
}
