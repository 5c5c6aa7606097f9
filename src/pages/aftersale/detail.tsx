import type { AfterSale } from '@contract/aftersale';
import type { Refund } from '@contract';
import { formatPrice } from '@contract/money';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { type ReactNode, useRef, useState } from 'react';
import { disabledProp, Picture, Price, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { afterSaleKindLabels, afterSaleReasonLabels, afterSaleStatusHints, afterSaleStatusLabels } from '@/i18n/aftersale-labels';
import { errorMessage, refundStatusLabels, tenderLabels } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { useCancelAfterSale } from '@/services/aftersale/cancelAfterSale';
import { CANCELLABLE_STATUSES } from '@/services/aftersale/estimate';
import { useAfterSale } from '@/services/aftersale/getAfterSale';
import { useLoginGate } from '@/services/checkout/login-gate';
import { useShipAfterSaleReturn } from '@/services/aftersale/shipAfterSaleReturn';
import { formatTime } from '@/services/order/time';
import { openPage } from '@/services/platform/nav';
import { previewImages } from '@/services/platform/preview';
import { assetUrl } from '@/services/http';
import { useRealtimeLive } from '@/services/realtime';
import { useRefunds } from '@/services/refund/listRefunds';
import { AfterSaleLineRow } from './as-line';
import { steps } from './steps';
import './shared.css';
import './detail.css';

const TRACKING_NO = /^[A-Za-z0-9-]{4,40}$/;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <View className="as-row">
      <Text className="as-row__label">{label}</Text>
      <View className="as-row__value">{children}</View>
    </View>
  );
}

function copy(text: string) {
  void Taro.setClipboardData({ data: text }).then(
    () => Taro.showToast({ title: t('aftersale.copied'), icon: 'none' }),
    () => undefined,
  );
}

function partText(part: Refund['parts'][number]): string {
  const label = part.kind === 'points' ? t('refund.partPoints', { points: part.points ?? 0 }) : tenderLabels[part.kind];
  return `${label} ${formatPrice(part.amount)}`;
}

/** The progress as steps: done ones, the current one in red, the ones to come grey. */
function Steps({ afterSale }: { afterSale: AfterSale }) {
  const list = steps(afterSale);
  return (
    <View className="as-steps" data-testid="as-steps">
      {list.map((s, i) => (
        <View key={s.label} className={`as-step as-step--${s.state}`} data-testid="as-step" data-state={s.state}>
          <View className="as-step__dot">
            <Text className="as-step__n">{i + 1}</Text>
          </View>
          <Text className="as-step__label">{s.label}</Text>
        </View>
      ))}
    </View>
  );
}

function ReturnForm({ afterSale }: { afterSale: AfterSale }) {
  const ship = useShipAfterSaleReturn();
  const [carrier, setCarrier] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const busyRef = useRef(false);

  async function submit() {
    if (busyRef.current) return;
    const c = carrier.trim();
    const n = trackingNo.trim();
    if (!c) return setError(t('aftersale.carrierRequired'));
    if (!TRACKING_NO.test(n)) return setError(t('aftersale.trackingNoInvalid'));
    setError(null);
    busyRef.current = true;
    try {
      await ship.mutateAsync({ id: afterSale.id, carrier: c, trackingNo: n });
      void Taro.showToast({ title: t('aftersale.returnSubmitted'), icon: 'success' });
    } catch (e) {
      setError(e instanceof Error ? e.message : errorMessage('UNKNOWN'));
    } finally {
      busyRef.current = false;
    }
  }

  return (
    <View className="as-card" data-testid="return-form">
      <Text className="as-card__title">{t('aftersale.returnForm')}</Text>
      <View className="as-field">
        <Text className="as-field__label">{t('aftersale.carrier')}</Text>
        <Input className="as-field__input" value={carrier} maxlength={40} placeholder={t('aftersale.carrierPlaceholder')} onInput={(e) => setCarrier(e.detail.value)} />
      </View>
      <View className="as-field">
        <Text className="as-field__label">{t('aftersale.trackingNo')}</Text>
        <Input className="as-field__input" value={trackingNo} maxlength={40} placeholder={t('aftersale.trackingNoPlaceholder')} onInput={(e) => setTrackingNo(e.detail.value)} />
      </View>
      {error && (
        <Text className="as-error" data-testid="return-error">
          {error}
        </Text>
      )}
      <Button className="btn-primary as-form-submit" disabled={disabledProp(ship.isPending)} onClick={() => void submit()}>
        {ship.isPending ? t('aftersale.submitting') : t('aftersale.submitReturn')}
      </Button>
    </View>
  );
}

