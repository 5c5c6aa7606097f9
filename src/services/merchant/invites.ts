import type { InvitePreview, Workplace } from '@contract';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/**
 * Staff invites by code (docs/merchant.md, "Staff invites"): the code's holder previews the
 * invite and takes it. The code's shape mirrors contract/merchant.ts (8 characters without
 * 0/O/1/I/L) without pulling zod into the client; a code is checked here before it is sent, so
 * a typo never counts as a wrong code against the account's limit.
 */
const INVITE_CODE = /^[2-9A-HJKMNP-Z]{8}$/;

/** A code as typed or pasted: upper case, without spaces or dashes. */
export function normalizeInviteCode(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

export function isInviteCode(text: string): boolean {
  return INVITE_CODE.test(normalizeInviteCode(text));
}

export function getStaffInvite(code: string, signal?: AbortSignal): Promise<InvitePreview> {
  return request('getStaffInvite', { params: { code } }, { signal });
}

/**
 * The invite a code names. Asked once per code and kept: a wrong code counts against the
 * account's limit on the server, so nothing asks again by itself (no retry, no refetch on
 * focus or reconnect); the page offers to try again.
 */
export function staffInviteOptions(code: string, enabled = true) {
  return queryOptions({
    queryKey: keys.merchant.invite(code),
    queryFn: ({ signal }) => getStaffInvite(code, signal),
    enabled: enabled && isInviteCode(code),
    retry: false,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

export function useStaffInvite(code: string, enabled = true) {
  return useQuery(staffInviteOptions(code, enabled));
}

/** Takes the invite: the membership it answers is this person's workplace from now on. */
export function useAcceptStaffInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.all(), 'invites', 'accept'],
    mutationFn: ({ code, idempotencyKey }: { code: string; idempotencyKey: string }): Promise<Workplace> =>
      request('acceptStaffInvite', { params: { code } }, { idempotencyKey }),
    onSuccess: (workplace) => {
      queryClient.setQueryData(keys.merchant.workplace(workplace.merchantId), workplace);
      void queryClient.invalidateQueries({ queryKey: keys.merchant.workplaces() });
    },
  });
}
