import type { Payment } from '@contract';
import { formatPrice } from '@contract/money';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { OfflineBanner, PageState, Price, Skeleton, disabledProp, TitleBar, OrderNumber } from '@/components';
import { channelLabels, errorMessage, tenderLabels } from '@/i18n/messages';
import { t, type CatalogMessageKey as MessageKey } from '@/i18n/catalog';
import { useLoginGate } from '@/services/checkout/login-gate';
import { keys } from '@/services/keys';
import { useCancelPayment } from '@/services/payment/cancelPayment';
import { isParentOrderId, tenderNames } from '@/services/payment/cashier';
import { usePolledPayment } from '@/services/payment/getPayment';
import { cashierPath, leftForCashier, useStartPayment } from '@/services/payment/payOrder';
import {
  PAYMENT_POLL_INTERVAL_LIVE_MS,
  PAYMENT_POLL_INTERVAL_MS,
  PAYMENT_POLL_LIMIT_MS,
  isFinal,
  parseOutcome,
  resultView,
  type ResultView,
  shouldPoll,
} from '@/services/payment/polling';
import { useRealtimeLive } from '@/services/realtime';
import { useOrderNumber } from '@/services/order/useOrderNumber';
import { openPage, PAGES } from '@/services/platform/nav';
import type { PayOutcome } from '@/services/platform/pay';
import './result.css';

const TITLES: Record<ResultView, MessageKey> = {
  waiting: 'result.waiting',
  closing: 'result.closing',
  paid: 'result.paid',
  unpaid: 'result.unpaid',
  failed: 'result.failed',
  closed: 'result.closed',
  expired: 'result.expired',
  timeout: 'result.timeout',
};
const HINTS: Record<ResultView, MessageKey> = {
  waiting: 'result.waitingHint',
  closing: 'result.closingHint',
  paid: 'result.paidHint',
  unpaid: 'result.unpaidHint',
  failed: 'result.failedHint',
  closed: 'result.closedHint',
  expired: 'result.expiredHint',
  timeout: 'result.timeoutHint',
};

/** Views of a payment that ended (or is ending) unpaid: what it used comes back, nothing else was charged. */
const RETURNING: Partial<Record<ResultView, { tag: MessageKey; none: MessageKey }>> = {
  closing: { tag: 'result.returning', none: 'result.closingHintNone' },
  failed: { tag: 'result.returned', none: 'result.failedHintNone' },
  closed: { tag: 'result.returned', none: 'result.closedHintNone' },
  expired: { tag: 'result.returned', none: 'result.expiredHintNone' },
};

/** The hint under the title; for an unpaid end it names exactly the tenders that come back, or says nothing was charged. */
function hintFor(view: ResultView, payment: Payment): string {
  const returning = RETURNING[view];
  if (!returning) return t(HINTS[view]);
  const list = tenderNames(payment);
  return list ? t(HINTS[view], { tenders: list }) : t(returning.none);
}

/** A symbol in the status circle (not text to read: the title says it in words). */
const GLYPHS: Record<ResultView, string> = {
  waiting: '…',
  closing: '…',
  paid: '✓',
  unpaid: '!',
  failed: '!',
  closed: '!',
  expired: '!',
  timeout: '?',
};

function tenderName(payment: Payment, tender: Payment['tenders'][number]): string {
  switch (tender.kind) {
    case 'points':
      return t('result.pointsUsed', { points: tender.points ?? 0 });
    case 'gift_card':
      return t('result.giftCard', { card: tender.giftCard ?? '' });
    case 'channel':
      return payment.channel ? channelLabels[payment.channel] : tenderLabels.channel;
    default:
      return tenderLabels[tender.kind];
  }
}

/**
 * How the payment was paid; for one that ended unpaid, only the internal tenders, as 已退回
 * (退回中 while closing): the channel part was never charged.
 */
function Tenders({ payment, view }: { payment: Payment; view: ResultView }) {
  const returning = RETURNING[view];
  const shown = returning ? payment.tenders.filter((tender) => tender.kind !== 'channel' && tender.amount > 0) : payment.tenders;
  if (shown.length === 0) return null;
  return (
    <View className="pay-result__tenders" data-testid="pay-tenders">
      <Text className="pay-result__tenders-title">{t(returning ? returning.tag : 'result.tenders')}</Text>
      {shown.map((tender, i) => (
        <View key={`${tender.kind}-${i}`} className="pay-result__tender">
          <Text>{tenderName(payment, tender)}</Text>
          <Text>{formatPrice(tender.amount)}</Text>
        </View>
      ))}
    </View>
  );
}

