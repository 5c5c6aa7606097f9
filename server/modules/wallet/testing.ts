import type { Kysely } from 'kysely';
import { orderNumber } from '../order/number';
import type { Database } from '../../db/types';
import { fenPerPoint, DEFAULT_POINTS_RULE } from '../../../contract/tender-split';
import { accountId, lockAccounts, PLATFORM, post, type Posting } from './ledger';
import { getWallet, issueGiftCard } from './service';
import { transact } from '../../db/transaction';

/**
 * Test fixtures for the ledger check: payments, tenders, allocations and refund parts written
 * straight into the payment tables with the postings of the recipes in docs/ledger.md, so the
 * check can be shown a clean ledger and then each kind of corruption. Only tests import this.
 */
type Db = Kysely<Database>;

export type FixtureTender =
  | { kind: 'points'; amount: number }
  | { kind: 'gift_card'; amount: number; giftCardId: string }
  | { kind: 'balance'; amount: number }
  | { kind: 'channel'; amount: number };

export interface FixtureChild {
  orderId: string;
  merchantId: string;
  amount: number;
}

let counter = 0;
function next(): string {
  counter += 1;
  return `${process.pid}x${counter}`;
}

/** A parent order with one child order per merchant amount; answers the children. */
export async function makeOrders(db: Db, userId: string, byMerchant: { merchantId: string; amount: number }[], now: number): Promise<FixtureChild[]> {
  const parentId = `po_f${next()}`;
  const total = byMerchant.reduce((s, m) => s + m.amount, 0);
  await db
    .insertInto('parent_orders')
    .values({ id: parentId, user_id: userId, idempotency_key: parentId, items_amount: total, shipping_amount: 0, discount_amount: 0, payable_amount: total, created_at: now, expires_at: now + 900_000, order_no: orderNumber(now) })
    .execute();
  const children: FixtureChild[] = [];
  for (const m of byMerchant) {
    const id = `o_f${next()}`;
    await db
      .insertInto('orders')
      .values({
        id,
        parent_id: parentId,
        user_id: userId,
        merchant_id: m.merchantId,
        merchant_name: m.merchantId,
        status: 'pending_payment',
        items_amount: m.amount,
        shipping_amount: 0,
        discount_amount: 0,
        payable_amount: m.amount,
        fulfilment: 'delivery',
        ship_to: '{}',
        remark: null,
        order_no: orderNumber(now),
        created_at: now,
        updated_at: now,
        expires_at: now + 900_000,
        paid_at: null,
        shipped_at: null,
        completed_at: null,
        ended_at: null,
      })
      .execute();
    children.push({ orderId: id, merchantId: m.merchantId, amount: m.amount });
  }
  return children;
}

const unit = fenPerPoint(DEFAULT_POINTS_RULE);

function holdPostings(userId: string, tenders: readonly FixtureTender[]): Posting[] {
  const out: Posting[] = [];
  const clearing = { kind: 'payment_clearing' as const, ownerId: PLATFORM };
  for (const t of tenders) {
    if (t.kind === 'points') {
      const points = t.amount / unit;
      out.push({ account: { kind: 'user_points', ownerId: userId }, amount: -points }, { account: { kind: 'points_issuance', ownerId: PLATFORM }, amount: points });
      out.push({ account: { kind: 'points_expense', ownerId: PLATFORM }, amount: -t.amount }, { account: clearing, amount: t.amount });
    } else if (t.kind === 'gift_card') {
      out.push({ account: { kind: 'gift_card', ownerId: t.giftCardId }, amount: -t.amount }, { account: clearing, amount: t.amount });
    } else if (t.kind === 'balance') {
      out.push({ account: { kind: 'user_balance', ownerId: userId }, amount: -t.amount }, { account: clearing, amount: t.amount });
    }
  }
  return out;
}

/**
 * A payment in a given status with its tenders, allocations (each tender spread over the
 * children in order) and ledger steps: hold when it has internal tenders, then capture (paid) or
 * release (closed/failed). Answers the payment id.
 */
