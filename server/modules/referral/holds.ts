import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { holdReason, RISK_RANK_MAX, type HoldReason, type ReferralHold, type ReferralHoldPage, type ReferralHoldState, type ReferralHoldTab } from '@contract/referral-holds';
import { dialectOfDb } from '../../db';
import type { Database } from '../../db/types';
import { transact } from '../../db/transaction';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { AppError } from '../../infra/errors';
import { accountNames, maskNickname, payerOf } from '../identity';
import { recordAudit } from '../merchant';
import { payersOfOrder } from '../payment';
import { lockOrderCommissions, reverseHeld } from './commissions';
import type { FraudSettings, HoldState, RiskState } from './fraud';
import { maskPhone } from './promoters';
import type { ReferralHoldTable } from './tables';

type Db = Kysely<Database>;
type HoldRow = Selectable<ReferralHoldTable>;

/**
 * Holds (docs/referral.md, "Fraud controls"; decision 0031): the queue of held commissions in
 * the workbench, the merchant's decision on them, and WeChat's risk check of the buyers whose
 * commissions wait for it. Lock order, as every commission change: the order's commission rows
 * (lockOrderCommissions, id order), then its hold rows, then ledger accounts; the audit log last.
 */

// ---------------------------------------------------------------------------------------------
// The risk check

/** WeChat's getUserRiskRank as the module sees it (server/riskcheck; compose.ts gives it). */
export interface RiskCheck {
  /** The buyer's risk rank, 0 (none) to 4, in the scene of marketing fraud; throws when it cannot answer. */
  rank(input: { openid: string; clientIp: string }): Promise<number>;
}

export interface RiskLog {
  warn(obj: object, msg: string): void;
}

/** Attempts before the check gives up and the hold waits for a person (reason risk_unavailable). */
export const RISK_MAX_ATTEMPTS = 6;
/** The wait after the n-th failure: 1, 2, 4, 8, 16 minutes (about half an hour from the first to the last). */
export const riskBackoffMs = (failures: number) => 60_000 * 2 ** Math.max(0, failures - 1);

type RiskOutcome = { rank: number } | { error: string; permanent: boolean };

const reasonsOf = (row: { reasons: string }): HoldReason[] => z.array(holdReason).parse(JSON.parse(row.reasons));

/** The holds of an order waiting for the check, locked (after the order's commission rows). */
async function pendingRiskHolds(trx: Db, orderId: string): Promise<HoldRow[]> {
  let q = trx.selectFrom('referral_holds').selectAll().where('order_id', '=', orderId).where('risk_state', '=', 'pending').orderBy('id');
  if (dialectOfDb(trx) === 'postgres') q = q.forUpdate();
  return q.execute();
}

/**
 * What the check said, applied to the order's holds still waiting for it (guarded by
 * risk_state, so a second node's answer for the same holds changes nothing): a rank at or above
 * the threshold adds the reason risk_rank (a checking hold opens); below it a checking hold is
 * cleared and its commissions are no longer held. A failure is tried again after a pause; the
 * last one, or one no retry can fix (no address to send), adds risk_unavailable and opens the
 * hold. A hold decided meanwhile keeps its decision; only the reason is recorded.
 */
export async function applyRiskOutcome(db: Db, orderId: string, outcome: RiskOutcome, minRank: number, now: number): Promise<number> {
  return transact(db, async (trx) => {
    await lockOrderCommissions(trx, orderId);
    const holds = await pendingRiskHolds(trx, orderId);
    for (const h of holds) {
      const reasons = reasonsOf(h);
      const state = h.state as HoldState;
      let next: { state: HoldState; riskState: RiskState; reasons: HoldReason[]; rank: number | null; attempts: number; nextAt: number | null; error: string | null };
      if ('rank' in outcome) {
        const hit = outcome.rank >= minRank;
        next = {
          state: state === 'checking' ? (hit ? 'open' : 'cleared') : state,
          riskState: 'done',
          reasons: hit ? [...reasons, { code: 'risk_rank', rank: outcome.rank }] : reasons,
          rank: outcome.rank,
          attempts: Number(h.risk_attempts) + 1,
          nextAt: null,
          error: null,
        };
      } else {
        const attempts = Number(h.risk_attempts) + 1;
        const giveUp = outcome.permanent || attempts >= RISK_MAX_ATTEMPTS;
        next = giveUp
          ? { state: state === 'checking' ? 'open' : state, riskState: 'failed', reasons: [...reasons, { code: 'risk_unavailable' }], rank: null, attempts, nextAt: null, error: outcome.error.slice(0, 500) }
          : { state, riskState: 'pending', reasons, rank: null, attempts, nextAt: now + riskBackoffMs(attempts), error: outcome.error.slice(0, 500) };
      }
      const updated = await trx
        .updateTable('referral_holds')
        .set({ state: next.state, risk_state: next.riskState, reasons: JSON.stringify(next.reasons), risk_rank: next.rank, risk_attempts: next.attempts, risk_next_at: next.nextAt, risk_error: next.error, updated_at: now })
        .where('id', '=', h.id)
        .where('risk_state', '=', 'pending')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) continue;
      if (next.state === 'cleared') await trx.updateTable('referral_commissions').set({ held: 0, updated_at: now }).where('hold_id', '=', h.id).where('held', '=', 1).execute();
    }
    return holds.length;
  });
}

