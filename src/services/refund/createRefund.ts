import type { Refund } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export interface CreateRefundVariables {
  orderId: string;
  /** Fen; omitted: everything still refundable. */
  amount?: number;
  reason: string;
  /** Required by the API: one key per refund request intent, reused when it is retried. */
  idempotencyKey: string;
}

export function createRefund({ orderId, amount, reason, idempotencyKey }: CreateRefundVariables): Promise<Refund> {
  return request(
    'createRefund',
    { params: { id: orderId }, body: amount === undefined ? { reason } : { amount, reason } },
    { idempotencyKey },
  );
}

/** After a refund: the order (refunded amount, status), its refunds and the wallet all moved. */
export async function applyRefundChange(queryClient: QueryClient, orderId: string): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.refunds.list(orderId) }),
    queryClient.invalidateQueries({ queryKey: keys.orders.all() }),
    queryClient.invalidateQueries({ queryKey: keys.wallet.all() }),
  ]);
}

export function createRefundOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.refunds.all(), 'create'],
    mutationFn: createRefund,
    onSuccess: (_refund, { orderId }) => applyRefundChange(queryClient, orderId),
  });
}

export function useCreateRefund() {
  const queryClient = useQueryClient();
  return useMutation(createRefundOptions(queryClient));
}
