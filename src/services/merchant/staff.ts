import type { AuditPage, StaffInvite, StaffInviteBody, StaffMember, StaffRole } from '@contract';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function listStaff(merchantId: string, signal?: AbortSignal): Promise<{ items: StaffMember[] }> {
  return request('listStaff', { params: { merchantId } }, { signal });
}

export function listStaffOptions(merchantId: string, enabled = true) {
  return queryOptions({ queryKey: keys.merchant.staff(merchantId), queryFn: ({ signal }) => listStaff(merchantId, signal), enabled: enabled && merchantId !== '' });
}

export function useStaff(merchantId: string, enabled = true) {
  return useQuery(listStaffOptions(merchantId, enabled));
}

function useStaffMutation<V, R>(merchantId: string, name: string, fn: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.scope(merchantId), 'staff', name],
    mutationFn: fn,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.merchant.staff(merchantId) }),
  });
}

/** Invites staff by phone number or by code alone; the answer carries the invite code once (null in a replay). */
export function useInviteStaff(merchantId: string) {
  return useStaffMutation(merchantId, 'invite', ({ body, idempotencyKey }: { body: StaffInviteBody; idempotencyKey: string }): Promise<StaffInvite> =>
    request('inviteStaff', { params: { merchantId }, body }, { idempotencyKey }),
  );
}

export function useUpdateStaff(merchantId: string) {
  return useStaffMutation(merchantId, 'update', ({ staffId, role }: { staffId: string; role: StaffRole }) =>
    request('updateStaff', { params: { merchantId, staffId }, body: { role } }),
  );
}

export function useRemoveStaff(merchantId: string) {
  return useStaffMutation(merchantId, 'remove', ({ staffId }: { staffId: string }) => request('removeStaff', { params: { merchantId, staffId } }));
}

export function listAudit(merchantId: string, cursor: string | null, signal?: AbortSignal): Promise<AuditPage> {
  return request('listAudit', { params: { merchantId }, query: { cursor: cursor ?? undefined, limit: 20 } }, { signal });
}

export function listAuditOptions(merchantId: string, enabled = true) {
  return infiniteQueryOptions({
    queryKey: keys.merchant.audit(merchantId),
    queryFn: ({ pageParam, signal }) => listAudit(merchantId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: enabled && merchantId !== '',
  });
}

export function useAudit(merchantId: string, enabled = true) {
  return useInfiniteQuery(listAuditOptions(merchantId, enabled));
}
