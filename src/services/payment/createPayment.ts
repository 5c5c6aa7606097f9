import type { CreatePaymentBody, Payment } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { applyPaymentChange } from './cache';

export interface CreatePaymentVariables {
  /** Order (parent or child), tenders, channel for the remainder, scene. */
  body: CreatePaymentBody;
  /** Required by the API: one key per pay intent, reused when that intent is retried. */
  idempotencyKey: string;
}

export function createPayment({ body, idempotencyKey }: CreatePaymentVariables): Promise<Payment> {
  return request('createPayment', { body }, { idempotencyKey });
}

export function createPaymentOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.payments.all(), 'create'],
    mutationFn: createPayment,
    // Internal tenders were debited (and an internal-only payment may be paid already).
    onSuccess: (payment) => applyPaymentChange(queryClient, payment),
  });
}

export function useCreatePayment() {
  const queryClient = useQueryClient();
  return useMutation(createPaymentOptions(queryClient));
}