/** The request's refund as the payment module has it: status and where each part goes back. */
function RefundCard({ afterSale }: { afterSale: AfterSale }) {
  const refunds = useRefunds(afterSale.orderId, afterSale.refundId !== null);
  const refund = refunds.data?.items.find((r) => r.id === afterSale.refundId);
  if (!afterSale.refundId) return null;
  return (
    <View className="as-card" data-testid="as-refund">
      <Text className="as-card__title">{t('aftersale.refund')}</Text>
      <Row label={t('aftersale.refundStatus')}>
        <Text className={`as-refund-status as-refund-status--${refund?.status ?? 'processing'}`} data-testid="refund-status">
          {refund ? refundStatusLabels[refund.status] : t('loading')}
        </Text>
      </Row>
      {refund && (
        <>
          <Row label={t('aftersale.amount')}>
            <Price fen={refund.amount} size="sm" />
          </Row>
          {refund.parts.length > 0 && (
            <Row label={t('aftersale.refundParts')}>
              <Text className="as-text">{refund.parts.map(partText).join('，')}</Text>
            </Row>
          )}
          {refund.succeededAt !== null && (
            <Row label={t('aftersale.refundedAt')}>
              <Text className="as-text">{formatTime(refund.succeededAt)}</Text>
            </Row>
          )}
        </>
      )}
    </View>
  );
}