/**
 * The risk-check job: orders whose holds wait for WeChat's rank (due now), a batch at a time;
 * for each, WeChat is asked outside any transaction (the buyer's openid, the address the order
 * was paid from), then the answer is applied in a transaction of its own. With the check off
 * (no `check`, or no threshold) what still waits is opened for a person (risk_unavailable). Several nodes may run
 * it at once: both may ask, one applies. A failure never touches the payment or the order: the
 * commissions simply stay held (decision 0031). Answers how many orders were checked.
 */
export async function checkDueRisks(db: Db, check: RiskCheck | null, settings: FraudSettings, log: RiskLog, now = Date.now(), batchSize = 20): Promise<number> {
  const minRank = check ? settings.riskMinRank : null;
  const due = await db
    .selectFrom('referral_holds')
    .select(['order_id', 'buyer_id'])
    .where('risk_state', '=', 'pending')
    .where('risk_next_at', '<=', now)
    .orderBy('risk_next_at')
    .limit(batchSize * 3)
    .execute();
  const orders = new Map<string, string>();
  for (const d of due) if (orders.size < batchSize && !orders.has(d.order_id)) orders.set(d.order_id, d.buyer_id);
  for (const [orderId, buyerId] of orders) {
    const buyer = await payerOf(db, buyerId);
    const { clientIp } = await payersOfOrder(db, orderId);
    let outcome: RiskOutcome;
    // Checks left waiting when the check was turned off (REFERRAL_RISK_RANK=off, no WeChat credentials): a person decides.
    if (!check || minRank === null) outcome = { error: 'the risk check is off', permanent: true };
    else if (!buyer || buyer.platform !== 'weapp' || !buyer.openid) outcome = { error: 'the buyer has no WeChat mini-program openid', permanent: true };
    else if (!clientIp) outcome = { error: 'no address the order was paid from (client_ip)', permanent: true };
    else {
      try {
        outcome = { rank: await check.rank({ openid: buyer.openid, clientIp }) };
      } catch (err) {
        outcome = { error: err instanceof Error ? err.message : String(err), permanent: false };
      }
    }
    if ('error' in outcome) log.warn({ orderId, error: outcome.error, permanent: outcome.permanent }, 'referral risk check failed');
    await applyRiskOutcome(db, orderId, outcome, minRank ?? RISK_RANK_MAX + 1, now);
  }
  return orders.size;
}

// ---------------------------------------------------------------------------------------------
// The queue

const DECIDED: readonly HoldState[] = ['released', 'rejected'];
/** [created_at, id] of the last hold on the page. */
const holdCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

async function holdViews(db: Db, rows: readonly HoldRow[]): Promise<ReferralHold[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const commissions = await db
    .selectFrom('referral_commissions')
    .select(['hold_id', 'title', 'line_no', 'amount', 'reversed_amount'])
    .where('hold_id', 'in', ids)
    .orderBy('line_no')
    .execute();
  const names = await accountNames(db, rows.flatMap((r) => [r.promoter_id, r.buyer_id]));
  const person = (userId: string) => {
    const n = names.get(userId);
    return { nickname: maskNickname(n?.nickname ?? ''), phone: maskPhone(n?.phone ?? null) };
  };
  return rows.map((r) => {
    const mine = commissions.filter((c) => c.hold_id === r.id);
    const earned = mine.reduce((s, c) => s + Number(c.amount), 0);
    const reversed = mine.reduce((s, c) => s + Number(c.reversed_amount), 0);
    return {
      id: r.id,
      orderId: r.order_id,
      orderNo: r.order_no,
      level: Number(r.level),
      // Only open, released and rejected holds are shown (checking and cleared ones wait for nobody).
      state: (r.state === 'released' || r.state === 'rejected' ? r.state : 'open') as ReferralHoldState,
      reasons: reasonsOf(r),
      promoter: person(r.promoter_id),
      buyer: person(r.buyer_id),
      earned,
      amount: Math.max(0, earned - reversed),
      titles: [...new Set(mine.map((c) => c.title))].slice(0, 5),
      riskRank: r.risk_rank === null ? null : Number(r.risk_rank),
      createdAt: Number(r.created_at),
      decidedAt: r.decided_at === null ? null : Number(r.decided_at),
      note: r.decision_note,
    };
  });
}

