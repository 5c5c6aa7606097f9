import type { PayChannel, Payment } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export interface CreatePaymentVariables {
  /** A parent order id (pays every unpaid child) or a child order id. */
  orderId: string;
  channel?: PayChannel;
  /** Required by the API: one key per pay intent, reused when that intent is retried. */
  idempotencyKey: string;
}

export function createPayment({ orderId, channel = 'sandbox', idempotencyKey }: CreatePaymentVariables): Promise<Payment> {
  return request('createPayment', { body: { orderId, channel } }, { idempotencyKey });
}

export function createPaymentOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.payments.all(), 'create'],
    mutationFn: createPayment,
    onSuccess: (payment) => {
      queryClient.setQueryData(keys.payments.detail(payment.id), payment);
    },
  });
}

export function useCreatePayment() {
  const queryClient = useQueryClient();
  return useMutation(createPaymentOptions(queryClient));
}
