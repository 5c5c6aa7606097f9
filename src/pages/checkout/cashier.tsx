import type { Order, ParentOrder, PayChannel, Payment, Wallet } from '@contract';
import { formatPrice } from '@contract/money';
import { DEFAULT_POINTS_RULE, fenPerPoint, pointsCapFen } from '@contract/tender-split';
import { useQuery } from '@tanstack/react-query';
import { Button, Image, Input, Switch, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useRef, useState } from 'react';
import { OfflineBanner, PageState, Price, Skeleton, disabledProp, TitleBar } from '@/components';
import { channelLogo } from '@/components/icon/brands';
import { channelLabels, errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { useLoginGate } from '@/services/checkout/login-gate';
import { isApiError } from '@/services/http';
import { getOrderOptions } from '@/services/order/getOrder';
import { useParentOrder } from '@/services/order/getParentOrder';
import { formatCountdown, formatTime } from '@/services/order/time';
import { useCountdown } from '@/services/order/useCountdown';
import { useCancelPayment } from '@/services/payment/cancelPayment';
import {
  type AddedGiftCard,
  amountDue,
  channelsFor,
  dueLines,
  heldTenders,
  isParentOrderId,
  liveSplit,
  paymentBody,
  sceneFor,
  tenderNames,
} from '@/services/payment/cashier';
import { useOpenPayments } from '@/services/payment/listOpenPayments';
import { isRetryableFailure, leftForCashier, resultPath, useStartPayment } from '@/services/payment/payOrder';
import { PAGES } from '@/services/platform/nav';
import { useWallet } from '@/services/wallet/getWallet';
import { GIFT_CARD_NUMBER, GIFT_CARD_PIN, normalizeCardInput, useVerifyGiftCard } from '@/services/wallet/verifyGiftCard';
import { ClosingPaymentNotice, OpenPaymentCard } from './open-payment';
import './cashier.css';

/** The contract allows this many gift cards in one payment. */
const MAX_GIFT_CARDS = 5;

/** Until the wallet has loaded (or if it cannot), the remainder simply goes to the channel. */
const EMPTY_WALLET: Wallet = { balance: 0, points: 0, pointsRule: DEFAULT_POINTS_RULE };

/** Codes after which the wallet or a card changed under the shopper: show the fresh numbers. */
const STALE_TENDER_CODES = new Set(['INSUFFICIENT_FUNDS', 'GIFT_CARD_INVALID', 'GIFT_CARD_EXPIRED', 'GIFT_CARD_LOCKED']);

function toast(title: string) {
  void Taro.showToast({ title, icon: 'none', duration: 2500 });
}

function errorText(e: unknown): string {
  return isApiError(e) || e instanceof Error ? e.message : errorMessage('UNKNOWN');
}

/** Parent and child orders both answer with `expiresAt` and the children's states. */
function useCashierOrder(orderId: string) {
  const parent = isParentOrderId(orderId);
  const parentQuery = useParentOrder(orderId, parent);
  const childQuery = useQuery({ ...getOrderOptions(orderId), enabled: !parent && orderId !== '' });
  return parent ? parentQuery : childQuery;
}

function allEnded(source: Order | ParentOrder): boolean {
  const children = 'children' in source ? source.children : [source];
  return children.every((c) => c.status === 'cancelled' || c.status === 'closed');
}

function Minus({ fen }: { fen: number }) {
  return <Text className="cashier__minus">{formatPrice(-fen)}</Text>;
}

function ChannelLogo({ channel }: { channel: PayChannel }) {
  const src = channelLogo(channel);
  return src ? <Image className="cashier__channel-logo" src={src} mode="aspectFit" aria-hidden="true" /> : null;
}

export default function CashierPage() {
  const { params } = useRouter();
  const orderId = params.orderId ?? '';
  const env = process.env.TARO_ENV;
  const channels = channelsFor(env);

  const order = useCashierOrder(orderId);
  useLoginGate(order.error, order.refetch);
  const wallet = useWallet(orderId !== '');
  const verify = useVerifyGiftCard();
  const payment = useStartPayment();
  const cancelPayment = useCancelPayment();
  // A payment left at the channel's cashier holds tenders: offer it instead of a new split.
  const open = useOpenPayments(orderId);
  const openPayments = open.data ?? [];
  const paying = openPayments.find((p) => p.status === 'paying') ?? null;
  const closing = openPayments.filter((p) => p.status === 'closing');
  const held = heldTenders(closing);

  const [useBalance, setUseBalance] = useState(false);
  const [usePoints, setUsePoints] = useState(false);
  const [cards, setCards] = useState<AddedGiftCard[]>([]);
  const [cardNumber, setCardNumber] = useState('');
  const [cardPin, setCardPin] = useState('');
  const [cardError, setCardError] = useState<string | null>(null);
  const [channel, setChannel] = useState<PayChannel>(channels[0]);
  const busyRef = useRef(false);
  const [busy, setBusy] = useState(false);

  const source = order.data;
  const lines = useMemo(() => (source ? dueLines(source) : []), [source]);
  const due = amountDue(lines);
  const w = wallet.data ?? EMPTY_WALLET;
  const use = { balance: useBalance, points: usePoints, giftCards: cards };
  const split = liveSplit(due, w, use);
  const left = useCountdown(source && due > 0 ? source.expiresAt : null, () => void order.refetch());
  const expired = !!source && due > 0 && left === 0;
  const canSubmit = due > 0 && !expired && !busy && !verify.isPending && !paying;

  // A closing payment's tenders came back: read the wallet again.
  const closingCount = useRef(0);
  useEffect(() => {
    if (closingCount.current > 0 && closing.length === 0) void wallet.refetch();
    closingCount.current = closing.length;
  }, [closing.length, wallet]);

  const unit = fenPerPoint(w.pointsRule);
  const capFen = pointsCapFen(due, w.pointsRule);

  async function addCard() {
    if (verify.isPending) return;
    const number = normalizeCardInput(cardNumber);
    const pin = normalizeCardInput(cardPin);
    if (!GIFT_CARD_NUMBER.test(number)) return setCardError(t('cashier.cardNumberInvalid'));
    if (!GIFT_CARD_PIN.test(pin)) return setCardError(t('cashier.cardPinInvalid'));
    if (cards.some((c) => c.credential.number === number)) return setCardError(t('cashier.cardDuplicate'));
    if (cards.length >= MAX_GIFT_CARDS) return setCardError(t('cashier.cardLimit', { n: MAX_GIFT_CARDS }));
    setCardError(null);
    try {
      const view = await verify.mutateAsync({ number, pin });
      setCards((list) => (list.some((c) => c.credential.number === number) ? list : [...list, { credential: { number, pin }, view }]));
      setCardNumber('');
      setCardPin('');
    } catch (e) {
      setCardError(errorText(e));
    }
  }

  const removeCard = (number: string) => setCards((list) => list.filter((c) => c.credential.number !== number));

  async function submit() {
    if (busyRef.current || !canSubmit) return;
    busyRef.current = true;
    setBusy(true);
    let leaving = false;
    try {
      const result = await payment.start(paymentBody(orderId, use, split, channel, sceneFor(env)));
      // The payment exists now: this page is done (H5 is already on its way to the channel).
      leaving = true;
      if (!leftForCashier(result)) {
        void Taro.redirectTo({ url: resultPath(result.payment.id, orderId, result.outcome) });
      }
    } catch (e) {
      toast(errorText(e));
      if (isApiError(e) && STALE_TENDER_CODES.has(e.code)) void wallet.refetch();
      if (isApiError(e) && (e.code === 'ORDER_NOT_PAYABLE' || e.code === 'PAYMENT_EXPIRED')) void order.refetch();
      // The payment may exist though its answer was lost: it shows as the open payment.
      if (isRetryableFailure(e)) void open.refetch();
    } finally {
      busyRef.current = false;
      if (!leaving) setBusy(false);
    }
  }

  /** Opens the channel's cashier again for the payment left open (no new payment). */
  async function continueOpen(current: Payment) {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    let leaving = false;
    try {
      const result = await payment.resume(current, orderId);
      leaving = true;
      if (!leftForCashier(result)) void Taro.redirectTo({ url: resultPath(current.id, orderId, result.outcome) });
    } catch (e) {
      toast(errorText(e));
    } finally {
      busyRef.current = false;
      if (!leaving) setBusy(false);
    }
  }

  /** Gives up the payment left open: its tenders come back (once the channel agrees) and the shopper chooses again. */
  async function cancelOpen(current: Payment) {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    try {
      const ended = await cancelPayment.mutateAsync(current.id);
      const names = tenderNames(ended);
      if (ended.status === 'closing') toast(names ? t('cashier.openClosing', { tenders: names }) : t('cashier.openClosingNone'));
      else toast(names ? t('cashier.openReleased', { tenders: names }) : t('cashier.openCancelled'));
    } catch (e) {
      toast(errorText(e));
      void open.refetch();
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }

  const viewOrders = () => void Taro.redirectTo({ url: PAGES.orders('all') });

  const submitText = busy
    ? t('cashier.submitting')
    : split.channel > 0
      ? t('cashier.submit', { amount: formatPrice(split.channel) })
      : t('cashier.submitInternal', { amount: formatPrice(due) });

  return (
    <View className="cashier">
      <TitleBar title={t('cashier.title')} />
      <OfflineBanner />
      <PageState
        isLoading={orderId !== '' && (order.isLoading || open.isLoading)}
        isError={order.isError && !source}
        error={order.error}
        isEmpty={orderId === '' || (!!source && due === 0)}
        emptyText={orderId === '' ? t('cashier.missing') : source && allEnded(source) ? t('cashier.notPayable') : t('cashier.nothingDue')}
        emptyActionText={t('cashier.viewOrders')}
        onEmptyAction={viewOrders}
        onRetry={() => void order.refetch()}
        skeleton={<Skeleton rows={6} />}
      >
        {source && (
          <>
            <View className="cashier__head">
              <Text className="cashier__due-label">{t('cashier.due')}</Text>
              <View className="cashier__due" data-testid="cashier-due">
                <Price fen={due} size="lg" />
              </View>
              <Text className="cashier__countdown" data-testid="cashier-countdown">
                {expired ? t('cashier.expired') : t('cashier.expiresIn', { time: formatCountdown(left) })}
              </Text>
              {lines.length > 1 && (
                <View className="cashier__merchants">
                  {lines.map((l) => (
                    <View key={l.orderId} className="cashier__row">
                      <Text>{l.merchantName}</Text>
                      <Price fen={l.due} size="sm" />
                    </View>
                  ))}
                </View>
              )}
            </View>

            {paying && <OpenPaymentCard payment={paying} busy={busy} onContinue={() => void continueOpen(paying)} onCancel={() => void cancelOpen(paying)} />}
            {!paying && closing.length > 0 && <ClosingPaymentNotice payments={closing} />}
            {!paying && (
              <>
                <View className="cashier__card">
                  <View className="cashier__tender" data-testid="tender-balance">
                    <View className="cashier__tender-body">
                      <Text className="cashier__tender-name">{t('cashier.balance')}</Text>
                      <Text className="cashier__tender-sub">{t('cashier.balanceAvailable', { amount: formatPrice(w.balance) })}</Text>
                      {held.balance > 0 && <Text className="cashier__returning">{t('cashier.balanceReturning', { amount: formatPrice(held.balance) })}</Text>}
                    </View>
                    {split.balance > 0 && <Minus fen={split.balance} />}
                    <Switch
                      checked={useBalance}
                      disabled={w.balance === 0}
                      color="#d12b30"
                      onChange={(e) => setUseBalance(Boolean(e.detail.value) && w.balance > 0)}
                    />
                  </View>

                  <View className="cashier__tender" data-testid="tender-points">
                    <View className="cashier__tender-body">
                      <Text className="cashier__tender-name">{t('cashier.points')}</Text>
                      <Text className="cashier__tender-sub">
                        {t('cashier.pointsAvailable', { points: w.points, amount: formatPrice(w.points * unit) })}
                      </Text>
                      <Text className="cashier__tender-sub" data-testid="points-cap">
                        {t('cashier.pointsCap', { percent: w.pointsRule.capPercent, amount: formatPrice(capFen) })}
                      </Text>
                      {held.points > 0 && <Text className="cashier__returning">{t('cashier.pointsReturning', { points: held.points })}</Text>}
                    </View>
                    {split.points.amount > 0 && <Minus fen={split.points.amount} />}
                    <Switch
                      checked={usePoints}
                      disabled={w.points === 0}
                      color="#d12b30"
                      onChange={(e) => setUsePoints(Boolean(e.detail.value) && w.points > 0)}
                    />
                  </View>

                  <View className="cashier__tender-body" data-testid="tender-gift-cards">
                    <Text className="cashier__card-title">{t('cashier.giftCards')}</Text>
                    {cards.map((c) => {
                      const used = split.giftCards.find((g) => g.id === c.credential.number)?.amount ?? 0;
                      return (
                        <View key={c.credential.number} className="cashier__gift" data-testid="gift-card">
                          <View className="cashier__tender-body">
                            <Text className="cashier__tender-name">{c.view.maskedNumber}</Text>
                            <Text className="cashier__tender-sub">
                              {t('cashier.cardBalance', { amount: formatPrice(c.view.balance) })} ·{' '}
                              {t('cashier.cardExpires', { date: formatTime(c.view.expiresAt).slice(0, 10) })}
                            </Text>
                          </View>
                          {used > 0 && <Minus fen={used} />}
                          <Text className="cashier__remove" onClick={() => removeCard(c.credential.number)}>
                            {t('cashier.removeCard')}
                          </Text>
                        </View>
                      );
                    })}
                    <View className="cashier__card-form">
                      <Input
                        className="cashier__input"
                        type="number"
                        maxlength={19}
                        value={cardNumber}
                        placeholder={t('cashier.cardNumberPlaceholder')}
                        onInput={(e) => setCardNumber(e.detail.value)}
                      />
                      <Input
                        className="cashier__input cashier__input--pin"
                        type="number"
                        password
                        maxlength={6}
                        value={cardPin}
                        placeholder={t('cashier.cardPinPlaceholder')}
                        onInput={(e) => setCardPin(e.detail.value)}
                      />
                      <Button
                        className={`cashier__add${verify.isPending ? ' is-disabled' : ''}`}
                        disabled={disabledProp(verify.isPending || busy)}
                        onClick={() => void addCard()}
                      >
                        {verify.isPending ? t('cashier.addingCard') : t('cashier.addCard')}
                      </Button>
                    </View>
                    {cardError && (
                      <Text className="cashier__error" data-testid="gift-card-error">
                        {cardError}
                      </Text>
                    )}
                  </View>
                </View>

                <View className="cashier__card" data-testid="split">
                  <Text className="cashier__card-title">{t('cashier.split')}</Text>
                  {split.points.amount > 0 && (
                    <View className="cashier__row">
                      <Text>{t('cashier.splitPoints', { points: split.points.points })}</Text>
                      <Minus fen={split.points.amount} />
                    </View>
                  )}
                  {split.giftCards.map((g) => (
                    <View key={g.id} className="cashier__row">
                      <Text>{t('cashier.splitGiftCard', { card: cards.find((c) => c.credential.number === g.id)?.view.maskedNumber ?? '' })}</Text>
                      <Minus fen={g.amount} />
                    </View>
                  ))}
                  {split.balance > 0 && (
                    <View className="cashier__row">
                      <Text>{t('cashier.splitBalance')}</Text>
                      <Minus fen={split.balance} />
                    </View>
                  )}
                  <View className="cashier__row cashier__split-total" data-testid="split-remainder">
                    <Text>{t('cashier.remainder')}</Text>
                    <Price fen={split.channel} />
                  </View>
                </View>

                <View className="cashier__card" data-testid="channels">
                  <Text className="cashier__card-title">{t('cashier.channel')}</Text>
                  {split.channel === 0 ? (
                    <Text className="cashier__hint">{t('cashier.noChannelNeeded')}</Text>
                  ) : (
                    channels.map((c) => (
                      <View
                        key={c}
                        className="cashier__channel"
                        role="radio"
                        aria-checked={c === channel}
                        onClick={() => setChannel(c)}
                      >
                        <View className="cashier__channel-name">
                          <ChannelLogo channel={c} />
                          <Text>{channelLabels[c]}</Text>
                        </View>
                        <View className={`cashier__radio${c === channel ? ' cashier__radio--on' : ''}`} />
                      </View>
                    ))
                  )}
                </View>
              </>
            )}
          </>
        )}
      </PageState>

      {source && due > 0 && !paying && (
        <View className="cashier__bar">
          <Button
            className={`cashier__submit${canSubmit ? '' : ' is-disabled'}`}
            disabled={disabledProp(!canSubmit)}
            onClick={() => void submit()}
          >
            {submitText}
          </Button>
        </View>
      )}
    </View>
  );
}
