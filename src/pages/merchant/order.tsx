import type { MerchantOrderDetail } from '@contract';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { disabledProp, Price, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { orderStatusLabels } from '@/i18n/messages';
import { t } from '@/i18n/workbench';
import { carrierLabels, merchantOrderTabLabels } from '@/i18n/merchant';
import { isApiError } from '@/services/http';
import { useIntentKey } from '@/services/merchant/intent-key';
import { useMerchantOrder, useRemarkOrder, useShipOrder, useVerifyPickup } from '@/services/merchant/orders';
import { CARRIERS, emptyParcel, MAX_PARCELS, type ParcelDraft, shipBody, shipFormProblem } from './ship-form';
import { confirmAction, errorText, formatTime, Item, Row, Sheet, toast, useWorkbench, wbFrame } from './shared';
import './workbench.css';
import './order.css';

export function ShipSheet({ order, merchantId, onClose }: { order: MerchantOrderDetail; merchantId: string; onClose: () => void }) {
  const ship = useShipOrder(merchantId);
  const intent = useIntentKey();
  const [parcels, setParcels] = useState<ParcelDraft[]>([emptyParcel()]);
  const [split, setSplit] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (i: number, patch: Partial<ParcelDraft>) => {
    setProblem(null);
    setParcels((ps) => ps.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  };
  const toggleLine = (i: number, line: number) => {
    const p = parcels[i];
    update(i, { lineNos: p.lineNos.includes(line) ? p.lineNos.filter((l) => l !== line) : [...p.lineNos, line] });
  };

  const submit = async () => {
    if (busy) return;
    const bad = shipFormProblem(parcels, split, order.lines.length);
    if (bad) {
      setProblem(bad);
      return;
    }
    setBusy(true);
    try {
      if (!(await confirmAction(t('wb.ship.confirm')))) return;
      const body = shipBody(parcels, split);
      await ship.mutateAsync({ orderId: order.id, body, idempotencyKey: intent.keyFor({ orderId: order.id, body }) });
      intent.done();
      toast(t('wb.ship.done'), 'success');
      onClose();
    } catch (e) {
      setProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Sheet title={t('wb.ship.title')} onClose={onClose}>
      <View data-testid="wb-ship-form">
        {parcels.map((p, i) => (
          <View key={i} className="wb-parcel">
            {parcels.length > 1 && (
              <View className="wb-parcel__head">
                <Text>{t('wb.order.parcelN', { n: i + 1 })}</Text>
                <Text className="wb-parcel__remove" onClick={() => setParcels((ps) => ps.filter((_, j) => j !== i))}>
                  {t('wb.ship.removeParcel')}
                </Text>
              </View>
            )}
            <Text className="wb-field__label">{t('wb.ship.carrier')}</Text>
            <View className="wb-chips wb-field">
              {CARRIERS.map((c) => (
                <View key={c} className={`wb-chip${p.carrier === c ? ' wb-chip--on' : ''}`} aria-pressed={p.carrier === c} onClick={() => update(i, { carrier: c })} data-testid={`carrier-${i}-${c}`}>
                  {carrierLabels[c]}
                </View>
              ))}
            </View>
            <Text className="wb-field__label">{t('wb.ship.trackingNo')}</Text>
            <Input
              className="wb-input wb-field"
              value={p.trackingNo}
              placeholder={t('wb.ship.trackingPlaceholder')}
              maxlength={40}
              onInput={(e) => update(i, { trackingNo: e.detail.value })}
              data-testid={`tracking-${i}`}
            />
            {split && (
              <View className="wb-chips wb-field">
                {order.lines.map((line, n) => (
                  <View key={n} className={`wb-chip${p.lineNos.includes(n) ? ' wb-chip--on' : ''}`} aria-pressed={p.lineNos.includes(n)} onClick={() => toggleLine(i, n)} data-testid={`line-${i}-${n}`}>
                    {`${line.title}${line.specText ? ` ${line.specText}` : ''} ×${line.quantity}`}
                  </View>
                ))}
              </View>
            )}
          </View>
        ))}
        <View className="wb-chips">
          {parcels.length < MAX_PARCELS && (
            <View className="wb-chip" onClick={() => setParcels((ps) => [...ps, emptyParcel()])} data-testid="add-parcel">
              {t('wb.ship.addParcel')}
            </View>
          )}
          {order.lines.length > 1 && (
            <View className={`wb-chip${split ? ' wb-chip--on' : ''}`} aria-pressed={split} onClick={() => { setSplit(!split); setProblem(null); }} data-testid="split-lines">
              {t('wb.ship.splitLines')}
            </View>
          )}
        </View>
        {problem && (
          <View className="wb-error" role="alert" data-testid="wb-ship-problem">
            {problem}
          </View>
        )}
        <Button className="wb-btn wb-btn--primary wb-btn--block" disabled={disabledProp(busy)} onClick={() => void submit()} data-testid="wb-ship-submit">
          {busy ? t('wb.ship.submitting') : t('wb.ship.submit')}
        </Button>
      </View>
    </Sheet>
  );
}

/** A failed pickup, with what the server tells beyond the code: the tries left, or how long the lock lasts. */
function pickupProblem(e: unknown): string {
  if (isApiError(e) && e.code === 'PICKUP_CODE_INVALID') {
    const left = e.extraNumber('attemptsLeft');
    if (left !== undefined) return left > 0 ? t('wb.pickup.attemptsLeft', { n: left }) : t('wb.pickup.noAttemptsLeft');
  }
  if (isApiError(e) && e.code === 'PICKUP_CODE_LOCKED') {
    const seconds = e.extraNumber('retryAfterSeconds');
    if (seconds !== undefined && seconds > 0) return t('wb.pickup.lockedFor', { n: Math.ceil(seconds / 60) });
  }
  return errorText(e);
}

function PickupSheet({ order, merchantId, onClose }: { order: MerchantOrderDetail; merchantId: string; onClose: () => void }) {
  const verify = useVerifyPickup(merchantId);
  const intent = useIntentKey();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    if (busy) return;
    if (!/^\d{6}$/.test(code)) {
      setProblem(t('wb.pickup.bad'));
      return;
    }
    setBusy(true);
    try {
      await verify.mutateAsync({ orderId: order.id, body: { code }, idempotencyKey: intent.keyFor({ orderId: order.id, code }) });
      intent.done();
      toast(t('wb.pickup.done'), 'success');
      onClose();
    } catch (e) {
      intent.done();
      setProblem(pickupProblem(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Sheet title={t('wb.pickup.title')} onClose={onClose}>
      <Input
        className="wb-input wb-pickup__code"
        type="number"
        value={code}
        maxlength={6}
        placeholder={t('wb.pickup.placeholder')}
        onInput={(e) => {
          setProblem(null);
          setCode(e.detail.value.replace(/\D/g, '').slice(0, 6));
        }}
        data-testid="wb-pickup-code"
      />
      {problem && (
        <View className="wb-error" role="alert" data-testid="wb-pickup-problem">
          {problem}
        </View>
      )}
      <Button className="wb-btn wb-btn--primary wb-btn--block" disabled={disabledProp(busy)} onClick={() => void submit()} data-testid="wb-pickup-submit">
        {t('wb.pickup.submit')}
      </Button>
    </Sheet>
  );
}

function RemarkCard({ order, merchantId }: { order: MerchantOrderDetail; merchantId: string }) {
  const remark = useRemarkOrder(merchantId);
  const intent = useIntentKey();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(order.merchantRemark ?? '');
  const save = async () => {
    if (remark.isPending) return;
    const body = { remark: text.trim() };
    try {
      await remark.mutateAsync({ orderId: order.id, body, idempotencyKey: intent.keyFor({ orderId: order.id, body }) });
      intent.done();
      setEditing(false);
      toast(t('wb.order.remarkSaved'), 'success');
    } catch (e) {
      toast(errorText(e));
    }
  };
  return (
    <View className="wb-card" data-testid="wb-remark">
      <View className="wb-card__title">
        <Text>
          {t('wb.order.remark')} <Text className="wb-card__aside">{t('wb.order.remarkHint')}</Text>
        </Text>
        {!editing && (
          <Text className="wb-link" onClick={() => { setText(order.merchantRemark ?? ''); setEditing(true); }} data-testid="wb-remark-edit">
            {t('wb.order.remarkEdit')}
          </Text>
        )}
      </View>
      {editing ? (
        <>
          <Textarea className="wb-textarea" value={text} maxlength={200} placeholder={t('wb.order.remarkPlaceholder')} onInput={(e) => setText(e.detail.value)} data-testid="wb-remark-input" />
          <View className="wb-actions">
            <Button className="wb-btn" onClick={() => setEditing(false)}>
              {t('cancel')}
            </Button>
            <Button className="wb-btn wb-btn--primary" disabled={disabledProp(remark.isPending)} onClick={() => void save()} data-testid="wb-remark-save">
              {remark.isPending ? t('wb.order.saving') : t('wb.order.save')}
            </Button>
          </View>
        </>
      ) : (
        <Text className={order.merchantRemark ? 'wb-remark' : 'wb-muted'}>{order.merchantRemark || t('wb.order.remarkEmpty')}</Text>
      )}
    </View>
  );
}

function statusText(o: MerchantOrderDetail): string {
  if (o.status === 'paid') return o.fulfilmentType === 'pickup' ? merchantOrderTabLabels.to_pickup : merchantOrderTabLabels.to_ship;
  // The merchant's word: shipped is 已发货 (the shopper's page says 待收货).
  if (o.status === 'shipped') return merchantOrderTabLabels.shipped;
  return orderStatusLabels[o.status];
}

export default function WorkbenchOrder() {
  const { params } = useRouter();
  const orderId = params.id ?? '';
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const order = useMerchantOrder(canRun ? merchantId : '', orderId);
  const [sheet, setSheet] = useState<'ship' | 'pickup' | null>(null);

  const o = order.data;
  const canShip = o?.status === 'paid' && o.fulfilmentType === 'delivery';
  const canPickup = o?.status === 'paid' && o.fulfilmentType === 'pickup';

  return (
    <PageFrame {...wbFrame(wb, canRun)} title={t('wb.order.title')} query={order} skeleton={<Skeleton rows={6} />}>
      {o && (
        <>
          <View className="wb-order-detail__status">
            <Text className="wb-order-detail__status-text" data-testid="wb-order-status">
              {statusText(o)}
            </Text>
            <Text className="wb-order-detail__no">{`${t('wb.order.no')} ${o.orderNo}`}</Text>
          </View>
          <View className="wb-card">
            <View className="wb-card__title">{t('wb.order.buyer')}</View>
            <Row label={o.contactName}>
              <Text className="wb-link" onClick={() => void Taro.makePhoneCall({ phoneNumber: o.contactPhone }).catch(() => undefined)}>
                {o.contactPhone}
              </Text>
            </Row>
            <Row label={o.fulfilmentType === 'pickup' ? t('wb.order.pickupAt') : t('wb.order.shipTo')}>
              <Text>{o.shipTo}</Text>
            </Row>
            {o.buyerRemark && (
              <Row label={t('wb.order.buyerRemark')}>
                <Text>{o.buyerRemark}</Text>
              </Row>
            )}
          </View>
          <View className="wb-card">
            <View className="wb-card__title">{t('wb.order.lines')}</View>
            {o.lines.map((line, i) => (
              <Item key={`${line.skuId}-${i}`} image={line.image} title={line.title} meta={line.specText}>
                <View className="wb-order-detail__line-foot">
                  <Price fen={line.unitPrice} size="sm" />
                  <Text className="wb-muted">×{line.quantity}</Text>
                </View>
              </Item>
            ))}
            <Row label={t('wb.order.itemsAmount')}>
              <Price fen={o.amounts.itemsAmount} size="sm" />
            </Row>
            <Row label={t('wb.order.shipping')}>
              <Price fen={o.amounts.shippingAmount} size="sm" />
            </Row>
            {o.amounts.discountAmount > 0 && (
              <Row label={t('wb.order.discount')}>
                <Text>-</Text>
                <Price fen={o.amounts.discountAmount} size="sm" />
              </Row>
            )}
            <Row label={t('wb.order.payable')}>
              <Price fen={o.amounts.payableAmount} />
            </Row>
          </View>
          <View className="wb-card">
            <View className="wb-card__title">{t('wb.order.payments')}</View>
            <Row label={t('wb.order.paid')}>
              <Price fen={o.payments.paidAmount} size="sm" />
            </Row>
            {o.payments.refundedAmount > 0 && (
              <Row label={t('wb.order.refunded')}>
                <Price fen={o.payments.refundedAmount} size="sm" />
              </Row>
            )}
            {o.payments.paidAt && (
              <Row label={t('wb.order.paidAt')}>
                <Text>{formatTime(o.payments.paidAt)}</Text>
              </Row>
            )}
          </View>
          {o.shipments.length > 0 && (
            <View className="wb-card" data-testid="wb-parcels">
              <View className="wb-card__title">{t('wb.order.parcels')}</View>
              {o.shipments.map((s, i) => (
                <Row key={s.id} label={t('wb.order.parcelN', { n: i + 1 })}>
                  <Text>{`${s.carrierName} ${s.trackingNo}`}</Text>
                  <Text className="wb-muted wb-block">
                    {s.lineNos ? t('wb.order.parcelLines', { lines: s.lineNos.map((n) => n + 1).join('、') }) : t('wb.order.parcelAll')}
                  </Text>
                </Row>
              ))}
            </View>
          )}
          <RemarkCard key={o.merchantRemark ?? ''} order={o} merchantId={merchantId} />
          {(canShip || canPickup) && (
            <>
              <View className="wb-bar-space" />
              <View className="wb-bar">
                {canShip && (
                  <Button className="wb-btn wb-btn--primary" onClick={() => setSheet('ship')} data-testid="wb-ship">
                    {t('wb.ship.action')}
                  </Button>
                )}
                {canPickup && (
                  <Button className="wb-btn wb-btn--primary" onClick={() => setSheet('pickup')} data-testid="wb-pickup">
                    {t('wb.pickup.action')}
                  </Button>
                )}
              </View>
            </>
          )}
          {sheet === 'ship' && <ShipSheet order={o} merchantId={merchantId} onClose={() => setSheet(null)} />}
          {sheet === 'pickup' && <PickupSheet order={o} merchantId={merchantId} onClose={() => setSheet(null)} />}
        </>
      )}
    </PageFrame>
  );
}
