import type { RouteOutput } from '@contract';
import type { ReferralApplicationStatus } from '@contract/referral';
import type { CommissionReport, ReferralRules, ReferralRulesBody } from '@contract/referral-commission';
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/**
 * The merchant's side of referral in the workbench (docs/referral.md): its commission rules
 * (owner edits, operator reads), its commission report, and, for the operating merchant only,
 * promoter applications (any other merchant's staff get 404 for those).
 */

/** An application as the operating merchant's staff see it (phone masked). */
export type MerchantReferralApplication = RouteOutput<'approveReferralApplication'>;

// --- rules -------------------------------------------------------------------------------

export function getReferralRules(merchantId: string, signal?: AbortSignal): Promise<ReferralRules> {
  return request('getReferralRules', { params: { merchantId } }, { signal });
}

export function getReferralRulesOptions(merchantId: string) {
  return queryOptions({
    queryKey: keys.merchant.referralRules(merchantId),
    queryFn: ({ signal }) => getReferralRules(merchantId, signal),
    enabled: merchantId !== '',
  });
}

export function useReferralRules(merchantId: string) {
  return useQuery(getReferralRulesOptions(merchantId));
}

/** Saves a new version of the rules (owner only); the answer is the version now in force. */
export function useSetReferralRules(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.referral(merchantId), 'rules', 'set'],
    mutationFn: ({ body, idempotencyKey }: { body: ReferralRulesBody; idempotencyKey: string }) =>
      request('setReferralRules', { params: { merchantId }, body }, { idempotencyKey }),
    onSuccess: (rules) => queryClient.setQueryData(keys.merchant.referralRules(merchantId), rules),
  });
}

/**
 * How many commission levels the network has (REFERRAL_MAX_LEVELS): the rules' level picker
 * offers 1 to this. The server tells it in the signed-in person's own referral view.
 */
export function getReferralLevelsOptions(enabled = true) {
  return queryOptions({
    queryKey: keys.merchant.referralLevels(),
    queryFn: async ({ signal }) => (await request('getReferralMe', {}, { signal })).maxLevels,
    enabled,
    staleTime: 10 * 60_000,
  });
}

export function useReferralLevels(enabled = true) {
  return useQuery(getReferralLevelsOptions(enabled));
}

// --- report ------------------------------------------------------------------------------

export interface ReportRange {
  /** Epoch ms, inclusive (the start of an Asia/Shanghai day). */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export function getCommissionReport(merchantId: string, range: ReportRange, groupBy: 'day' | 'total', signal?: AbortSignal): Promise<CommissionReport> {
  return request('getCommissionReport', { params: { merchantId }, query: { from: range.from, to: range.to, groupBy } }, { signal });
}

export function getCommissionReportOptions(merchantId: string, range: ReportRange, groupBy: 'day' | 'total') {
  return queryOptions({
    queryKey: keys.merchant.referralReport(merchantId, range.from, range.to, groupBy),
    queryFn: ({ signal }) => getCommissionReport(merchantId, range, groupBy, signal),
    enabled: merchantId !== '',
  });
}

export function useCommissionReport(merchantId: string, range: ReportRange, groupBy: 'day' | 'total') {
  return useQuery(getCommissionReportOptions(merchantId, range, groupBy));
}

const DAY_MS = 86_400_000;
/** The report's days are Asia/Shanghai days (UTC+8, no daylight saving), whatever the device's zone. */
const SHANGHAI_MS = 8 * 3_600_000;

/** The start of the Asia/Shanghai day that holds `at`. */
export function shanghaiDayStart(at: number): number {
  return Math.floor((at + SHANGHAI_MS) / DAY_MS) * DAY_MS - SHANGHAI_MS;
}

/** YYYY-MM-DD of the Asia/Shanghai day that holds `at` (the report's `day`). */
export function shanghaiDay(at: number): string {
  return new Date(at + SHANGHAI_MS).toISOString().slice(0, 10);
}

/** The last `days` Asia/Shanghai days up to and including today. */
export function lastDays(days: number, now: number): ReportRange {
  const today = shanghaiDayStart(now);
  return { from: today - (days - 1) * DAY_MS, to: today + DAY_MS };
}

/** This Asia/Shanghai month so far (to the end of today). */
export function thisMonth(now: number): ReportRange {
  const d = new Date(now + SHANGHAI_MS);
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - SHANGHAI_MS;
  return { from: first, to: shanghaiDayStart(now) + DAY_MS };
}

/** Every day of the range (YYYY-MM-DD, oldest first): the report lists only days with commissions. */
export function daysOf(range: ReportRange): string[] {
  const out: string[] = [];
  for (let at = range.from; at < range.to; at += DAY_MS) out.push(shanghaiDay(at));
  return out;
}

// --- promoter applications (the operating merchant) --------------------------------------

const APPLICATION_PAGE_SIZE = 10;
/** The hub counts pending applications from one page of this many ("50+" beyond). */
export const PENDING_COUNT_PAGE = 50;

export function listReferralApplicationsOptions(merchantId: string, status: ReferralApplicationStatus) {
  return infiniteQueryOptions({
    queryKey: keys.merchant.referralApplicationList(merchantId, status),
    queryFn: ({ pageParam, signal }) =>
      request('listReferralApplications', { params: { merchantId }, query: { status, cursor: pageParam ?? undefined, limit: APPLICATION_PAGE_SIZE } }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: merchantId !== '',
  });
}

export function useReferralApplications(merchantId: string, status: ReferralApplicationStatus) {
  return useInfiniteQuery(listReferralApplicationsOptions(merchantId, status));
}

/** Pending applications: how many (at most PENDING_COUNT_PAGE) and whether there are more. */
export function pendingApplicationsOptions(merchantId: string) {
  return queryOptions({
    queryKey: keys.merchant.referralPendingCount(merchantId),
    queryFn: async ({ signal }) => {
      const page = await request('listReferralApplications', { params: { merchantId }, query: { status: 'pending', limit: PENDING_COUNT_PAGE } }, { signal });
      return { count: page.items.length, more: page.nextCursor !== null };
    },
    enabled: merchantId !== '',
  });
}

export function usePendingApplications(merchantId: string) {
  return useQuery(pendingApplicationsOptions(merchantId));
}

export type ApplicationDecision = { kind: 'approve' } | { kind: 'reject'; reason: string };

export function decideReferralApplication(merchantId: string, applicationId: string, decision: ApplicationDecision, idempotencyKey: string): Promise<MerchantReferralApplication> {
  const params = { merchantId, applicationId };
  return decision.kind === 'approve'
    ? request('approveReferralApplication', { params }, { idempotencyKey })
    : request('rejectReferralApplication', { params, body: { reason: decision.reason } }, { idempotencyKey });
}

/** Approves or rejects an application; every list of applications (and the hub's count) refetches. */
export function useDecideReferralApplication(merchantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: [...keys.merchant.referral(merchantId), 'applications', 'decide'],
    mutationFn: ({ applicationId, decision, idempotencyKey }: { applicationId: string; decision: ApplicationDecision; idempotencyKey: string }) =>
      decideReferralApplication(merchantId, applicationId, decision, idempotencyKey),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.merchant.referralApplicationLists(merchantId) }),
  });
}
