import type { AfterSale } from '@contract/aftersale';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { type ReactNode, useState } from 'react';
import { disabledProp, Picture, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { formatPrice } from '@contract/money';
import { t } from '@/i18n/workbench';
import { afterSaleKindLabels, afterSaleReasonLabels, afterSaleStatusLabels } from '@/i18n/merchant';
import { assetUrl } from '@/services/http';
import { type AfterSaleDecision, useDecideAfterSale, useMerchantAfterSale } from '@/services/merchant/after-sales';
import { useIntentKey } from '@/services/merchant/intent-key';
import { previewImages } from '@/services/platform/preview';
import { confirmAction, formatTime, Item, Row, toast, useOneAtATime, useWorkbench, wbFrame } from './shared';
import './workbench.css';
import './order.css';

const money = (fen: number) => formatPrice(fen);

export default function WorkbenchAfterSale() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const query = useMerchantAfterSale(canRun ? merchantId : '', id);
  const decide = useDecideAfterSale(merchantId);
  const intent = useIntentKey();
  const { run, busy } = useOneAtATime();
  const [form, setForm] = useState<'reject' | 'return' | null>(null);
  const [reason, setReason] = useState('');
  const [address, setAddress] = useState({ name: '', phone: '', address: '' });
  const [problem, setProblem] = useState<string | null>(null);

  const a = query.data;

  const act = (name: string, decision: AfterSaleDecision, confirmText: string) =>
    run(name, async () => {
      if (!a) return;
      if (!(await confirmAction(confirmText))) return;
      await decide.mutateAsync({ afterSaleId: a.id, decision, idempotencyKey: intent.keyFor({ id: a.id, decision }) });
      intent.done();
      setForm(null);
      toast(t('wb.as.done'), 'success');
    });

  const submitReject = () => {
    const text = reason.trim();
    if (!text) return setProblem(t('wb.as.rejectNeedReason'));
    setProblem(null);
    void act('reject', { kind: 'reject', reason: text }, t('wb.as.rejectConfirm'));
  };
  const submitReturn = () => {
    const r = { name: address.name.trim(), phone: address.phone.trim(), address: address.address.trim() };
    if (!r.name || !/^[0-9+-]{5,20}$/.test(r.phone) || !r.address) return setProblem(t('wb.as.returnIncomplete'));
    setProblem(null);
    void act('approveReturn', { kind: 'approveReturn', returnAddress: r }, t('wb.as.approveReturnConfirm'));
  };

  const actions = (x: AfterSale) => {
    const out: ReactNode[] = [];
    if (x.status === 'requested') {
      out.push(
        <Button key="reject" className="wb-btn wb-btn--danger" disabled={disabledProp(!!busy)} onClick={() => { setProblem(null); setForm('reject'); }} data-testid="as-reject">
          {t('wb.as.reject')}
        </Button>,
      );
      if (x.kind === 'refund_only') {
        out.push(
          <Button key="approve" className="wb-btn wb-btn--primary" disabled={disabledProp(!!busy)} onClick={() => void act('approve', { kind: 'approve' }, t('wb.as.approveConfirm', { amount: money(x.amount) }))} data-testid="as-approve">
            {t('wb.as.approve')}
          </Button>,
        );
      } else {
        out.push(
          <Button key="return" className="wb-btn wb-btn--primary" disabled={disabledProp(!!busy)} onClick={() => { setProblem(null); setForm('return'); }} data-testid="as-approve-return">
            {t('wb.as.approveReturn')}
          </Button>,
        );
      }
    }
    if (x.status === 'returning' || x.status === 'awaiting_return') {
      out.push(
        <Button key="receive" className="wb-btn wb-btn--primary" disabled={disabledProp(!!busy)} onClick={() => void act('receive', { kind: 'receive' }, t('wb.as.receiveConfirm', { amount: money(x.amount) }))} data-testid="as-receive">
          {t('wb.as.receive')}
        </Button>,
      );
    }
    if (x.status === 'refund_failed') {
      out.push(
        <Button key="retry" className="wb-btn wb-btn--primary" disabled={disabledProp(!!busy)} onClick={() => void act('retry', { kind: 'retryRefund' }, t('wb.as.retryConfirm'))} data-testid="as-retry">
          {t('wb.as.retry')}
        </Button>,
      );
    }
    return out;
  };

  const buttons = a ? actions(a) : [];

  return (
    <PageFrame {...wbFrame(wb, canRun)} title={t('wb.as.detailTitle')} query={query} skeleton={<Skeleton rows={6} />}>
      {a && (
        <>
          <View className="wb-order-detail__status">
            <Text className="wb-order-detail__status-text" data-testid="as-status">
              {afterSaleStatusLabels[a.status]}
            </Text>
            <Text className="wb-order-detail__no">{`${afterSaleKindLabels[a.kind]} · ${t('wb.as.amount')} ${money(a.amount)}`}</Text>
            {a.deadlineAt && a.status === 'requested' && <Text className="wb-order-detail__no">{t('wb.as.deadline', { time: formatTime(a.deadlineAt) })}</Text>}
          </View>
          <View className="wb-card">
            <Row label={t('wb.as.orderNo')}>
              <Text>{a.orderNo}</Text>
            </Row>
            <Row label={t('wb.as.reason')}>
              <Text>{afterSaleReasonLabels[a.reason]}</Text>
            </Row>
            {a.description && (
              <Row label={t('wb.as.description')}>
                <Text>{a.description}</Text>
              </Row>
            )}
            {a.rejectReason && (
              <Row label={t('wb.as.rejectReason')}>
                <Text>{a.rejectReason}</Text>
              </Row>
            )}
            {a.returnAddress && (
              <Row label={t('wb.as.returnAddress')}>
                <Text>{`${a.returnAddress.name} ${a.returnAddress.phone} ${a.returnAddress.address}`}</Text>
              </Row>
            )}
            {a.returnTrackingNo && (
              <Row label={t('wb.as.returnShipment')}>
                <Text>{`${a.returnCarrier ?? ''} ${a.returnTrackingNo}`}</Text>
              </Row>
            )}
          </View>
          {a.photos.length > 0 && (
            <View className="wb-card" data-testid="as-photos">
              <View className="wb-card__title">{t('wb.as.photos')}</View>
              <View className="wb-photos">
                {a.photos.map((p, i) => (
                  <View key={p.id} onClick={() => void previewImages(a.photos.map((x) => assetUrl(x.url)), assetUrl(a.photos[i].url)).catch(() => undefined)}>
                    <Picture className="wb-photo" src={p.url} alt={t('wb.as.photos')} />
                  </View>
                ))}
              </View>
            </View>
          )}
          <View className="wb-card">
            {a.lines.map((line) => (
              <Item key={line.lineNo} image={line.image} title={line.title} meta={`${line.specText} ×${line.quantity}`} price={line.amount} />
            ))}
          </View>
          {form === 'reject' && (
            <View className="wb-card" data-testid="as-reject-form">
              <View className="wb-card__title">{t('wb.as.rejectTitle')}</View>
              <Textarea className="wb-textarea" value={reason} maxlength={200} placeholder={t('wb.as.rejectPlaceholder')} onInput={(e) => setReason(e.detail.value)} data-testid="as-reject-reason" />
              {problem && <View className="wb-error" role="alert">{problem}</View>}
              <View className="wb-actions">
                <Button className="wb-btn" onClick={() => setForm(null)}>{t('cancel')}</Button>
                <Button className="wb-btn wb-btn--primary" disabled={disabledProp(!!busy)} onClick={submitReject} data-testid="as-reject-submit">{t('wb.as.submit')}</Button>
              </View>
            </View>
          )}
          {form === 'return' && (
            <View className="wb-card" data-testid="as-return-form">
              <View className="wb-card__title">{t('wb.as.approveReturnTitle')}</View>
              <Text className="wb-field__label">{t('wb.as.returnName')}</Text>
              <Input className="wb-input wb-field" value={address.name} maxlength={40} onInput={(e) => setAddress({ ...address, name: e.detail.value })} data-testid="as-return-name" />
              <Text className="wb-field__label">{t('wb.as.returnPhone')}</Text>
              <Input className="wb-input wb-field" type="number" value={address.phone} maxlength={20} onInput={(e) => setAddress({ ...address, phone: e.detail.value })} data-testid="as-return-phone" />
              <Text className="wb-field__label">{t('wb.as.returnAddressLine')}</Text>
              <Textarea className="wb-textarea" value={address.address} maxlength={200} onInput={(e) => setAddress({ ...address, address: e.detail.value })} data-testid="as-return-address" />
              {problem && <View className="wb-error" role="alert">{problem}</View>}
              <View className="wb-actions">
                <Button className="wb-btn" onClick={() => setForm(null)}>{t('cancel')}</Button>
                <Button className="wb-btn wb-btn--primary" disabled={disabledProp(!!busy)} onClick={submitReturn} data-testid="as-return-submit">{t('wb.as.submit')}</Button>
              </View>
            </View>
          )}
          {buttons.length > 0 && !form && (
            <>
              <View className="wb-bar-space" />
              <View className="wb-bar">{buttons}</View>
            </>
          )}
        </>
      )}
    </PageFrame>
  );
}