export default function AfterSaleDetailPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  // Pushes (after_sale.* on the user's topic) keep it current; without them it polls.
  const live = useRealtimeLive();
  const query = useAfterSale(id, !live);
  useLoginGate(query.error, query.refetch);
  const cancel = useCancelAfterSale();
  const cancelling = useRef(false);

  const data = query.data;

  async function withdraw(a: AfterSale) {
    if (cancelling.current) return;
    cancelling.current = true;
    try {
      const res = await Taro.showModal({ title: t('aftersale.cancelTitle'), content: t('aftersale.cancelConfirm'), confirmText: t('confirm'), cancelText: t('cancel') });
      if (!res.confirm) return;
      await cancel.mutateAsync(a.id);
      void Taro.showToast({ title: t('aftersale.cancelled'), icon: 'success' });
    } catch (e) {
      void Taro.showToast({ title: e instanceof Error ? e.message : errorMessage('UNKNOWN'), icon: 'none' });
    } finally {
      cancelling.current = false;
    }
  }

  const address = data?.returnAddress;
  const addressText = address ? `${address.name} ${address.phone} ${address.address}` : '';
  const deadline =
    data?.deadlineAt && data.status === 'requested'
      ? t('aftersale.deadlineMerchant', { time: formatTime(data.deadlineAt) })
      : data?.deadlineAt && data.status === 'awaiting_return'
        ? t('aftersale.deadlineReturn', { time: formatTime(data.deadlineAt) })
        : null;

  return (
    <PageFrame
      title={t('aftersale.detailTitle')}
      className="as-detail"
      query={query}
      isEmpty={id === ''}
      emptyText={t('aftersale.missingId')}
      notFoundText={t('aftersale.notFound')}
      skeleton={<Skeleton rows={8} avatar />}
    >
      {data && (
        <>
          <View className={`as-head as-head--${data.status}`} data-testid="as-head" data-status={data.status}>
            <Text className="as-head__status" data-testid="as-status">
              {afterSaleStatusLabels[data.status]}
            </Text>
            <Text className="as-head__hint">{afterSaleStatusHints[data.status]}</Text>
            {deadline && <Text className="as-head__hint">{deadline}</Text>}
            {data.status === 'rejected' && data.rejectReason && (
              <Text className="as-head__reject" data-testid="reject-reason">
                {t('aftersale.rejectReason', { reason: data.rejectReason })}
              </Text>
            )}
          </View>

          <Steps afterSale={data} />

          {address && (data.status === 'awaiting_return' || data.status === 'returning') && (
            <View className="as-card" data-testid="return-address">
              <View className="as-card__head">
                <Text className="as-card__title">{t('aftersale.returnAddress')}</Text>
                <View className="as-copy" role="button" onClick={() => copy(addressText)}>
                  <Text>{t('aftersale.copyAddress')}</Text>
                </View>
              </View>
              <Text className="as-text">
                {address.name} {address.phone}
              </Text>
              <Text className="as-text">{address.address}</Text>
            </View>
          )}

          {data.status === 'awaiting_return' && <ReturnForm afterSale={data} />}

          {data.returnCarrier && data.returnTrackingNo && (
            <View className="as-card" data-testid="return-shipment">
              <Text className="as-card__title">{t('aftersale.returnShipment')}</Text>
              <Row label={t('aftersale.carrier')}>
                <Text className="as-text">{data.returnCarrier}</Text>
              </Row>
              <Row label={t('aftersale.trackingNo')}>
                <Text className="as-text" selectable>
                  {data.returnTrackingNo}
                </Text>
                <View className="as-copy" role="button" onClick={() => copy(data.returnTrackingNo ?? '')}>
                  <Text>{t('detail.copy')}</Text>
                </View>
              </Row>
            </View>
          )}

          <RefundCard afterSale={data} />

          <View className="as-card">
            <View className="as-card__head">
              <Text className="as-card__title">{afterSaleKindLabels[data.kind]}</Text>
              <View data-testid="as-amount" className="as-amount">
                <Text className="as-row__label">{t('aftersale.amount')}</Text>
                <Price fen={data.amount} />
              </View>
            </View>
            {data.shippingAmount > 0 && <Text className="as-card__hint">{t('aftersale.shippingIncluded', { amount: formatPrice(data.shippingAmount) })}</Text>}
            {data.lines.map((l) => (
              <AfterSaleLineRow key={l.lineNo} line={l} />
            ))}
          </View>

          <View className="as-card">
            <Row label={t('aftersale.reasonLabel')}>
              <Text className="as-text">{afterSaleReasonLabels[data.reason]}</Text>
            </Row>
            {data.description && (
              <Row label={t('aftersale.descriptionLabel')}>
                <Text className="as-text">{data.description}</Text>
              </Row>
            )}
            {data.photos.length > 0 && (
              <Text className="as-row__label as-photos-label">{t('aftersale.photosLabel')}</Text>
            )}
            {data.photos.length > 0 && (
              <View className="as-photo-row" data-testid="as-photos">
                {data.photos.map((p, i) => (
                  <Picture
                    key={p.id}
                    className="as-photo-thumb"
                    src={p.url}
                    alt={t('aftersale.photoAlt', { n: i + 1 })}
                    onClick={() => void previewImages(data.photos.map((x) => assetUrl(x.url)), assetUrl(p.url))}
                  />
                ))}
              </View>
            )}
            <Row label={t('aftersale.orderNo')}>
              <Text className="as-text as-link" onClick={() => void openPage(`/pages/orders/detail?id=${encodeURIComponent(data.orderId)}`)}>
                {data.orderNo}
              </Text>
            </Row>
            <Row label={t('aftersale.createdAt')}>
              <Text className="as-text">{formatTime(data.createdAt)}</Text>
            </Row>
            {data.refundedAt !== null && (
              <Row label={t('aftersale.refundedAt')}>
                <Text className="as-text">{formatTime(data.refundedAt)}</Text>
              </Row>
            )}
          </View>

          {CANCELLABLE_STATUSES.includes(data.status) && (
            <View className="as-detail__bar">
              <Button className="as-btn" disabled={disabledProp(cancel.isPending)} onClick={() => void withdraw(data)}>
                {t('aftersale.cancel')}
              </Button>
            </View>
          )}
        </>
      )}
    </PageFrame>
  );
}
