import { lateRefundNo } from '../modules/payment/refunds';
import { ChannelError } from '../channels/types';
import {
  channelMoney,
  confirmAtChannel,
  expectClean,
  freshCard,
  loginShopper,
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
} from './support/channels-harness';

/**
 * The shopper never pays twice: attempt A is open at a real channel (sandbox), attempt B
 * supersedes it and is paid; closing A at the channel fails for now, so A stays closing and its
 * cashier still takes money. When the shopper completes A's cashier anyway, A's SUCCESS is late
 * money: A ends closed with its tenders released and the channel money refunded at the channel;
 * the child order is paid once and the wallet charged once.
 */
let h: ChannelHarness;
beforeAll(async () => {
  h = await startChannelHarness();
});
afterAll(async () => {
  await h.close();
});

const WELCOME = { balance: 20_000, points: 5_000 };

describe.each<RealChannel>(['alipay', 'wechatpay', 'douyin'])('%s: a superseded attempt paid after its replacement', (channel) => {
  it('ends closed with its money refunded at the channel; the child is paid once, the wallet charged once', async () => {
    const { t } = h;
    const s = await loginShopper(t, channel, 'mini');
    const parent = await placeOrder(t, s, [{ price: 30_000 }]);
    const child = parent.children[0];

    // A: the welcome balance (held) and 10000 fen at the channel, the cashier opened.
    const a = await pay(t, s, { orderId: parent.id, tenders: { balance: true, points: false, giftCards: [] }, channel, scene: 'mini' });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ status: 'paying', channelAmount: 10_000 });
    const at = await openCashier(t, a.body);

    // B: points and a gift card cover it all and are paid at once. Asking the channel about A
    // fails for now, so A stays closing and its trade stays payable.
    const adapter = h.deps.channels.get(channel);
    if (!adapter) throw new Error(`no ${channel} adapter`);
    const { query, close } = adapter;
    const down = async (): Promise<never> => {
      throw new ChannelError(channel, 'the channel is unreachable');
    };
    adapter.query = down;
    adapter.close = down;
    const card = await freshCard(t, 25_000);
    let bId: string;
    try {
      const b = await pay(t, s, { orderId: parent.id, tenders: { balance: false, points: true, giftCards: [card] } });
      expect(b.status).toBe(201);
      expect(b.body).toMatchObject({ status: 'paid', amount: 30_000, channel: null });
      bId = b.body.id;
    } finally {
      adapter.query = query;
      adapter.close = close;
    }
    expect(await paymentRow(t, a.body.id)).toMatchObject({ status: 'closing', end_reason: 'superseded' });

    // The shopper completes A's cashier anyway.
    expect((await confirmAtChannel(t, at, 'pay')).status).toBe(200);
    await waitForStatus(t, a.body.id, ['closed', 'paid']);
    expect(await paymentRow(t, a.body.id)).toMatchObject({ status: 'closed', end_reason: 'superseded' });
    const refund = await waitFor(
      'the late refund to succeed',
      () => t.db.selectFrom('refunds').selectAll().where('refund_no', '=', lateRefundNo(at.paymentNo)).executeTakeFirst(),
      (r) => r?.status === 'succeeded',
    );
    expect(refund).toMatchObject({ source: 'late_payment', amount: 10_000 });
    const money = await waitFor('the channel to show the refund', () => channelMoney(t, channel, at.paymentNo), (m) => m.refunds.some((r) => r.status === 'SUCCESS'));
    expect(money).toMatchObject({ paid: true, refunded: 10_000 });
    expect(await refsOf(t, a.body.id)).toEqual(['hold', 'late', 'late-refund', 'release']);
    expect(await refsOf(t, bId)).toEqual(['capture', 'hold']);

    // Charged once: B's points and card; A's balance came back.
    expect(await walletOf(t, s.userId, [card])).toEqual({ balance: WELCOME.balance, points: 0, cards: [0] });
    await relay(h);
    const order = await t.get<{ status: string; paidAmount: number; refundedAmount: number }>(`/api/orders/${child.id}`, { token: s.token });
    expect(order.body).toMatchObject({ status: 'paid', paidAmount: 30_000, refundedAmount: 0 });
    const paid = await t.db.selectFrom('payments').select('id').where('order_id', '=', parent.id).where('status', '=', 'paid').execute();
    expect(paid).toEqual([{ id: bId }]);
    await expectClean(t);
  });
});
