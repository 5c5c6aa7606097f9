import type { Payment } from '@contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { OfflineBanner, PageState, Price, Skeleton, disabledProp } from '@/components';
import { errorMessage, t } from '@/i18n/messages';
import { useLoginGate } from '@/services/checkout/login-gate';
import { PAGES } from '@/services/platform/nav';
import { keys } from '@/services/keys';
import { getPaymentOptions } from '@/services/payment/getPayment';
import { leftForCashier, usePayOrder } from '@/services/payment/payOrder';
import {
  PAYMENT_POLL_INTERVAL_MS,
  PAYMENT_POLL_LIMIT_MS,
  parseOutcome,
  resultView,
  type ResultView,
  shouldPoll,
} from '@/services/payment/polling';
import type { PayOutcome } from '@/services/platform/pay';
import './result.css';

const TITLES: Record<ResultView, Parameters<typeof t>[0]> = {
  waiting: 'result.waiting',
  paid: 'result.paid',
  unpaid: 'result.unpaid',
  closed: 'result.closed',
  timeout: 'result.timeout',
};
const HINTS: Record<ResultView, Parameters<typeof t>[0]> = {
  waiting: 'result.waitingHint',
  paid: 'result.paidHint',
  unpaid: 'result.unpaidHint',
  closed: 'result.closedHint',
  timeout: 'result.timeoutHint',
};

/** A symbol in the status circle (not text to read: the title says it in words). */
const GLYPHS: Record<ResultView, string> = { waiting: '…', paid: '✓', unpaid: '!', closed: '!', timeout: '?' };

export default function PaymentResultPage() {
  const { params } = useRouter();
  const orderId = params.orderId ?? '';
  const queryClient = useQueryClient();
  const [paymentId, setPaymentId] = useState(params.paymentId ?? '');
  const [cue, setCue] = useState<PayOutcome | null>(() => parseOutcome(params.outcome));
  // A new round of waiting (another payment, a retry, a manual refresh) restarts the limit.
  const [round, setRound] = useState(0);
  const [timedOut, setTimedOut] = useState(false);
  const [paying, setPaying] = useState(false);
  const payOrder = usePayOrder();

  useEffect(() => {
    setTimedOut(false);
    const timer = setTimeout(() => setTimedOut(true), PAYMENT_POLL_LIMIT_MS);
    return () => clearTimeout(timer);
  }, [paymentId, round]);

  const payment = useQuery({
    ...getPaymentOptions(paymentId),
    refetchInterval: (query) => (shouldPoll(query.state.data?.status, cue, timedOut) ? PAYMENT_POLL_INTERVAL_MS : false),
  });
  useLoginGate(payment.error, payment.refetch);
  const status = payment.data?.status;
  const view: ResultView | null = status ? resultView(status, cue, timedOut) : null;

  // Paid (by the server's word): every order view is out of date now.
  useEffect(() => {
    if (status === 'paid') {
      void queryClient.invalidateQueries({ queryKey: keys.orders.all() });
    }
  }, [status, queryClient]);

  const refresh = () => {
    setCue(null);
    setRound((r) => r + 1);
    void payment.refetch();
  };

  const payAgain = async (current: Payment) => {
    if (paying || !orderId) return;
    setPaying(true);
    try {
      // A payment still open at the channel is reused; a failed or closed one needs a new one.
      const stillOpen = current.status === 'paying' && current.expiresAt > Date.now();
      const result = stillOpen ? await payOrder.resume(current, orderId) : await payOrder.start(orderId);
      if (leftForCashier(result)) return;
      setPaymentId(result.payment.id);
      setCue(result.outcome);
      setRound((r) => r + 1);
      await queryClient.invalidateQueries({ queryKey: keys.payments.detail(result.payment.id) });
    } catch (e) {
      void Taro.showToast({ title: e instanceof Error ? e.message : errorMessage('UNKNOWN'), icon: 'none' });
    } finally {
      setPaying(false);
    }
  };

  const viewOrders = () => {
    const tab = status === 'paid' ? 'paid' : 'pending_payment';
    void Taro.redirectTo({ url: `/pages/orders/index?status=${tab}` });
  };
  const continueShopping = () => void Taro.switchTab({ url: PAGES.home });

  return (
    <View className="pay-result">
      <OfflineBanner />
      <PageState
        isLoading={paymentId !== '' && payment.isLoading}
        isError={payment.isError && !payment.data}
        error={payment.error}
        isEmpty={paymentId === ''}
        emptyText={t('result.missing')}
        emptyActionText={t('result.viewOrders')}
        onEmptyAction={viewOrders}
        onRetry={() => void payment.refetch()}
        skeleton={<Skeleton rows={3} />}
      >
        {payment.data && view && (
          <View className={`pay-result__card pay-result__card--${view}`} data-testid="pay-result" data-view={view}>
            <View className={`pay-result__icon pay-result__icon--${view}`}>
              <Text className="pay-result__glyph">{GLYPHS[view]}</Text>
            </View>
            <Text className="pay-result__title">{t(TITLES[view])}</Text>
            <Text className="pay-result__hint">{t(HINTS[view])}</Text>
            <View className="pay-result__amount">
              <Text>{t('result.amount')}</Text>
              <Price fen={payment.data.amount} size="lg" />
            </View>
            <View className="pay-result__actions">
              {view === 'paid' && (
                <>
                  <Button className="pay-result__primary" onClick={viewOrders}>
                    {t('result.viewOrders')}
                  </Button>
                  <Button className="pay-result__secondary" onClick={continueShopping}>
                    {t('result.continueShopping')}
                  </Button>
                </>
              )}
              {(view === 'unpaid' || view === 'closed') && (
                <>
                  <Button
                    className={`pay-result__primary${paying ? ' is-disabled' : ''}`}
                    disabled={disabledProp(paying)}
                    onClick={() => payment.data && void payAgain(payment.data)}
                  >
                    {paying ? t('result.payStarting') : t('result.payAgain')}
                  </Button>
                  <Button className="pay-result__secondary" onClick={viewOrders}>
                    {t('result.viewOrders')}
                  </Button>
                </>
              )}
              {view === 'timeout' && (
                <>
                  <Button className="pay-result__primary" onClick={refresh}>
                    {t('result.refresh')}
                  </Button>
                  <Button className="pay-result__secondary" onClick={viewOrders}>
                    {t('result.viewOrders')}
                  </Button>
                </>
              )}
            </View>
          </View>
        )}
      </PageState>
    </View>
  );
}