export async function makePayment(
  db: Db,
  input: { userId: string; children: FixtureChild[]; tenders: FixtureTender[]; channel?: string; status: 'paying' | 'closing' | 'paid' | 'closed' | 'failed'; now: number },
): Promise<string> {
  const { userId, children, tenders, now } = input;
  const channel = input.channel ?? 'sandbox';
  const id = `pay_f${next()}`;
  const amount = tenders.reduce((s, t) => s + t.amount, 0);
  const internal = tenders.filter((t) => t.kind !== 'channel').reduce((s, t) => s + t.amount, 0);
  if (amount !== children.reduce((s, c) => s + c.amount, 0)) throw new Error('fixture: tenders must cover the children');
  await transact(db, async (trx) => {
    await trx
      .insertInto('payments')
      .values({
        id,
        payment_no: id,
        user_id: userId,
        order_id: children[0].orderId,
        channel,
        amount,
        status: input.status,
        trade_no: null,
        created_at: now,
        updated_at: now,
        expires_at: now + 900_000,
        paid_at: input.status === 'paid' ? now : null,
        internal_amount: internal,
        channel_amount: amount - internal,
        scene: null,
        end_reason: null,
        client_params: null,
        request_hash: null,
        app_id: null,
        merchant_no: null,
        ended_at: null,
        next_check_at: null,
      })
      .execute();
    // Allocate tenders over children in order.
    const left = children.map((c) => c.amount);
    for (const [seq, t] of tenders.entries()) {
      await trx
        .insertInto('payment_tenders')
        .values({
          payment_id: id,
          seq,
          kind: t.kind,
          amount: t.amount,
          points: t.kind === 'points' ? t.amount / unit : 0,
          gift_card_id: t.kind === 'gift_card' ? t.giftCardId : null,
          account_id:
            t.kind === 'points' ? accountId('user_points', userId) : t.kind === 'gift_card' ? accountId('gift_card', t.giftCardId) : t.kind === 'balance' ? accountId('user_balance', userId) : null,
          refunded_amount: 0,
        })
        .execute();
      let rest = t.amount;
      for (const [i, c] of children.entries()) {
        const take = Math.min(rest, left[i]);
        if (take === 0) continue;
        await trx.insertInto('payment_allocations').values({ payment_id: id, tender_seq: seq, order_id: c.orderId, amount: take, refunded_amount: 0 }).execute();
        left[i] -= take;
        rest -= take;
      }
    }
    const hold = holdPostings(userId, tenders);
    const capture: Posting[] = [
      { account: { kind: 'payment_clearing', ownerId: PLATFORM }, amount: -internal },
      { account: { kind: 'channel_clearing', ownerId: channel }, amount: -(amount - internal) },
      ...children.map((c) => ({ account: { kind: 'merchant_payable' as const, ownerId: c.merchantId }, amount: c.amount })),
    ];
    const release = hold.map((p) => ({ account: p.account, amount: -p.amount }));
    // Two postings in one transaction: every account locked first (the ledger's lock order).
    await lockAccounts(trx, [...hold, ...capture].map((p) => p.account), now);
    if (internal > 0) await post(trx, { ref: `hold:${id}`, kind: 'hold', memo: 'hold', now, postings: hold });
    if (input.status === 'paid') {
      await post(trx, { ref: `capture:${id}`, kind: 'capture', memo: 'capture', now, postings: capture });
    } else if ((input.status === 'closed' || input.status === 'failed') && internal > 0) {
      await post(trx, { ref: `release:${id}`, kind: 'release', memo: 'release', now, postings: release });
    }
  });
  return id;
}

/**
 * A done refund of one tender of a paid payment, allocated to its first child order: the refund,
 * its part, the tender's and allocation's refunded amounts and the refund:<id>:<seq> posting.
 */