/** The merchant's held commissions, open or decided, newest first, in cursor pages (referral_holds_queue_idx). */
export async function listHolds(db: Db, merchantId: string, query: { state: ReferralHoldTab; cursor?: string; limit: number }): Promise<ReferralHoldPage> {
  let q = db
    .selectFrom('referral_holds')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('state', 'in', query.state === 'open' ? ['open'] : [...DECIDED]);
  if (query.cursor) {
    const [at, id] = holdCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return { items: await holdViews(db, page), nextCursor: rows.length > query.limit && last ? holdCursor.encode([Number(last.created_at), last.id]) : null };
}

// ---------------------------------------------------------------------------------------------
// Decisions

export type HoldDecision = { kind: 'release' } | { kind: 'reject'; reason: string | null };

/**
 * The merchant whose goods earned the commissions releases or rejects an open hold, in one
 * transaction: the order's commission rows are locked first (so a refund's reversal or the
 * unfreeze job of the same commissions runs wholly before or after), then the hold moves by a
 * guarded update (open -> released | rejected). Release: the commissions are no longer held
 * (the unfreeze job makes them available once their window passed). Reject: what is left of
 * them is reversed with ledger postings (reverseHeld). Both are recorded in the merchant's audit
 * log. The same decision again answers the hold as it is (idempotent); the other one, or a hold
 * that waits for nobody, is 409 ILLEGAL_TRANSITION; another merchant's hold is 404.
 */
export async function decideHold(db: Db, staff: { merchantId: string; userId: string }, holdId: string, decision: HoldDecision, now = Date.now()): Promise<ReferralHold> {
  return transact(db, async (trx) => {
    const first = await trx.selectFrom('referral_holds').select(['order_id']).where('id', '=', holdId).where('merchant_id', '=', staff.merchantId).executeTakeFirst();
    if (!first) throw new AppError('NOT_FOUND', 'No such held commission');
    const rows = await lockOrderCommissions(trx, first.order_id);
    let q = trx.selectFrom('referral_holds').selectAll().where('id', '=', holdId);
    if (dialectOfDb(trx) === 'postgres') q = q.forUpdate();
    const hold = await q.executeTakeFirstOrThrow();
    const target: HoldState = decision.kind === 'release' ? 'released' : 'rejected';
    if (hold.state === target) return (await holdViews(trx, [hold]))[0];
    if (hold.state !== 'open') throw new AppError('ILLEGAL_TRANSITION', hold.state === 'released' || hold.state === 'rejected' ? `The hold was ${hold.state} already` : 'The hold waits for no decision');
    const note = decision.kind === 'reject' ? decision.reason : null;
    const moved = await trx
      .updateTable('referral_holds')
      .set({ state: target, decided_at: now, decided_by: staff.userId, decision_note: note, updated_at: now })
      .where('id', '=', holdId)
      .where('state', '=', 'open')
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw new AppError('ILLEGAL_TRANSITION', 'The hold was decided meanwhile');
    let reversed = 0;
    if (decision.kind === 'release') await trx.updateTable('referral_commissions').set({ held: 0, updated_at: now }).where('hold_id', '=', holdId).where('held', '=', 1).execute();
    else reversed = await reverseHeld(trx, holdId, rows, now);
    await recordAudit(
      trx,
      {
        merchantId: staff.merchantId,
        actorId: staff.userId,
        action: decision.kind === 'release' ? 'referral.hold_released' : 'referral.hold_rejected',
        target: `referral_hold:${holdId}`,
        detail: {
          orderNo: hold.order_no,
          level: Number(hold.level),
          reasons: reasonsOf(hold).map((r) => r.code),
          ...(decision.kind === 'reject' ? { reversed, ...(note ? { reason: note } : {}) } : {}),
        },
      },
      now,
    );
    return (await holdViews(trx, [{ ...hold, state: target, decided_at: now, decided_by: staff.userId, decision_note: note, updated_at: now }]))[0];
  });
}

/** Whether a promoter has commissions a hold keeps (open or checking): a withdrawal may wait for them. */
export async function hasOpenHolds(db: Db, promoterId: string): Promise<boolean> {
  const row = await db.selectFrom('referral_holds').select('id').where('promoter_id', '=', promoterId).where('state', 'in', ['open', 'checking']).limit(1).executeTakeFirst();
  return row !== undefined;
}
