import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { CommissionItem, CommissionPage, CommissionReport, CommissionState, ReferralBalances } from '@contract/referral-commission';
import type { Database } from '../../db/types';
import { cursorCodec, cursorId, cursorKey } from '../../infra/cursor';
import { balancesOf } from '../wallet';
import { promoterAccounts } from './commissions';

type Db = Kysely<Database>;

/** A promoter's money by state, from his ledger accounts; owed: minus his clawback receivable. */
export async function earningsOf(db: Db, promoterId: string): Promise<ReferralBalances> {
  const a = promoterAccounts(promoterId);
  const [pending, frozen, available, withdrawing, withdrawn, clawback] = await balancesOf(db, [a.pending, a.frozen, a.available, a.in_transit, a.withdrawn, a.clawback]);
  return { pending, frozen, available, withdrawing, withdrawn, owed: Math.max(0, -clawback) };
}

const LISTED: readonly CommissionState[] = ['pending', 'frozen', 'available', 'withdrawn', 'reversed'];
/** [created_at, id] of the last item on the page. */
const commissionCursor = cursorCodec(z.tuple([cursorKey, cursorId]));

/** A promoter's commissions (earned ones with an amount), newest order first. */
export async function listCommissions(db: Db, promoterId: string, query: { state?: CommissionState; cursor?: string; limit: number }): Promise<CommissionPage> {
  let q = db
    .selectFrom('referral_commissions')
    .selectAll()
    .where('promoter_id', '=', promoterId)
    .where('status', 'in', query.state ? [query.state] : [...LISTED])
    .where('amount', '>', 0);
  if (query.cursor) {
    const [at, id] = commissionCursor.decode(query.cursor);
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const items: CommissionItem[] = page.map((r) => ({
    id: r.id,
    orderId: r.order_id,
    orderNo: r.order_no,
    productTitle: r.title,
    quantity: Number(r.quantity),
    level: Number(r.level),
    amount: Number(r.amount),
    reversedAmount: Number(r.reversed_amount),
    state: r.status as CommissionState,
    placedAt: Number(r.created_at),
    availableAt: r.available_at === null ? null : Number(r.available_at),
  }));
  return { items, nextCursor: rows.length > query.limit && last ? commissionCursor.encode([Number(last.created_at), last.id]) : null };
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;
const dayOf = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

/**
 * A merchant's commissions earned (by the time its orders were paid) and reversed (by the time
 * of the refund), in [from, to), per Asia/Shanghai day or in total.
 */
export async function commissionReport(db: Db, merchantId: string, query: { from?: number; to?: number; groupBy: 'day' | 'total' }): Promise<CommissionReport> {
  const from = query.from ?? 0;
  const to = query.to ?? Number.MAX_SAFE_INTEGER;
  const paidDay = sql<number>`(paid_at + ${sql.lit(SHANGHAI_OFFSET_MS)}) / ${sql.lit(DAY_MS)}`;
  const paid = await db
    .selectFrom('referral_commissions')
    .select([paidDay.as('day'), sql<number>`coalesce(sum(amount), 0)`.as('paid'), sql<number>`count(*)`.as('commissions')])
    .where('merchant_id', '=', merchantId)
    .where('paid_at', '>=', from)
    .where('paid_at', '<', to)
    .where('amount', '>', 0)
    .groupBy(paidDay)
    .execute();
  const reversedDay = sql<number>`(at + ${sql.lit(SHANGHAI_OFFSET_MS)}) / ${sql.lit(DAY_MS)}`;
  const reversed = await db
    .selectFrom('referral_commission_reversals')
    .select([reversedDay.as('day'), sql<number>`coalesce(sum(amount), 0)`.as('reversed')])
    .where('merchant_id', '=', merchantId)
    .where('at', '>=', from)
    .where('at', '<', to)
    .groupBy(reversedDay)
    .execute();
  const days = new Map<number, { paid: number; reversed: number; commissions: number }>();
  const at = (d: number) => days.get(d) ?? days.set(d, { paid: 0, reversed: 0, commissions: 0 }).get(d)!;
  for (const r of paid) Object.assign(at(Math.floor(Number(r.day))), { paid: Number(r.paid), commissions: Number(r.commissions) });
  for (const r of reversed) at(Math.floor(Number(r.day))).reversed += Number(r.reversed);
  const total = { paid: 0, reversed: 0, commissions: 0 };
  for (const d of days.values()) {
    total.paid += d.paid;
    total.reversed += d.reversed;
    total.commissions += d.commissions;
  }
  return {
    merchantId,
    total,
    days: query.groupBy === 'day' ? [...days.entries()].sort(([a], [b]) => a - b).map(([d, v]) => ({ day: dayOf(d), ...v })) : [],
  };
}
