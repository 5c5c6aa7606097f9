import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { MerchantWithdrawal, Withdrawal, WithdrawalDestination, WithdrawalStatus } from '@contract/referral-withdrawal';
import { NotificationRejected, notifyAnswer, type NotifyAnswer } from '../../channels/types';
import type { PayoutAdapter } from '../../channels/payout';
import type { Database } from '../../db/types';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError } from '../../infra/errors';
import { defineHandlers } from '../../infra/http';
import type { JobDef } from '../../infra/jobs';
import { accountNames } from '../identity';
import { assertOperator } from './promoters';
import { applyTransferNotification, approveWithdrawal, checkTransfers, rejectWithdrawal, requestWithdrawal, type WithdrawalDeps, type WithdrawalRow } from './withdrawals';

type Db = Kysely<Database>;
const TABLE = 'referral_withdrawals';
const n = (v: unknown) => Number(v ?? 0);
const at = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A withdrawal as its promoter sees it; `payouts` gives WeChat's merchant and app for the payee's confirmation. */
function withdrawalView(deps: WithdrawalDeps, w: WithdrawalRow): Withdrawal {
  const wechat = w.destination === 'wechat' && w.status === 'transferring' && w.package_info ? deps.payouts.get('wechatpay') : null;
  return {
    id: w.id,
    amount: n(w.amount),
    fee: n(w.fee),
    payout: n(w.payout),
    destination: w.destination as WithdrawalDestination,
    status: w.status as WithdrawalStatus,
    review: w.review === 'manual' ? 'manual' : 'auto',
    reason: w.reason,
    failReason: w.fail_reason,
    createdAt: n(w.created_at),
    decidedAt: at(w.decided_at),
    settledAt: at(w.settled_at),
    confirm: wechat && w.package_info ? { mchId: wechat.merchantNo, appId: wechat.appId, package: w.package_info } : null,
  };
}

const maskPhone = (phone: string | null) => (phone && phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : null);

async function merchantViews(deps: WithdrawalDeps, db: Db, rows: WithdrawalRow[]): Promise<MerchantWithdrawal[]> {
  const names = await accountNames(db, [...new Set(rows.map((r) => r.promoter_id))]);
  return rows.map((r) => ({ ...withdrawalView(deps, r), promoterId: r.promoter_id, nickname: names.get(r.promoter_id)?.nickname ?? '', phone: maskPhone(names.get(r.promoter_id)?.phone ?? null) }));
}

/** [created_at, id] of the last withdrawal on the page. */
const withdrawalCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

/** A page of withdrawals: a promoter's, newest first; or the review queue (requested), oldest first. */
async function pageOf(db: Db, where: { promoterId?: string; status?: WithdrawalStatus }, query: { cursor?: string; limit: number }, order: 'asc' | 'desc') {
  let q = db.selectFrom(TABLE).selectAll();
  if (where.promoterId) q = q.where('promoter_id', '=', where.promoterId);
  if (where.status) q = q.where('status', '=', where.status);
  if (query.cursor) {
    const [key, id] = withdrawalCursor.decode(query.cursor);
    const cmp = order === 'desc' ? '<' : '>';
    q = q.where((eb) => eb.or([eb('created_at', cmp, key), eb.and([eb('created_at', '=', key), eb('id', cmp, id)])]));
  }
  const rows = await q.orderBy('created_at', order).orderBy('id', order).limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > query.limit && last ? withdrawalCursor.encode([n(last.created_at), last.id]) : null };
}

async function merchantWithdrawalOf(deps: WithdrawalDeps, w: WithdrawalRow): Promise<MerchantWithdrawal> {
  const [view] = await merchantViews(deps, deps.db, [w]);
  return view;
}

