import { sql, type Kysely, type Selectable } from 'kysely';
import type { WithdrawRules } from '@contract/referral-commission';
import type { WithdrawalDestination } from '@contract/referral-withdrawal';
import { dialectOfDb } from '../../db';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { ChannelError } from '../../channels/types';
import type { PayoutChannel, PayoutRegistry, TransferState } from '../../channels/payout';
import type { ReferralConfig } from '../../infra/config';
import { withdrawalFee } from '../../infra/referral-config';
import { AppError } from '../../infra/errors';
import { newId } from '../../infra/ids';
import { apply } from '../../infra/state-machine';
import { FlowCompensated, FlowInDoubt, defineFlow, runFlow, type Flow, type Step } from '../../infra/steps';
import { payerOf } from '../identity';
import { recordAudit } from '../merchant';
import { balancesOf, lockAccounts, post, PLATFORM, userBalanceAccount, type AccountRef, type Posting } from '../wallet';
import { NotEnoughAvailable, giveBackCommissions, promoterAccounts, takeCommissions } from './commissions';
import { withdrawalMachine, type WithdrawalStatus } from './machine';
import type { ReferralWithdrawalTable } from './tables';

type Db = Kysely<Database>;
export type WithdrawalRow = Selectable<ReferralWithdrawalTable>;

/**
 * Promoters' withdrawals (docs/referral.md, "Withdrawals"; decision 0030).
 *
 * Money (docs/ledger.md, "Withdrawal recipes"), A the amount asked for, F its fee, N = A − F:
 * - hold (the request): commission_available −A, commission_in_transit +A, the commissions it
 *   came from recorded per part (takeCommissions);
 * - paid (succeeded): commission_in_transit −A, commission_withdrawn +A, commission_payouts −A,
 *   and N to the destination (user_balance:<promoter>, or payout_clearing:<channel>), F to
 *   withdrawal_fees;
 * - returned (rejected or failed): commission_in_transit −A, commission_available +(A − m),
 *   commission_clawback +m, with m what the promoter owes, up to A (giveBackCommissions).
 *
 * Every step is one transaction that moves the withdrawal by a guarded transition and posts its
 * journal (ref withdrawal-<step>:<id>, so a step can never be posted twice). A transfer through a
 * channel is a flow (server/infra/steps.ts): the request or the approval (local; its
 * compensation gives the money back), the transfer (remote, idempotent by the withdrawal's
 * number at the channel; retried when in doubt), recording the channel's answer (local). The
 * final state comes from that answer, the channel's notification, or the check job's query.
 *
 * Lock order inside a transaction: on PostgreSQL an advisory lock per promoter (requests only),
 * the withdrawal row, the commission rows (id order), then every ledger account at once.
 */

export interface WithdrawalLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WithdrawalDeps {
  db: Db;
  config: ReferralConfig;
  payouts: PayoutRegistry;
  log: WithdrawalLog;
}

const TABLE = 'referral_withdrawals';
const n = (v: unknown) => Number(v ?? 0);
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;
/** The Asia/Shanghai day of a time (days since the epoch). */
export const shanghaiDay = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET_MS) / DAY_MS);

/** WeChat and Alipay transfer at least ¥0.10. */
export const CHANNEL_MIN_PAYOUT = 10;
/** From ¥2,000 WeChat needs the payee's real name, which the shop does not hold. */
export const WECHAT_NAME_REQUIRED_FROM = 200_000;
/** What the payee sees with the transfer. */
export const TRANSFER_REMARK = '推广佣金提现';

/** The withdrawal's number at the channel (out_bill_no / out_biz_no: letters and digits only). */
export const transferNoOf = (withdrawalId: string) => `WD${withdrawalId.slice(withdrawalId.indexOf('_') + 1)}`;
/** The withdrawal a channel number names, or null. */
export const withdrawalIdOfTransferNo = (no: string) => (/^WD[0-9A-Z]{26}$/.test(no) ? `wd_${no.slice(2)}` : null);

const channelOf = (destination: string): PayoutChannel | null => (destination === 'wechat' ? 'wechatpay' : destination === 'alipay' ? 'alipay' : null);