export async function makeRefund(db: Db, input: { userId: string; paymentId: string; tenderSeq: number; amount: number; merchantId: string; channel?: string; now: number }): Promise<string> {
  const { userId, paymentId, tenderSeq, amount, now } = input;
  const refundId = `rf_f${next()}`;
  await transact(db, async (trx) => {
    const tender = await trx.selectFrom('payment_tenders').selectAll().where('payment_id', '=', paymentId).where('seq', '=', tenderSeq).executeTakeFirstOrThrow();
    const alloc = await trx.selectFrom('payment_allocations').selectAll().where('payment_id', '=', paymentId).where('tender_seq', '=', tenderSeq).orderBy('order_id').executeTakeFirstOrThrow();
    await trx
      .insertInto('refunds')
      .values({ id: refundId, refund_no: refundId, user_id: userId, order_id: alloc.order_id, amount, reason: 'test', status: 'succeeded', source: 'shopper', created_at: now, updated_at: now, succeeded_at: now, next_check_at: null })
      .execute();
    const points = tender.kind === 'points' ? amount / unit : 0;
    await trx
      .insertInto('refund_parts')
      .values({ refund_id: refundId, seq: 0, payment_id: paymentId, tender_seq: tenderSeq, kind: tender.kind, amount, points, status: 'done', channel_refund_id: null })
      .execute();
    await trx.updateTable('payment_tenders').set({ refunded_amount: Number(tender.refunded_amount) + amount }).where('payment_id', '=', paymentId).where('seq', '=', tenderSeq).execute();
    await trx
      .updateTable('payment_allocations')
      .set({ refunded_amount: Number(alloc.refunded_amount) + amount })
      .where('payment_id', '=', paymentId)
      .where('tender_seq', '=', tenderSeq)
      .where('order_id', '=', alloc.order_id)
      .execute();
    const postings: Posting[] = [{ account: { kind: 'merchant_payable', ownerId: input.merchantId }, amount: -amount }];
    if (tender.kind === 'balance') postings.push({ account: { kind: 'user_balance', ownerId: userId }, amount });
    else if (tender.kind === 'gift_card') postings.push({ account: { kind: 'gift_card', ownerId: String(tender.gift_card_id) }, amount });
    else if (tender.kind === 'points') {
      postings.push({ account: { kind: 'points_expense', ownerId: PLATFORM }, amount }, { account: { kind: 'points_issuance', ownerId: PLATFORM }, amount: -points }, { account: { kind: 'user_points', ownerId: userId }, amount: points });
    } else postings.push({ account: { kind: 'channel_clearing', ownerId: input.channel ?? 'sandbox' }, amount });
    await post(trx, { ref: `refund:${refundId}:0`, kind: 'refund', memo: 'refund', now, postings });
  });
  return refundId;
}

export interface LedgerScenario {
  userId: string;
  paid: string;
  paying: string;
  closed: string;
  giftCardPaid: string;
  refundId: string;
  giftCardId: string;
}

/**
 * A ledger with one of everything: a welcome grant, a gift card, a paid payment over two
 * merchants (points, balance, channel), an open one, a closed (released) one with late channel
 * money, a paid one covered by a gift card alone, and a done refund.
 */
export async function buildLedgerScenario(db: Db, now: number): Promise<LedgerScenario> {
  const userId = `u_f${next()}`;
  await getWallet(db, userId, { pointsRule: DEFAULT_POINTS_RULE, welcomeBalance: 20000, welcomePoints: 5000 }, now);
  const card = await transact(db, (trx) => issueGiftCard(trx, { number: `7${String(counter).padStart(3, '0')}${String(now).slice(-12).padStart(12, '0')}`, pin: '246810', faceValue: 10000, expiresAt: now + 86_400_000 }, now));

  const paidChildren = await makeOrders(db, userId, [{ merchantId: 'm_f1', amount: 4000 }, { merchantId: 'm_f2', amount: 2000 }], now);
  const paid = await makePayment(db, { userId, children: paidChildren, status: 'paid', channel: 'wechatpay', now, tenders: [{ kind: 'points', amount: 1000 }, { kind: 'balance', amount: 2000 }, { kind: 'channel', amount: 3000 }] });

  const payingChildren = await makeOrders(db, userId, [{ merchantId: 'm_f1', amount: 2000 }], now);
  const paying = await makePayment(db, { userId, children: payingChildren, status: 'paying', now, tenders: [{ kind: 'balance', amount: 500 }, { kind: 'channel', amount: 1500 }] });

  const closedChildren = await makeOrders(db, userId, [{ merchantId: 'm_f2', amount: 1000 }], now);
  const closed = await makePayment(db, { userId, children: closedChildren, status: 'closed', now, tenders: [{ kind: 'gift_card', amount: 700, giftCardId: card.id }, { kind: 'channel', amount: 300 }] });
  await transact(db, (trx) =>
    post(trx, {
      ref: `late:${closed}`,
      kind: 'late',
      memo: 'late',
      now,
      postings: [{ account: { kind: 'channel_clearing', ownerId: 'sandbox' }, amount: -300 }, { account: { kind: 'late_payments', ownerId: PLATFORM }, amount: 300 }],
    }),
  );

  const cardChildren = await makeOrders(db, userId, [{ merchantId: 'm_f1', amount: 800 }], now);
  const giftCardPaid = await makePayment(db, { userId, children: cardChildren, status: 'paid', now, tenders: [{ kind: 'gift_card', amount: 800, giftCardId: card.id }] });

  const refundId = await makeRefund(db, { userId, paymentId: paid, tenderSeq: 1, amount: 1500, merchantId: 'm_f1', now });
  return { userId, paid, paying, closed, giftCardPaid, refundId, giftCardId: card.id };
}