export default function PaymentResultPage() {
  const { params } = useRouter();
  const queryClient = useQueryClient();
  const [paymentId] = useState(params.paymentId ?? '');
  const [cue, setCue] = useState<PayOutcome | null>(() => parseOutcome(params.outcome));
  // A new round of waiting (a resumed payment, a manual refresh) restarts the ceiling.
  const [round, setRound] = useState(0);
  const [timedOut, setTimedOut] = useState(false);
  const [acting, setActing] = useState(false);
  const actingRef = useRef(false);
  const startPayment = useStartPayment();
  const cancelPayment = useCancelPayment();

  useEffect(() => {
    setTimedOut(false);
    const timer = setTimeout(() => setTimedOut(true), PAYMENT_POLL_LIMIT_MS);
    return () => clearTimeout(timer);
  }, [paymentId, round]);

  // The outcome is pushed while the realtime socket is live (the service writes it into this
  // query's cache entry); polling stays, slower then, and at its usual rate when the socket is down.
  const realtimeLive = useRealtimeLive();
  const payment = usePolledPayment(paymentId, realtimeLive ? PAYMENT_POLL_INTERVAL_LIVE_MS : PAYMENT_POLL_INTERVAL_MS, (p) => shouldPoll(p, cue, timedOut));
  useLoginGate(payment.error, payment.refetch);
  const data = payment.data;
  const status = data?.status;
  const view: ResultView | null = data ? resultView(data, cue, timedOut) : null;
  // H5 comes back from the channel's cashier with the payment id; the payment names its order.
  const orderId = params.orderId || data?.orderId || '';
  const orderNo = useOrderNumber(orderId);

  // A final answer moves the orders (paid, or their paid amounts) and the wallet (tenders released).
  useEffect(() => {
    if (status && isFinal(status)) {
      void queryClient.invalidateQueries({ queryKey: keys.orders.all() });
      void queryClient.invalidateQueries({ queryKey: keys.wallet.all() });
    }
  }, [status, queryClient]);

  const refresh = () => {
    setCue(null);
    setRound((r) => r + 1);
    void payment.refetch();
  };

  async function act(action: () => Promise<void>) {
    if (actingRef.current) return;
    actingRef.current = true;
    setActing(true);
    try {
      await action();
    } catch (e) {
      void Taro.showToast({ title: e instanceof Error ? e.message : errorMessage('UNKNOWN'), icon: 'none' });
    } finally {
      actingRef.current = false;
      setActing(false);
    }
  }

  /** The payment is still open at the channel: open its cashier again (no new payment). */
  const continuePaying = (current: Payment) =>
    act(async () => {
      const result = await startPayment.resume(current, orderId);
      if (leftForCashier(result)) return;
      setCue(result.outcome);
      setRound((r) => r + 1);
      await queryClient.invalidateQueries({ queryKey: keys.payments.detail(current.id) });
    });

  /** Give up this payment (its tenders are released) and choose again at the cashier. */
  const changeMethod = (current: Payment) =>
    act(async () => {
      await cancelPayment.mutateAsync(current.id);
      await Taro.redirectTo({ url: cashierPath(orderId) });
    });

  const payAgain = () => act(async () => void (await Taro.redirectTo({ url: cashierPath(orderId) })));

  const viewOrders = () => {
    if (status === 'paid' && orderId && !isParentOrderId(orderId)) {
      void Taro.redirectTo({ url: `/pages/orders/detail?id=${encodeURIComponent(orderId)}` });
      return;
    }
    const tab = status === 'paid' ? 'paid' : 'pending_payment';
    void Taro.redirectTo({ url: PAGES.orders(tab) });
  };
  const continueShopping = () => void openPage(PAGES.home);

  const primary = (label: string, onClick: () => void) => (
    <Button className={`pay-result__primary${acting ? ' is-disabled' : ''}`} disabled={disabledProp(acting)} onClick={onClick}>
      {label}
    </Button>
  );
  const secondary = (label: string, onClick: () => void) => (
    <Button className="pay-result__secondary" disabled={disabledProp(acting)} onClick={onClick}>
      {label}
    </Button>
  );

  return (
    <View className="pay-result">
      <TitleBar title={t('result.title')} />
      <OfflineBanner />
      <PageState
        isLoading={paymentId !== '' && payment.isLoading}
        isError={payment.isError && !data}
        error={payment.error}
        isEmpty={paymentId === ''}
        emptyText={t('result.missing')}
        emptyActionText={t('result.viewOrders')}
        onEmptyAction={viewOrders}
        onRetry={() => void payment.refetch()}
        skeleton={<Skeleton rows={3} />}
      >
        {data && view && (
          <View className={`pay-result__card pay-result__card--${view}`} data-testid="pay-result" data-view={view}>
            <View className={`pay-result__icon pay-result__icon--${view}`}>
              <Text className="pay-result__glyph">{GLYPHS[view]}</Text>
            </View>
            <Text className="pay-result__title">{t(TITLES[view])}</Text>
            <Text className="pay-result__hint">{hintFor(view, data)}</Text>
            <View className="pay-result__amount">
              {/* Only a paid payment's amount was paid (支付金额); otherwise it is what it asked for. */}
              <Text>{t(view === 'paid' ? 'result.amount' : 'result.amountDue')}</Text>
              <Price fen={data.amount} size="lg" />
            </View>
            {orderNo && <OrderNumber no={orderNo} copyable className="pay-result__no" />}
            <Tenders payment={data} view={view} />
            <View className="pay-result__actions">
              {view === 'paid' && (
                <>
                  {primary(t('result.viewOrders'), viewOrders)}
                  {secondary(t('result.continueShopping'), continueShopping)}
                </>
              )}
              {view === 'unpaid' && (
                <>
                  {primary(acting ? t('result.payStarting') : t('result.continuePay'), () => void continuePaying(data))}
                  {secondary(t('result.changeMethod'), () => void changeMethod(data))}
                </>
              )}
              {(view === 'failed' || view === 'closed') && (
                <>
                  {primary(t('result.payAgain'), () => void payAgain())}
                  {secondary(t('result.viewOrders'), viewOrders)}
                </>
              )}
              {view === 'expired' && (
                <>
                  {primary(t('result.viewOrders'), viewOrders)}
                  {secondary(t('result.continueShopping'), continueShopping)}
                </>
              )}
              {(view === 'timeout' || view === 'waiting' || view === 'closing') && (
                <>
                  {primary(t('result.refresh'), refresh)}
                  {secondary(t('result.viewOrders'), viewOrders)}
                </>
              )}
            </View>
          </View>
        )}
      </PageState>
    </View>
  );
}
