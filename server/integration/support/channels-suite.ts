import type { Order } from '@contract/order';
import type { PayScene, Refund } from '@contract/payment';
import type { GiftCardCredential } from '@contract/wallet';
import { createRefund, lateRefundNo, partRefundNo } from '../../modules/payment/refunds';
import { refundDepsOf } from '../../modules/payment/deps';
import { AppError } from '../../infra/errors';
import { reconcilePayments } from '../../modules/payment/service';
import { JOBS } from '../../compose';
import {
  addFault,
  cancelPayment,
  channelMoney,
  confirmAtChannel,
  deliveriesOf,
  demoCard,
  expectClean,
  freshCard,
  getPayment,
  listRefunds,
  loginShopper,
  notificationsOf,
  openCashier,
  pay,
  paymentRow,
  placeOrder,
  refsOf,
  relay,
  startChannelHarness,
  waitFor,
  waitForStatus,
  walletOf,
  type ChannelHarness,
  type RealChannel,
  type Shopper,
} from './channels-harness';

/**
 * The scenarios every real channel goes through end to end (see channels-<channel>.test.ts):
 * combined payments paid from the channel's own notification, cancels in the cashier and
 * through the API, the stand-ins' notifier faults, cancel racing confirm (late money), partial
 * refunds through the channel's refund API and two attempts at once. The ledger is checked
 * after every test.
 */
export interface ChannelSuiteOptions {
  channel: RealChannel;
  scenes: readonly PayScene[];
  /** Which notifier faults to run: every kind, or duplicates and drops only. */
  faults: 'all' | 'duplicate-drop';
  /** The channel notifies when the shopper gives up in its cashier (Alipay TRADE_CLOSED, Douyin FAIL). */
  notifiesCancel: boolean;
  /** The channel can close an unpaid trade on our request (Douyin cannot: it times out). */
  canClose: boolean;
  /** Scenes where the trade exists only once the client opens it (Alipay wap, Douyin requestOrder). */
  openedByClient: readonly PayScene[];
}

const DEMO_CARD_BY_SCENE: Record<PayScene, number> = { mini: 5_000, h5: 20_000 };
const WELCOME = { balance: 20_000, points: 5_000 };