/** The withdrawal routes: the promoter's (ask, list, one) and the operating merchant's review (list, approve, reject). */
export function withdrawalHandlers(deps: WithdrawalDeps) {
  return defineHandlers({
    createReferralWithdrawal: async ({ user, body }) => withdrawalView(deps, await requestWithdrawal(deps, { promoterId: user.id, amount: body.amount, destination: body.destination })),
    listReferralWithdrawals: async ({ db, user, query }) => {
      const page = await pageOf(db, { promoterId: user.id, status: query.status }, query, 'desc');
      return { items: page.rows.map((r) => withdrawalView(deps, r)), nextCursor: page.nextCursor };
    },
    getReferralWithdrawal: async ({ db, user, params }) => {
      const w = await db.selectFrom(TABLE).selectAll().where('id', '=', params.withdrawalId).where('promoter_id', '=', user.id).executeTakeFirst();
      if (!w) throw new AppError('NOT_FOUND', 'No such withdrawal');
      return withdrawalView(deps, w);
    },
    listMerchantWithdrawals: async ({ db, config, staff, query }) => {
      assertOperator(config.referral, staff.merchantId);
      const page = await pageOf(db, { status: query.status }, query, query.status === 'requested' ? 'asc' : 'desc');
      return { items: await merchantViews(deps, db, page.rows), nextCursor: page.nextCursor };
    },
    approveReferralWithdrawal: async ({ config, staff, params }) => {
      assertOperator(config.referral, staff.merchantId);
      return merchantWithdrawalOf(deps, await approveWithdrawal(deps, staff, params.withdrawalId));
    },
    rejectReferralWithdrawal: async ({ config, staff, params, body }) => {
      assertOperator(config.referral, staff.merchantId);
      return merchantWithdrawalOf(deps, await rejectWithdrawal(deps, staff, params.withdrawalId, body.reason));
    },
  });
}

/** Where a channel posts its transfer notifications (the channel's payout config names it). */
export const transferNotifyPath = (channel: string) => `/notify/${channel}/transfer`;

function send(reply: FastifyReply, answer: NotifyAnswer): FastifyReply {
  return reply.code(answer.status).header('content-type', answer.contentType).header('cache-control', 'no-store').send(answer.body);
}

/**
 * POST /notify/<channel>/transfer for every payout channel: verified (signature, time, format),
 * compared with the withdrawal (its channel, the merchant, the amount paid out) and applied in
 * one transaction, then answered in the channel's format (as payment notifications are,
 * server/modules/payment/notify.ts). A replay of a notification already applied answers success
 * and changes nothing.
 */
export async function registerTransferNotifyRoutes(app: FastifyInstance, deps: WithdrawalDeps): Promise<void> {
  const adapters: PayoutAdapter[] = deps.payouts.list();
  if (adapters.length === 0) return;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, typeof body === 'string' ? body : body.toString('utf8')));
    for (const adapter of adapters) {
      scope.post(transferNotifyPath(adapter.channel), async (req, reply) => {
        const rawBody = typeof req.body === 'string' ? req.body : '';
        const now = Date.now();
        let verified;
        try {
          verified = adapter.verifyTransferNotification({ headers: req.headers, rawBody }, now);
        } catch (err) {
          const reason = err instanceof NotificationRejected ? err.reason : 'not a notification';
          req.log.warn({ channel: adapter.channel, reason }, 'transfer notification rejected');
          return send(reply, notifyAnswer(adapter.notifyFormat, 'refused', reason));
        }
        try {
          const status = await applyTransferNotification(deps, adapter.channel, verified, now);
          req.log.info({ channel: adapter.channel, transferNo: verified.transferNo, state: verified.state.channelState, status }, 'transfer notification handled');
          return send(reply, notifyAnswer(adapter.notifyFormat, 'handled'));
        } catch (err) {
          if (err instanceof AppError && err.code === 'NOTIFY_REJECTED') {
            req.log.error({ channel: adapter.channel, reason: err.detail }, 'transfer notification does not match our record');
            return send(reply, notifyAnswer(adapter.notifyFormat, 'refused', err.detail ?? 'rejected'));
          }
          req.log.error({ err, channel: adapter.channel }, 'transfer notification could not be applied');
          return send(reply, notifyAnswer(adapter.notifyFormat, 'unavailable', 'temporarily unavailable'));
        }
      });
    }
  });
}

/** The withdrawals as the app mounts them: the routes and the channels' transfer notifications. */
export const withdrawalModule = (deps: WithdrawalDeps) => ({
  handlers: withdrawalHandlers(deps),
  registerExtra: (app: FastifyInstance) => registerTransferNotifyRoutes(app, deps),
});

/** The withdrawals' job (server/compose.ts adds it to JOBS): transfers whose notification has not come are asked about. */
export const WITHDRAWAL_JOBS: readonly JobDef<{ withdrawals: WithdrawalDeps }>[] = [
  {
    name: 'check-withdrawal-transfers',
    intervalMs: 30_000,
    run: ({ withdrawals }, now) => checkTransfers(withdrawals, now),
  },
];