export const platformAccounts = {
  payouts: { kind: 'commission_payouts', ownerId: PLATFORM } as AccountRef,
  fees: { kind: 'withdrawal_fees', ownerId: PLATFORM } as AccountRef,
};
const payoutClearing = (channel: PayoutChannel): AccountRef => ({ kind: 'payout_clearing', ownerId: channel });

/** Where a settled withdrawal's money goes. */
function destinationAccount(w: Pick<WithdrawalRow, 'destination' | 'promoter_id'>): AccountRef {
  const channel = channelOf(w.destination);
  return channel ? payoutClearing(channel) : userBalanceAccount(w.promoter_id);
}

/** Every account a withdrawal's steps may post to (locked at once when a transaction posts twice). */
function accountsOf(w: Pick<WithdrawalRow, 'destination' | 'promoter_id'>): AccountRef[] {
  const a = promoterAccounts(w.promoter_id);
  return [a.available, a.in_transit, a.withdrawn, a.clawback, platformAccounts.payouts, platformAccounts.fees, destinationAccount(w)];
}

async function postStep(trx: Db, journal: Parameters<typeof post>[1]): Promise<void> {
  if ((await post(trx, journal)) === 'duplicate') throw new Error(`journal ${journal.ref} was posted before, but its withdrawal had not moved`);
}