export function channelSuite(o: ChannelSuiteOptions): void {
  const { channel } = o;
  let h: ChannelHarness;

  beforeAll(async () => {
    h = await startChannelHarness();
  });
  afterEach(async () => {
    h.t.app.channelStandIns?.faults.clear();
    await expectClean(h.t);
  });
  afterAll(async () => {
    await h.close();
  });

  const t = () => h.t;

  /** An order whose split uses every tender: points 5000, the card, balance 20000, channel 12000. */
  async function combined(scene: PayScene, card: GiftCardCredential, cardValue: number) {
    const s = await loginShopper(t(), channel, scene);
    const parent = await placeOrder(t(), s, [{ price: 25_000 + cardValue }, { price: 12_000 }]);
    const res = await pay(t(), s, { orderId: parent.id, tenders: { balance: true, points: true, giftCards: [card] }, channel, scene });
    expect(res.status).toBe(201);
    return { s, parent, p: res.body };
  }

  async function waitPaidAndRelay(paymentId: string) {
    await waitForStatus(t(), paymentId, ['paid']);
    await relay(h);
  }

  async function childStatuses(s: Shopper, ids: readonly string[]) {
    const out: Order[] = [];
    for (const id of ids) out.push((await t().get<Order>(`/api/orders/${id}`, { token: s.token })).body);
    return out;
  }

  describe(`${channel}: a combined payment`, () => {
    for (const scene of o.scenes) {
      it(`${scene}: balance + points + a demo gift card + the ${channel} remainder, paid by the channel's notification; the children paid through the outbox`, async () => {
        const cardValue = DEMO_CARD_BY_SCENE[scene];
        const card = demoCard(cardValue);
        const { s, parent, p } = await combined(scene, card, cardValue);
        expect(p.tenders.map((x) => [x.kind, x.amount])).toEqual([
          ['points', 5_000],
          ['gift_card', cardValue],
          ['balance', 20_000],
          ['channel', 12_000],
        ]);
        expect(p).toMatchObject({ status: 'paying', channel, channelAmount: 12_000 });
        expect(await walletOf(t(), s.userId, [card])).toEqual({ balance: 0, points: 0, cards: [0] });

        const at = await openCashier(t(), p);
        const row = await paymentRow(t(), p.id);
        const trade = await t().get<Record<string, unknown>>(`/sandbox/${channel}/trades/${row.payment_no}`);
        expect(trade.status).toBe(200);
        if (scene === 'mini' && channel !== 'douyin') {
          // The trade is the shopper's: WeChat JSAPI carries the openid, Alipay the buyer's open id.
          const user = await t().db.selectFrom('users').select(['openid', 'platform']).where('id', '=', s.userId).executeTakeFirstOrThrow();
          expect(user.platform).toBe(channel === 'wechatpay' ? 'weapp' : 'alipay');
          expect(user.openid).toBeTruthy();
          expect(channel === 'wechatpay' ? trade.body.openid : trade.body.buyerOpenId ?? trade.body.buyerId).toBe(user.openid);
        }
        expect((await confirmAtChannel(t(), at, 'pay')).status).toBe(200);
        await waitPaidAndRelay(p.id);

        expect(await getPayment(t(), s, p.id)).toMatchObject({ status: 'paid', paidAt: expect.any(Number) });
        expect(await refsOf(t(), p.id)).toEqual(['capture', 'hold']);
        expect((await notificationsOf(t(), row.payment_no)).map((n) => [n.status, n.outcome])).toEqual([['SUCCESS', 'applied']]);
        expect(await channelMoney(t(), channel, row.payment_no)).toMatchObject({ exists: true, paid: true, refunded: 0 });
        for (const [i, order] of (await childStatuses(s, parent.children.map((c) => c.id))).entries()) {
          expect(order).toMatchObject({ status: 'paid', paidAmount: parent.children[i].amounts.payableAmount });
        }
        expect(await walletOf(t(), s.userId, [card])).toEqual({ balance: 0, points: 0, cards: [0] });
      });
    }
  });

  describe(`${channel}: cancel`, () => {
    for (const scene of o.scenes) {
      it(`${scene}: the shopper gives up in the ${channel} cashier; the internal tenders return and the payment ends closed`, async () => {
        const card = await freshCard(t(), 5_000);
        const { s, p } = await combined(scene, card, 5_000);
        const before = { balance: WELCOME.balance, points: WELCOME.points, cards: [5_000] };
        expect(await walletOf(t(), s.userId, [card])).toEqual({ balance: 0, points: 0, cards: [0] });
        const at = await openCashier(t(), p);
        expect((await confirmAtChannel(t(), at, 'cancel')).status).toBe(200);
        if (o.notifiesCancel) {
          // The channel's own notification (TRADE_CLOSED / FAIL) ends it.
          await waitForStatus(t(), p.id, ['closed', 'failed']);
        } else {
          // WeChat Pay does not notify a cashier cancel: the client gives up the payment.
          const res = await cancelPayment(t(), s, p.id);
          expect(res.body).toMatchObject({ status: 'closed', endReason: 'cancelled' });
        }
        const row = await paymentRow(t(), p.id);
        expect(['closed', 'failed']).toContain(row.status);
        expect(await walletOf(t(), s.userId, [card])).toEqual(before);
        expect(await refsOf(t(), p.id)).toEqual(['hold', 'release']);
        expect((await channelMoney(t(), channel, at.paymentNo)).paid).toBe(false);
        // The closed trade cannot be paid any more.
        expect((await confirmAtChannel(t(), at, 'pay')).status).toBeGreaterThanOrEqual(400);
        await relay(h);
        expect(await refsOf(t(), p.id)).toEqual(['hold', 'release']);
      });

      it(`${scene}: cancelPayment through the API releases the tenders${o.canClose ? ' once the channel closed the trade' : ' once the trade ends at the channel'}`, async () => {
        const card = await freshCard(t(), 5_000);
        const { s, p } = await combined(scene, card, 5_000);
        const at = o.openedByClient.includes(scene) ? null : await openCashier(t(), p);
        const res = await cancelPayment(t(), s, p.id);
        expect(res.status).toBe(200);
        if (o.canClose || !at) {
          expect(res.body).toMatchObject({ status: 'closed', endReason: 'cancelled' });
        } else {
          // No close API: the payment waits in closing (tenders held) until the trade ends at the channel.
          expect(res.body).toMatchObject({ status: 'closing', endReason: 'cancelled' });
          expect(await walletOf(t(), s.userId, [card])).toEqual({ balance: 0, points: 0, cards: [0] });
          expect((await confirmAtChannel(t(), at, 'cancel')).status).toBe(200);
          await waitForStatus(t(), p.id, ['closed']);
        }
        expect(await walletOf(t(), s.userId, [card])).toEqual({ balance: WELCOME.balance, points: WELCOME.points, cards: [5_000] });
        expect(await refsOf(t(), p.id)).toEqual(['hold', 'release']);
        if (at) {
          expect((await channelMoney(t(), channel, at.paymentNo)).paid).toBe(false);
          expect((await confirmAtChannel(t(), at, 'pay')).status).toBeGreaterThanOrEqual(400);
        }
      });
    }
  });

  describe(`${channel}: notification faults`, () => {
    const scene = o.scenes[0];
    async function openOne(price = 42_000) {
      const s = await loginShopper(t(), channel, scene);
      const parent = await placeOrder(t(), s, [{ price }]);
      const res = await pay(t(), s, { orderId: parent.id, tenders: { balance: true, points: true, giftCards: [] }, channel, scene });
      expect(res.status).toBe(201);
      const at = await openCashier(t(), res.body);
      return { s, parent, p: res.body, at };
    }

    it('every notification five times: applied once (one capture, one payment.succeeded), the others recorded as duplicates', async () => {
      const { s, parent, p, at } = await openOne();
      addFault(h, { mode: 'duplicate', copies: 5, count: 1, channel });
      await confirmAtChannel(t(), at, 'pay');
      await waitForStatus(t(), p.id, ['paid']);
      const seen = await waitFor('five deliveries recorded', () => notificationsOf(t(), at.paymentNo), (rows) => rows.length >= 5);
      expect(seen.map((r) => r.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
      expect(await refsOf(t(), p.id)).toEqual(['capture', 'hold']);
      await relay(h);
      const events = await t().db.selectFrom('outbox_events').select('id').where('aggregate_id', '=', p.id).where('type', '=', 'payment.succeeded').execute();
      expect(events).toHaveLength(1);
      const [order] = await childStatuses(s, [parent.children[0].id]);
      expect(order).toMatchObject({ status: 'paid', paidAmount: 42_000 });
      expect(order.timeline.map((e) => e.status)).toEqual(['pending_payment', 'paid']);
    });

    it('a dropped notification: nothing arrives; the reconciliation job asks the channel and the payment is paid', async () => {
      const { s, parent, p, at } = await openOne();
      addFault(h, { mode: 'drop', count: 1, channel });
      const since = Date.now();
      await confirmAtChannel(t(), at, 'pay');
      await new Promise((r) => setTimeout(r, 300));
      expect(deliveriesOf(h, channel, since)).toEqual([]);
      expect(await paymentRow(t(), p.id)).toMatchObject({ status: 'paying' });
      // The scheduled job as the app runs it, a minute later.
      const job = JOBS.find((j) => j.name === 'reconcile-payments');
      if (!job) throw new Error('no reconcile-payments job');
      const later = Date.now() + 61_000;
      expect(await job.run({ db: t().db, config: t().config, log: t().app.log, core: { ...t().app.core, payments: h.deps } }, later)).toBeGreaterThanOrEqual(1);
      expect(await paymentRow(t(), p.id)).toMatchObject({ status: 'paid' });
      expect(await notificationsOf(t(), at.paymentNo)).toEqual([]);
      await relay(h, later);
      expect((await childStatuses(s, [parent.children[0].id]))[0].status).toBe('paid');
    });

    if (o.faults === 'all') {
      it("two payments' notifications swapped: each applies to its own payment", async () => {
        const first = await openOne(41_000);
        const second = await openOne(43_000);
        addFault(h, { mode: 'reorder', count: 1, channel, delayMs: 3_000 });
        await confirmAtChannel(t(), first.at, 'pay');
        await confirmAtChannel(t(), second.at, 'pay');
        await waitForStatus(t(), first.p.id, ['paid']);
        await waitForStatus(t(), second.p.id, ['paid']);
        const received = await t()
          .db.selectFrom('payment_notifications')
          .select(['payment_no', 'received_at', 'outcome'])
          .where('payment_no', 'in', [first.at.paymentNo, second.at.paymentNo])
          .orderBy('received_at')
          .orderBy('id')
          .execute();
        // The second payment's notification arrived first.
        expect(received.map((r) => [r.payment_no, r.outcome])).toEqual([
          [second.at.paymentNo, 'applied'],
          [first.at.paymentNo, 'applied'],
        ]);
        for (const x of [first, second]) {
          expect(await paymentRow(t(), x.p.id)).toMatchObject({ status: 'paid', channel_amount: x.p.channelAmount });
          expect(await refsOf(t(), x.p.id)).toEqual(['capture', 'hold']);
        }
        await relay(h);
      });

      if (o.notifiesCancel) {
        it('a CLOSED notification before a SUCCESS (swapped): the cancelled payment closes and releases, the paid one is paid', async () => {
          const gaveUp = await openOne(41_000);
          const paid = await openOne(43_000);
          addFault(h, { mode: 'reorder', count: 1, channel, delayMs: 3_000 });
          // The SUCCESS goes out first but is held; the CLOSED overtakes it.
          await confirmAtChannel(t(), paid.at, 'pay');
          await confirmAtChannel(t(), gaveUp.at, 'cancel');
          await waitForStatus(t(), gaveUp.p.id, ['closed', 'failed']);
          await waitForStatus(t(), paid.p.id, ['paid']);
          const received = await t()
            .db.selectFrom('payment_notifications')
            .select(['payment_no', 'status', 'outcome'])
            .where('payment_no', 'in', [gaveUp.at.paymentNo, paid.at.paymentNo])
            .orderBy('received_at')
            .orderBy('id')
            .execute();
          expect(received.map((r) => [r.payment_no, r.outcome])).toEqual([
            [gaveUp.at.paymentNo, 'applied'],
            [paid.at.paymentNo, 'applied'],
          ]);
          expect(received[0].status).not.toBe('SUCCESS');
          expect(await refsOf(t(), gaveUp.p.id)).toEqual(['hold', 'release']);
          expect(await walletOf(t(), gaveUp.s.userId)).toMatchObject({ balance: WELCOME.balance, points: WELCOME.points });
          expect(await refsOf(t(), paid.p.id)).toEqual(['capture', 'hold']);
          await relay(h);
        });
      }

      for (const mode of ['corrupt_signature', 'change_amount'] as const) {
        it(`${mode === 'corrupt_signature' ? 'a corrupted signature' : 'a changed amount'}: refused with the channel's failure answer, nothing changes; the genuine retry applies`, async () => {
          const { p, at } = await openOne();
          addFault(h, { mode, count: 1, channel });
          const since = Date.now();
          await confirmAtChannel(t(), at, 'pay');
          const [first] = await waitFor('the first delivery', async () => deliveriesOf(h, channel, since), (d) => d.length >= 1);
          // Refused in the channel's terms (not acknowledged; the channel will retry), with a
          // 4xx: a refusal, not an outage.
          expect(first.acked).toBe(false);
          expect(first.status).toBe(400);
          expect(await paymentRow(t(), p.id)).toMatchObject({ status: 'paying', trade_no: null, paid_at: null });
          expect(await refsOf(t(), p.id)).toEqual(['hold']);
          expect(await notificationsOf(t(), at.paymentNo)).toEqual([]);
          // The channel's retry is genuine.
          await waitForStatus(t(), p.id, ['paid'], 15_000);
          const all = await waitFor('the acknowledged retry', async () => deliveriesOf(h, channel, since), (d) => d.some((x) => x.acked));
          expect(all.map((d) => d.acked)).toEqual([false, true]);
          expect((await notificationsOf(t(), at.paymentNo)).map((n) => n.outcome)).toEqual(['applied']);
          expect(await paymentRow(t(), p.id)).toMatchObject({ channel_amount: 42_000 - 5_000 - 20_000 });
          await relay(h);
        });
      }
    }
  });

  describe(`${channel}: cancel racing a confirm at the channel (late money)`, () => {
    /** Either paid (and the channel holds the money), or closed with nothing taken or the late money refunded through the channel. */
    async function moneyNotLost(paymentId: string, userId: string) {
      const row = await paymentRow(t(), paymentId);
      const money = await channelMoney(t(), channel, row.payment_no);
      if (row.status === 'paid') {
        expect(money).toMatchObject({ paid: true, refunded: 0 });
        expect(await walletOf(t(), userId)).toEqual({ balance: 0, points: 0, cards: [] });
        return 'paid' as const;
      }
      expect(row.status).toBe('closed');
      expect(await walletOf(t(), userId)).toEqual({ balance: WELCOME.balance, points: WELCOME.points, cards: [] });
      if (!money.paid) {
        expect(await refsOf(t(), paymentId)).toEqual(['hold', 'release']);
        return 'closed' as const;
      }
      // Late money: recorded (late:<id>) and given back through the channel's refund API.
      const refund = await waitFor(
        'the late refund to succeed',
        () => t().db.selectFrom('refunds').selectAll().where('refund_no', '=', lateRefundNo(row.payment_no)).executeTakeFirst(),
        (r) => r?.status === 'succeeded',
      );
      expect(refund).toMatchObject({ source: 'late_payment', amount: Number(row.channel_amount) });
      const back = await waitFor('the channel to show the refund', () => channelMoney(t(), channel, row.payment_no), (m) => m.refunds.some((r) => r.status === 'SUCCESS'));
      expect(back.refunded).toBe(Number(row.channel_amount));
      expect(await refsOf(t(), paymentId)).toEqual(['hold', 'late', 'late-refund', 'release']);
      return 'late' as const;
    }

    async function openPlain(scene: PayScene, open: boolean) {
      const s = await loginShopper(t(), channel, scene);
      const parent = await placeOrder(t(), s, [{ price: 42_000 }]);
      const res = await pay(t(), s, { orderId: parent.id, tenders: { balance: true, points: true, giftCards: [] }, channel, scene });
      expect(res.status).toBe(201);
      return { s, p: res.body, at: open ? await openCashier(t(), res.body) : null };
    }

    /** Lets the channel's notifications and the refunds they cause settle. */
    async function settle(paymentId: string) {
      await new Promise((r) => setTimeout(r, 250));
      await reconcilePayments(h.deps, Date.now() + 61_000);
      await waitForStatus(t(), paymentId, ['paid', 'closed', 'failed']);
    }

    const scene = o.scenes[0];
    if (o.canClose) {
      it('cancel first: the channel closes the trade, the later confirm is refused, nothing is taken', async () => {
        const { s, p, at } = await openPlain(scene, true);
        if (!at) throw new Error('not opened');
        expect((await cancelPayment(t(), s, p.id)).body).toMatchObject({ status: 'closed' });
        expect((await confirmAtChannel(t(), at, 'pay')).status).toBeGreaterThanOrEqual(400);
        await settle(p.id);
        expect(await moneyNotLost(p.id, s.userId)).toBe('closed');
      });
    }

    it('confirm first: the cancel finds the payment paid (or asks the channel and finds it paid)', async () => {
      const { s, p, at } = await openPlain(scene, true);
      if (!at) throw new Error('not opened');
      expect((await confirmAtChannel(t(), at, 'pay')).status).toBe(200);
      const res = await cancelPayment(t(), s, p.id);
      expect([200, 409]).toContain(res.status);
      await settle(p.id);
      expect(await moneyNotLost(p.id, s.userId)).toBe('paid');
    });

    it('at the same moment, several times: each payment is paid, or closed with nothing lost', async () => {
      const outcomes: string[] = [];
      for (let i = 0; i < 4; i++) {
        const { s, p, at } = await openPlain(scene, true);
        if (!at) throw new Error('not opened');
        const racers = [() => cancelPayment(t(), s, p.id), () => confirmAtChannel(t(), at, 'pay')];
        if (i % 2 === 1) racers.reverse();
        await Promise.all(racers.map((r) => r()));
        if (!o.canClose) await confirmAtChannel(t(), at, 'cancel');
        await settle(p.id);
        outcomes.push(await moneyNotLost(p.id, s.userId));
      }
      expect(outcomes.every((x) => ['paid', 'closed', 'late'].includes(x))).toBe(true);
    });

    for (const lateScene of o.openedByClient) {
      it(`${lateScene}: the payment is closed before the client opened the trade, then the shopper pays anyway: the late money is refunded through the channel`, async () => {
        const { s, p } = await openPlain(lateScene, false);
        // Nothing at the channel yet: the cancel closes the payment and releases its tenders.
        expect((await cancelPayment(t(), s, p.id)).body).toMatchObject({ status: 'closed', endReason: 'cancelled' });
        expect(await walletOf(t(), s.userId)).toEqual({ balance: WELCOME.balance, points: WELCOME.points, cards: [] });
        // The client still holds the signed order and opens it: the channel takes the money.
        const at = await openCashier(t(), p);
        expect((await confirmAtChannel(t(), at, 'pay')).status).toBe(200);
        await waitFor('the late money to be recorded', () => refsOf(t(), p.id), (refs) => refs.includes('late'));
        await waitFor(
          'the late refund to finish',
          async () => (await t().db.selectFrom('refunds').select('status').where('refund_no', '=', lateRefundNo(at.paymentNo)).executeTakeFirst())?.status,
          (st) => st === 'succeeded',
        );
        expect(await moneyNotLost(p.id, s.userId)).toBe('late');
        expect(await paymentRow(t(), p.id)).toMatchObject({ status: 'closed' });
      });
    }
  });

  describe(`${channel}: refunds per child order`, () => {
    it('a partial refund goes through the channel with a stable refund number, the internal parts back to the ledger; a second one; over-refund refused', async () => {
      const scene = o.scenes[0];
      const card = await freshCard(t(), 5_000);
      const s = await loginShopper(t(), channel, scene);
      // 47000: points 5000, card 5000, balance 20000, channel 17000; the 40000 child gets a channel share and internal ones.
      const parent = await placeOrder(t(), s, [{ price: 40_000 }, { price: 7_000 }]);
      const created = await pay(t(), s, { orderId: parent.id, tenders: { balance: true, points: true, giftCards: [card] }, channel, scene });
      expect(created.status).toBe(201);
      const p = created.body;
      await confirmAtChannel(t(), await openCashier(t(), p), 'pay');
      await waitPaidAndRelay(p.id);
      const paymentNo = (await paymentRow(t(), p.id)).payment_no;
      const child = parent.children.reduce((a, b) => (b.amounts.payableAmount > a.amounts.payableAmount ? b : a));
      const kinds = await t()
        .db.selectFrom('payment_allocations as a')
        .innerJoin('payment_tenders as pt', (j) => j.onRef('pt.payment_id', '=', 'a.payment_id').onRef('pt.seq', '=', 'a.tender_seq'))
        .select('pt.kind')
        .where('a.order_id', '=', child.id)
        .execute();
      expect(kinds.map((k) => k.kind)).toContain('channel');
      expect(kinds.length).toBeGreaterThan(1);
      const payable = child.amounts.payableAmount;
      expect((await listRefunds(t(), s, child.id)).refundableAmount).toBe(payable);

      // The payment core's refund service, as its internal callers use it (a shopper's refund
      // comes through after-sales, whose decision books it the same way).
      const refundOnce = (amount: number, reason: string): Promise<Refund> => createRefund(refundDepsOf(h.deps), { userId: s.userId, orderId: child.id, amount, reason });
      const walletBefore = await walletOf(t(), s.userId, [card]);
      const refundAt = Date.now();
      const first = { body: await refundOnce(10_000, '尺码不合适') };
      const channelPart = first.body.parts.find((x) => x.kind === 'channel');
      expect(channelPart?.amount).toBeGreaterThan(0);
      expect(first.body.parts.reduce((sum, x) => sum + x.amount, 0)).toBe(10_000);
      if (channel === 'wechatpay') expect(first.body.status).toBe('processing');

      const done = await waitFor('the refund to succeed', () => listRefunds(t(), s, child.id), (l) => l.items[0]?.status === 'succeeded');
      expect(done.items).toHaveLength(1);
      const row = await t().db.selectFrom('refunds').selectAll().where('id', '=', first.body.id).executeTakeFirstOrThrow();
      const money = await channelMoney(t(), channel, paymentNo);
      // The channel holds one refund, under our stable refund number, for the channel part.
      const channelSeq = await t().db.selectFrom('refund_parts').select('seq').where('refund_id', '=', row.id).where('kind', '=', 'channel').executeTakeFirstOrThrow();
      expect(money.refunds).toEqual([{ refundNo: partRefundNo(row.refund_no, Number(channelSeq.seq)), amount: channelPart?.amount, status: 'SUCCESS' }]);
      if (channel === 'wechatpay') {
        // PROCESSING at first; the REFUND.SUCCESS notification (acknowledged) finished it (no job runs here).
        expect(deliveriesOf(h, channel, refundAt).filter((d) => d.acked).length).toBeGreaterThanOrEqual(1);
        // ... and it is kept with its outcome, applied once.
        const refundNotes = await t().db.selectFrom('payment_notifications').select(['status', 'outcome']).where('payment_no', '=', paymentNo).where('kind', '=', 'refund').execute();
        expect(refundNotes.filter((n) => n.outcome === 'applied')).toEqual([{ status: 'SUCCESS', outcome: 'applied' }]);
      }
      // Internal parts are back in the wallet.
      const walletAfter = await walletOf(t(), s.userId, [card]);
      const part = (kind: string) => first.body.parts.filter((x) => x.kind === kind).reduce((sum, x) => sum + (kind === 'points' ? (x.points ?? 0) : x.amount), 0);
      expect(walletAfter).toEqual({ balance: walletBefore.balance + part('balance'), points: walletBefore.points + part('points'), cards: [walletBefore.cards[0] + part('gift_card')] });

      const second = { body: await refundOnce(5_000, '再退一部分') };
      const both = await waitFor('the second refund to succeed', () => listRefunds(t(), s, child.id), (l) => l.items.length === 2 && l.items.every((x) => x.status === 'succeeded'));
      expect(both.refundableAmount).toBe(payable - 15_000);
      const money2 = await channelMoney(t(), channel, paymentNo);
      expect(money2.refunds).toHaveLength(2);
      expect(money2.refunded).toBe((channelPart?.amount ?? 0) + (second.body.parts.find((x) => x.kind === 'channel')?.amount ?? 0));

      const over = await refundOnce(both.refundableAmount + 1, '超额退款').catch((e: unknown) => e);
      expect(over instanceof AppError ? over.code : over).toBe('REFUND_AMOUNT_EXCEEDED');
      expect((await listRefunds(t(), s, child.id)).items).toHaveLength(2);
      await relay(h);
      expect((await childStatuses(s, [child.id]))[0]).toMatchObject({ refundedAmount: 15_000 });
    });
  });

  describe(`${channel}: two attempts on one order at once`, () => {
    it('at most one is paid; the loser’s debits are released', async () => {
      const scene = o.scenes[0];
      const s = await loginShopper(t(), channel, scene);
      const parent = await placeOrder(t(), s, [{ price: 42_000 }]);
      const [a, b] = await Promise.all([
        pay(t(), s, { orderId: parent.id, tenders: { balance: true }, channel, scene }),
        pay(t(), s, { orderId: parent.id, tenders: { points: true }, channel, scene }),
      ]);
      const created = [a, b].filter((r) => r.status === 201).map((r) => r.body);
      expect(created.length).toBeGreaterThanOrEqual(1);
      // Both tabs reach the cashier and pay; a superseded trade may already be closed there.
      await Promise.all(
        created.map(async (p) => {
          const at = await openCashier(t(), p).catch(() => null);
          if (at) await confirmAtChannel(t(), at, 'pay');
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      await reconcilePayments(h.deps, Date.now() + 120_000);
      const rows = await waitFor(
        'both attempts to end',
        () => t().db.selectFrom('payments').selectAll().where('order_id', '=', parent.id).execute(),
        (rs) => rs.every((r) => ['paid', 'closed', 'failed'].includes(r.status)),
      );
      const paid = rows.filter((r) => r.status === 'paid');
      expect(paid.length).toBeLessThanOrEqual(1);
      for (const loser of rows.filter((r) => r.status !== 'paid')) {
        const refs = await refsOf(t(), loser.id);
        expect(refs).toContain('release');
        const money = await channelMoney(t(), channel, loser.payment_no);
        if (money.paid) {
          // Money the channel took for the loser goes back.
          await waitFor('the loser’s late refund', () => channelMoney(t(), channel, loser.payment_no), (m) => m.refunded === Number(loser.channel_amount) && m.refunds.every((r) => r.status === 'SUCCESS'));
        }
      }
      const usedBalance = paid.length === 1 && (await t().db.selectFrom('payment_tenders').select('kind').where('payment_id', '=', paid[0].id).where('kind', '=', 'balance').executeTakeFirst());
      const usedPoints = paid.length === 1 && !usedBalance;
      expect(await walletOf(t(), s.userId)).toEqual({ balance: usedBalance ? 0 : WELCOME.balance, points: usedPoints ? 0 : WELCOME.points, cards: [] });
      await waitFor('late refunds to finish', () => t().db.selectFrom('refunds').select('status').where('user_id', '=', s.userId).execute(), (rs) => rs.every((r) => r.status === 'succeeded'));
      await relay(h);
    });
  });
}
