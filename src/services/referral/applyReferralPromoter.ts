import type { ReferralApplication } from '@contract/referral';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export interface ApplyInput {
  note: string;
  /** One key per intent: a retry of the same application sends the same key. */
  idempotencyKey: string;
}

export function applyReferralPromoter({ note, idempotencyKey }: ApplyInput): Promise<ReferralApplication> {
  const trimmed = note.trim();
  return request('applyReferralPromoter', { body: trimmed ? { note: trimmed } : {} }, { idempotencyKey });
}

/** Applies to promote (REFERRAL_PROMOTERS=approved); the centre's header is read again either way (a 409 means it changed). */
export function applyReferralPromoterOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.referral.all(), 'apply'],
    mutationFn: applyReferralPromoter,
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.referral.me() }),
  });
}

export function useApplyReferralPromoter() {
  const queryClient = useQueryClient();
  return useMutation(applyReferralPromoterOptions(queryClient));
}