async function lockWithdrawal(trx: Db, id: string): Promise<WithdrawalRow | undefined> {
  let q = trx.selectFrom(TABLE).selectAll().where('id', '=', id);
  if (dialectOfDb(trx) === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

async function move(trx: Db, w: WithdrawalRow, event: (typeof withdrawalMachine.events)[number], set: Record<string, string | number | null>): Promise<WithdrawalRow> {
  const to = await apply(trx, withdrawalMachine, TABLE, w.id, event, set);
  return { ...w, ...set, status: to } as WithdrawalRow;
}

/** Settles a withdrawal (approved for the balance, or transferring): journal withdrawal-paid:<id>. */
async function settle(trx: Db, w: WithdrawalRow, set: Record<string, string | number | null>, now: number): Promise<WithdrawalRow> {
  const moved = await move(trx, w, 'succeed', { ...set, settled_at: now, next_check_at: null, updated_at: now });
  const a = promoterAccounts(w.promoter_id);
  const postings: Posting[] = [
    { account: a.in_transit, amount: -n(w.amount) },
    { account: a.withdrawn, amount: n(w.amount) },
    { account: platformAccounts.payouts, amount: -n(w.amount) },
    { account: destinationAccount(w), amount: n(w.payout) },
    { account: platformAccounts.fees, amount: n(w.fee) },
  ];
  await postStep(trx, { ref: `withdrawal-paid:${w.id}`, kind: 'withdrawal-paid', memo: `withdrawal ${w.id} paid to ${w.destination}`, postings, now });
  return moved;
}

/**
 * Gives a withdrawal's money back (rejected, or the transfer failed): journal
 * withdrawal-return:<id>; what the promoter owes is paid down first.
 */
async function giveBack(trx: Db, w: WithdrawalRow, event: 'reject' | 'fail', set: Record<string, string | number | null>, now: number): Promise<WithdrawalRow> {
  const moved = await move(trx, w, event, { ...set, settled_at: now, next_check_at: null, updated_at: now });
  const a = promoterAccounts(w.promoter_id);
  // The commission rows first, then the accounts (the lock order), then what he owes under that lock.
  const owed = async () => {
    await lockAccounts(trx, [a.available, a.in_transit, a.clawback], now);
    const [clawback] = await balancesOf(trx, [a.clawback]);
    return -clawback;
  };
  const netted = await giveBackCommissions(trx, { withdrawalId: w.id, owed }, now);
  await postStep(trx, {
    ref: `withdrawal-return:${w.id}`,
    kind: 'withdrawal-return',
    memo: `withdrawal ${w.id} ${event === 'reject' ? 'rejected' : 'failed'}: its money is available again`,
    postings: [
      { account: a.in_transit, amount: -n(w.amount) },
      { account: a.available, amount: n(w.amount) - netted },
      { account: a.clawback, amount: netted },
    ],
    now,
  });
  return moved;
}

// ---------------------------------------------------------------------------------------------
// The request

export interface WithdrawalRequest {
  promoterId: string;
  amount: number;
  destination: WithdrawalDestination;
}

/** The withdrawal rules as they apply to a promoter now (GET /api/referral/earnings): what is left of today's limit. */
export async function withdrawRulesOf(db: Db, config: ReferralConfig['withdraw'], promoterId: string, now: number): Promise<WithdrawRules> {
  let remainingToday: number | null = null;
  if (config.dailyLimit > 0) {
    remainingToday = Math.max(0, config.dailyLimit - (await askedOn(db, promoterId, shanghaiDay(now))));
  }
  return {
    minimum: config.min,
    feeFen: config.feeFen,
    feeBp: config.feeBp,
    dailyLimit: config.dailyLimit > 0 ? config.dailyLimit : null,
    remainingToday,
    autoApproveMax: config.autoApproveMax,
    channelMinPayout: CHANNEL_MIN_PAYOUT,
    wechatPayoutBelow: WECHAT_NAME_REQUIRED_FROM,
  };
}

/** What a promoter asked for on an Asia/Shanghai day, rejected and failed withdrawals not counted (the daily limit). */
async function askedOn(db: Db, promoterId: string, day: number): Promise<number> {
  const today = await db
    .selectFrom(TABLE)
    .select(sql<number>`coalesce(sum(amount), 0)`.as('total'))
    .where('promoter_id', '=', promoterId)
    .where('day', '=', day)
    .where('status', 'not in', ['rejected', 'failed'])
    .executeTakeFirstOrThrow();
  return n(today.total);
}

/** The payee of a channel destination: the account's id on that platform, from its mini-program login. */
async function payeeOf(deps: WithdrawalDeps, promoterId: string, destination: WithdrawalDestination): Promise<string | null> {
  const channel = channelOf(destination);
  if (!channel) return null;
  if (!deps.payouts.get(channel)) throw new AppError('WITHDRAWAL_DESTINATION_UNAVAILABLE', `Withdrawals to ${destination} are not configured here`, { destination });
  const payer = await payerOf(deps.db, promoterId);
  const platform = destination === 'wechat' ? 'weapp' : 'alipay';
  if (!payer || payer.platform !== platform || !payer.openid) {
    throw new AppError('WITHDRAWAL_DESTINATION_UNAVAILABLE', `A withdrawal to ${destination} needs an account signed in with the ${destination === 'wechat' ? 'WeChat' : 'Alipay'} mini-program`, { destination });
  }
  return payer.openid;
}

/** Checks that need no lock: the minimum, the fee, what the channel can pay. Answers the fee. */
function checkAmount(config: ReferralConfig['withdraw'], amount: number, destination: WithdrawalDestination): number {
  const fee = withdrawalFee(config, amount);
  const payout = amount - fee;
  const channel = channelOf(destination);
  const least = Math.max(config.min, channel ? CHANNEL_MIN_PAYOUT + fee : 1 + fee);
  if (amount < config.min || payout < (channel ? CHANNEL_MIN_PAYOUT : 1)) {
    throw new AppError('WITHDRAWAL_BELOW_MINIMUM', `A withdrawal is at least ${least} fen`, { minimum: least });
  }
  if (destination === 'wechat' && payout >= WECHAT_NAME_REQUIRED_FROM) {
    throw new AppError('WITHDRAWAL_CHANNEL_LIMIT', 'WeChat needs the payee\'s real name from ¥2,000 on; withdraw less at a time or to the balance', { maximum: WECHAT_NAME_REQUIRED_FROM - 1 + fee });
  }
  return fee;
}

/**
 * The request's transaction (the first step of its flow): checks what needs the promoter's
 * money (what he owes, the daily limit, what is available), takes the amount into transit,
 * writes the withdrawal; approves it at once up to the auto-approval threshold; a withdrawal to
 * the balance that is approved is paid in the same transaction.
 */
export async function createWithdrawal(trx: Db, config: ReferralConfig['withdraw'], input: WithdrawalRequest & { payee: string | null; fee: number }, now: number): Promise<WithdrawalRow> {
  const { promoterId, amount } = input;
  // Two requests of one promoter one after the other (the daily limit, what is available).
  if (dialectOfDb(trx) === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`referral-withdraw:${promoterId}`}))`.execute(trx);
  const id = newId('wd', now);
  const row: WithdrawalRow = {
    id,
    promoter_id: promoterId,
    amount,
    fee: input.fee,
    payout: amount - input.fee,
    destination: input.destination,
    payee: input.payee,
    status: withdrawalMachine.initial,
    review: amount <= config.autoApproveMax ? 'auto' : 'manual',
    reason: null,
    decided_by: null,
    decided_at: null,
    channel_bill_no: null,
    channel_state: null,
    package_info: null,
    fail_reason: null,
    day: shanghaiDay(now),
    created_at: now,
    settled_at: null,
    next_check_at: null,
    updated_at: now,
  };
  const a = promoterAccounts(promoterId);
  const [clawback] = await balancesOf(trx, [a.clawback]);
  if (clawback < 0) throw new AppError('WITHDRAWAL_CLAWBACK_OWED', `The promoter owes ${-clawback} fen for commissions reversed after they were withdrawn`, { owed: -clawback });
  let taken;
  try {
    taken = await takeCommissions(trx, { promoterId, amount, withdrawalId: id }, now);
  } catch (err) {
    if (err instanceof NotEnoughAvailable) throw new AppError('WITHDRAWAL_EXCEEDS_AVAILABLE', `Only ${err.available} fen are available`, { available: err.available });
    throw err;
  }
  if (config.dailyLimit > 0) {
    const remaining = Math.max(0, config.dailyLimit - (await askedOn(trx, promoterId, row.day)));
    if (amount > remaining) throw new AppError('WITHDRAWAL_DAILY_LIMIT', `At most ${config.dailyLimit} fen a day; ${remaining} fen left today`, { remaining });
  }
  if (taken.length === 0) throw new Error(`withdrawal ${id}: nothing taken`);
  await lockAccounts(trx, accountsOf(row), now);
  await trx.insertInto(TABLE).values(row).execute();
  await postStep(trx, { ref: `withdrawal-hold:${id}`, kind: 'withdrawal-hold', memo: `withdrawal ${id} requested`, postings: [{ account: a.available, amount: -amount }, { account: a.in_transit, amount }], now });
  if (row.review !== 'auto') return row;
  const approved = await move(trx, row, 'approve', { decided_at: now, updated_at: now });
  return approved.destination === 'balance' ? settle(trx, approved, {}, now) : approved;
}

// ---------------------------------------------------------------------------------------------
// The transfer flows

/** What a withdrawal's flow carries from step to step (never a secret). */
export interface WithdrawalFlowState {
  /** The request (only the first step of the request flow reads it). */
  request?: WithdrawalRequest & { payee: string | null; fee: number };
  /** The approval (the first step of the approval flow). */
  approval?: { withdrawalId: string; merchantId: string; userId: string };
  withdrawalId?: string;
  /** The channel's answer to the transfer. */
  answer?: TransferState;
}

export const WITHDRAWAL_FLOWS = { request: 'referral.withdrawal.request', approve: 'referral.withdrawal.approve' } as const;

/** A step that failed for good: the channel refused the transfer (no retry with the same number can help). */
const failsForGood = (err: unknown) => err instanceof ChannelError && err.permanent;

/** Undoes the first step (its withdrawal is transferring): the transfer failed for good, the money goes back. */
async function compensateFirst(trx: Db, state: WithdrawalFlowState, now: number): Promise<void> {
  if (!state.withdrawalId) return;
  const w = await lockWithdrawal(trx, state.withdrawalId);
  if (w?.status === 'transferring') await giveBack(trx, w, 'fail', { fail_reason: state.answer?.failReason ?? 'refused by the channel' }, now);
}

/** Moves an approved withdrawal to a channel into transferring (inside the step's transaction). */
async function startTransfer(trx: Db, w: WithdrawalRow, now: number): Promise<WithdrawalRow> {
  return move(trx, w, 'transfer', { updated_at: now });
}

function transferSteps(deps: WithdrawalDeps): Step<WithdrawalFlowState>[] {
  return [
    {
      name: 'transfer',
      kind: 'remote',
      // Idempotent by the withdrawal's number: the channel answers the same transfer again.
      inDoubt: 'retry',
      run: async (state) => {
        if (!state.withdrawalId) throw new Error('withdrawal flow without its withdrawal');
        const w = await deps.db.selectFrom(TABLE).selectAll().where('id', '=', state.withdrawalId).executeTakeFirstOrThrow();
        // A notification may have ended it already: nothing to send.
        if (w.status !== 'transferring') return { end: true };
        const channel = channelOf(w.destination);
        const adapter = channel ? deps.payouts.get(channel) : null;
        if (!adapter || !w.payee) throw new Error(`withdrawal ${w.id}: no payout channel for ${w.destination}`);
        const answer = await adapter.transfer({ transferNo: transferNoOf(w.id), amount: n(w.payout), payee: w.payee, remark: TRANSFER_REMARK });
        return { set: { answer } };
      },
    },
    {
      name: 'record',
      kind: 'local',
      run: async (trx, state, now) => {
        if (!state.withdrawalId || !state.answer) throw new Error('withdrawal flow without the channel\'s answer');
        await applyTransferState(trx, state.withdrawalId, state.answer, now);
      },
    },
  ];
}

interface WithdrawalFlows {
  request: Flow<WithdrawalFlowState>;
  approve: Flow<WithdrawalFlowState>;
}
const flowsOf = new WeakMap<WithdrawalDeps, WithdrawalFlows>();

/**
 * The withdrawal flows for these deps (the resume job runs them too):
 * - request: hold (local: createWithdrawal; a withdrawal to the balance, or one waiting for
 *   review, ends here; one to a channel approved at once moves to transferring), transfer, record;
 * - approve: approve (local: the operating merchant's decision, audit-logged; to the balance it
 *   is paid here and ends), transfer, record.
 * The first step's compensation gives the money back (the transfer was refused for good).
 */
export function withdrawalFlows(deps: WithdrawalDeps): WithdrawalFlows {
  let flows = flowsOf.get(deps);
  if (flows) return flows;
  flows = {
    request: defineFlow<WithdrawalFlowState>({
      name: WITHDRAWAL_FLOWS.request,
      fails: failsForGood,
      steps: [
        {
          name: 'hold',
          kind: 'local',
          run: async (trx, state, now) => {
            if (!state.request) throw new Error('withdrawal flow without its request');
            let w = await createWithdrawal(trx, deps.config.withdraw, state.request, now);
            if (w.status === 'approved') w = await startTransfer(trx, w, now);
            return { set: { request: undefined, withdrawalId: w.id }, end: w.status !== 'transferring' };
          },
          compensate: compensateFirst,
        },
        ...transferSteps(deps),
      ],
    }),
    approve: defineFlow<WithdrawalFlowState>({
      name: WITHDRAWAL_FLOWS.approve,
      fails: failsForGood,
      steps: [
        {
          name: 'approve',
          kind: 'local',
          run: async (trx, state, now) => {
            if (!state.approval) throw new Error('approval flow without its decision');
            const { withdrawalId, merchantId, userId } = state.approval;
            const w = await lockWithdrawal(trx, withdrawalId);
            if (!w) throw new AppError('NOT_FOUND', 'No such withdrawal');
            let moved = await move(trx, w, 'approve', { decided_by: userId, decided_at: now, updated_at: now });
            await recordAudit(trx, { merchantId, actorId: userId, action: 'referral.withdrawal_approved', target: `referral_withdrawal:${w.id}`, detail: { promoter: w.promoter_id, amount: n(w.amount), destination: w.destination } }, now);
            moved = moved.destination === 'balance' ? await settle(trx, moved, {}, now) : await startTransfer(trx, moved, now);
            return { set: { approval: undefined, withdrawalId: w.id }, end: moved.status !== 'transferring' };
          },
          compensate: compensateFirst,
        },
        ...transferSteps(deps),
      ],
    }),
  };
  flowsOf.set(deps, flows);
  return flows;
}

/** Runs a withdrawal flow; a stop in doubt leaves the withdrawal transferring for the resume job, a refusal answers it failed. */
async function runWithdrawalFlow(deps: WithdrawalDeps, flow: Flow<WithdrawalFlowState>, state: WithdrawalFlowState, now: number): Promise<string> {
  try {
    const out = await runFlow(deps.db, flow, state, now);
    if (!out.withdrawalId) throw new Error('withdrawal flow ended without its withdrawal');
    return out.withdrawalId;
  } catch (err) {
    if (err instanceof FlowCompensated) {
      const id = (err.state as WithdrawalFlowState).withdrawalId;
      deps.log.warn({ withdrawalId: id, err: (err.cause as Error).message }, 'the channel refused the transfer for good; the withdrawal failed and its money is available again');
      if (id) return id;
    }
    if (err instanceof FlowInDoubt) {
      const id = (err.state as WithdrawalFlowState).withdrawalId;
      deps.log.error({ withdrawalId: id, err: err.cause }, 'the transfer did not finish; the operation resumes later');
      if (id) return id;
    }
    throw err;
  }
}

/** A promoter asks for a withdrawal (POST /api/referral/withdrawals). */
export async function requestWithdrawal(deps: WithdrawalDeps, input: WithdrawalRequest, now = Date.now()): Promise<WithdrawalRow> {
  const fee = checkAmount(deps.config.withdraw, input.amount, input.destination);
  const payee = await payeeOf(deps, input.promoterId, input.destination);
  const id = await runWithdrawalFlow(deps, withdrawalFlows(deps).request, { request: { ...input, payee, fee } }, now);
  return deps.db.selectFrom(TABLE).selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The operating merchant approves a withdrawal waiting for review (audit-logged); a decided one answers 409 ILLEGAL_TRANSITION. */
export async function approveWithdrawal(deps: WithdrawalDeps, staff: { merchantId: string; userId: string }, withdrawalId: string, now = Date.now()): Promise<WithdrawalRow> {
  const id = await runWithdrawalFlow(deps, withdrawalFlows(deps).approve, { approval: { withdrawalId, ...staff } }, now);
  return deps.db.selectFrom(TABLE).selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The operating merchant rejects a withdrawal with a reason: its money is available again (audit-logged). */
export async function rejectWithdrawal(deps: WithdrawalDeps, staff: { merchantId: string; userId: string }, withdrawalId: string, reason: string, now = Date.now()): Promise<WithdrawalRow> {
  return transact(deps.db, async (trx) => {
    const w = await lockWithdrawal(trx, withdrawalId);
    if (!w) throw new AppError('NOT_FOUND', 'No such withdrawal');
    if (w.status !== 'requested') throw new AppError('ILLEGAL_TRANSITION', `The withdrawal is ${w.status} already`);
    const moved = await giveBack(trx, w, 'reject', { reason, decided_by: staff.userId, decided_at: now }, now);
    await recordAudit(trx, { merchantId: staff.merchantId, actorId: staff.userId, action: 'referral.withdrawal_rejected', target: `referral_withdrawal:${w.id}`, detail: { promoter: w.promoter_id, amount: n(w.amount), destination: w.destination, reason } }, now);
    return moved;
  });
}

// ---------------------------------------------------------------------------------------------
// The channel's word: the transfer's answer, notifications, the check job

/** When the check job next asks the channel about a transfer still open, by its age. */
export function nextCheckDelay(createdAt: number, now: number): number {
  const age = now - createdAt;
  if (age < 10 * 60_000) return 60_000;
  if (age < 3_600_000) return 5 * 60_000;
  return 30 * 60_000;
}

/**
 * Applies what the channel says about a transfer, inside the caller's transaction: succeeded
 * pays it, failed gives the money back, anything else is recorded (with WeChat's package_info
 * while the payee has to confirm) and checked again later. Only a transferring withdrawal moves:
 * a repeated or late word changes nothing. Answers the withdrawal's status after it.
 */
export async function applyTransferState(trx: Db, withdrawalId: string, state: TransferState, now: number): Promise<WithdrawalStatus | null> {
  const w = await lockWithdrawal(trx, withdrawalId);
  if (!w) return null;
  if (w.status !== 'transferring') return w.status as WithdrawalStatus;
  const seen = { channel_bill_no: state.billNo ?? w.channel_bill_no, channel_state: state.channelState, updated_at: now };
  if (state.status === 'succeeded') {
    return (await settle(trx, w, { ...seen, package_info: null }, now)).status as WithdrawalStatus;
  }
  if (state.status === 'failed') {
    return (await giveBack(trx, w, 'fail', { ...seen, package_info: null, fail_reason: state.failReason ?? state.channelState }, now)).status as WithdrawalStatus;
  }
  await trx
    .updateTable(TABLE)
    .set({ ...seen, package_info: state.packageInfo ?? w.package_info, next_check_at: now + nextCheckDelay(n(w.created_at), now) })
    .where('id', '=', w.id)
    .where('status', '=', 'transferring')
    .execute();
  return 'transferring';
}

/** A verified transfer notification, checked against our record, then applied. */
export async function applyTransferNotification(
  deps: WithdrawalDeps,
  channel: PayoutChannel,
  notification: { transferNo: string; amount: number; merchantNo: string; state: TransferState },
  now = Date.now(),
): Promise<WithdrawalStatus> {
  const id = withdrawalIdOfTransferNo(notification.transferNo);
  const w = id ? await deps.db.selectFrom(TABLE).selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!w || channelOf(w.destination) !== channel) throw new AppError('NOTIFY_REJECTED', `no withdrawal ${notification.transferNo} to ${channel}`);
  const adapter = deps.payouts.get(channel);
  if (adapter && notification.merchantNo !== adapter.merchantNo) throw new AppError('NOTIFY_REJECTED', `the notification names merchant ${notification.merchantNo}, not ours`);
  if (notification.amount !== n(w.payout)) throw new AppError('NOTIFY_REJECTED', `the notification says ${notification.amount} fen, the withdrawal pays ${n(w.payout)}`);
  const status = await transact(deps.db, (trx) => applyTransferState(trx, w.id, notification.state, now));
  return status ?? (w.status as WithdrawalStatus);
}

/** Transfers the channel has not ended yet and that are due for a look (after their flow recorded the channel's answer). */
async function dueTransfers(db: Db, now: number, limit: number): Promise<WithdrawalRow[]> {
  return db.selectFrom(TABLE).selectAll().where('status', '=', 'transferring').where('channel_state', 'is not', null).where('next_check_at', '<=', now).orderBy('next_check_at').limit(limit).execute();
}

/**
 * The check job: asks the channel about each transfer still open whose notification has not come
 * (WeChat's payee may take a day to confirm; a notification may be lost) and applies the answer.
 * Claims each by moving its next check out (guarded: on several nodes one wins). Answers how many
 * it ended.
 */
export async function checkTransfers(deps: WithdrawalDeps, now = Date.now(), batchSize = 50): Promise<number> {
  let ended = 0;
  for (const w of await dueTransfers(deps.db, now, batchSize)) {
    const claimed = await deps.db
      .updateTable(TABLE)
      .set({ next_check_at: now + nextCheckDelay(n(w.created_at), now) })
      .where('id', '=', w.id)
      .where('status', '=', 'transferring')
      .where('next_check_at', '=', n(w.next_check_at))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    const channel = channelOf(w.destination);
    const adapter = channel ? deps.payouts.get(channel) : null;
    if (!adapter) {
      deps.log.error({ withdrawalId: w.id, destination: w.destination }, 'withdrawal waits: its payout channel is not configured');
      continue;
    }
    try {
      const state = await adapter.queryTransfer(transferNoOf(w.id));
      if (!state) {
        // It answered the transfer before (its state is recorded): a channel that forgot it is for a person to look at.
        deps.log.error({ withdrawalId: w.id, channel }, 'the channel knows no transfer for this withdrawal; checked again later');
        continue;
      }
      const status = await transact(deps.db, (trx) => applyTransferState(trx, w.id, state, now));
      if (status === 'succeeded' || status === 'failed') ended += 1;
    } catch (err) {
      deps.log.warn({ withdrawalId: w.id, err: (err as Error).message }, 'transfer query failed; checked again later');
    }
  }
  return ended;
}
