import type { AfterSaleKind, AfterSaleReason } from '@contract/aftersale';
import { Button, Text, Textarea, View } from '@tarojs/components';
import Taro, { useRouter, useUnload } from '@tarojs/taro';
import { useMemo, useRef, useState } from 'react';
import { disabledProp, Icon, icons, LineItem, Picture, Price, Skeleton, Stepper } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { AFTER_SALE_REASONS, afterSaleKindLabels, afterSaleReasonLabels } from '@/i18n/aftersale-labels';
import { errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { useCreateAfterSale } from '@/services/aftersale/createAfterSale';
import { AFTER_SALE_ORDER_STATUSES, availableUnits, estimateRefund, heldByRequests, MAX_PHOTOS, orderShipped } from '@/services/aftersale/estimate';
import { useListAfterSales } from '@/services/aftersale/listAfterSales';
import { pickImages, type UploadHandle, uploadImage } from '@/services/aftersale/uploadImage';
import { useLoginGate } from '@/services/checkout/login-gate';
import { isRetryableFailure } from '@/services/payment/payOrder';
import { newIdempotencyKey } from '@/services/http';
import { useOrder } from '@/services/order/getOrder';
import { PAGES, replacePage } from '@/services/platform/nav';
import { useRefunds } from '@/services/refund/listRefunds';
import './shared.css';
import './apply.css';

interface Photo {
  key: string;
  /** The picked file's temporary path (the preview until the upload answers). */
  path: string;
  status: 'uploading' | 'done' | 'failed';
  progress: number;
  id?: string;
  url?: string;
}

let photoSeq = 0;

/** The photo grid: previews with progress, a failed one retried by a tap, each removable; + while fewer than the limit. */
function PhotoPicker({ photos, onAdd, onRemove, onRetry }: { photos: Photo[]; onAdd: () => void; onRemove: (key: string) => void; onRetry: (key: string) => void }) {
  return (
    <View className="as-photos" data-testid="photos">
      {photos.map((p) => (
        <View key={p.key} className={`as-photo as-photo--${p.status}`} data-testid="photo">
          <Picture className="as-photo__img" src={p.url ?? p.path} alt="" />
          {p.status === 'uploading' && <Text className="as-photo__mask">{t('aftersale.photoUploading', { percent: p.progress })}</Text>}
          {p.status === 'failed' && (
            <View className="as-photo__mask as-photo__mask--failed" onClick={() => onRetry(p.key)}>
              <Text>{t('aftersale.photoFailed')}</Text>
              <Text>{t('aftersale.photoRetry')}</Text>
            </View>
          )}
          <View className="as-photo__remove" role="button" aria-label={t('aftersale.removePhoto')} onClick={() => onRemove(p.key)}>
            <Text className="as-photo__remove-x">×</Text>
          </View>
        </View>
      ))}
      {photos.length < MAX_PHOTOS && (
        <View className="as-photo as-photo--add" role="button" aria-label={t('aftersale.addPhoto')} onClick={onAdd} data-testid="add-photo">
          <Icon svg={icons.Camera} size={48} color="#707070" />
          <Text className="as-photo__add-text">{t('aftersale.addPhoto')}</Text>
        </View>
      )}
    </View>
  );
}

export default function AfterSaleApplyPage() {
  const { params } = useRouter();
  const orderId = params.orderId ?? '';
  const order = useOrder(orderId);
  useLoginGate(order.error, order.refetch);
  const data = order.data;
  const eligible = !!data && AFTER_SALE_ORDER_STATUSES.includes(data.status) && data.paidAmount > 0;
  // Earlier requests of this order hold units (their own page: enough for one order's requests).
  const requests = useListAfterSales(50, eligible);
  const refunds = useRefunds(orderId, eligible);
  const create = useCreateAfterSale();

  const held = useMemo(() => heldByRequests(orderId, requests.data?.pages.flatMap((p) => p.items) ?? []), [orderId, requests.data]);
  const available = useMemo(() => (data ? availableUnits(data, held) : []), [data, held]);
  const shipped = data ? orderShipped(data) : false;

  const [kind, setKind] = useState<AfterSaleKind>('refund_only');
  const [chosen, setChosen] = useState<number[] | null>(null);
  const quantities = chosen ?? available;
  const [reason, setReason] = useState<AfterSaleReason | null>(null);
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const busyRef = useRef(false);
  const uploads = useRef(new Map<string, UploadHandle>());
  // One key per request intent: the same request sent again (double tap, retry after a network failure) reuses it.
  const intent = useRef<{ signature: string; key: string } | null>(null);

  useUnload(() => {
    for (const u of uploads.current.values()) u.abort();
  });

  const setPhoto = (key: string, patch: Partial<Photo>) => setPhotos((list) => list.map((p) => (p.key === key ? { ...p, ...patch } : p)));

  const startUpload = (key: string, path: string) => {
    const handle = uploadImage(path, (progress) => setPhoto(key, { progress }));
    uploads.current.set(key, handle);
    handle.promise.then(
      (img) => {
        uploads.current.delete(key);
        setPhoto(key, { status: 'done', progress: 100, id: img.id, url: img.url });
      },
      (e: unknown) => {
        uploads.current.delete(key);
        if (e instanceof Error && 'code' in e && (e as { code: string }).code === 'ABORTED') return;
        setPhoto(key, { status: 'failed' });
        void Taro.showToast({ title: e instanceof Error ? e.message : t('aftersale.photoFailed'), icon: 'none' });
      },
    );
  };

  const addPhotos = async () => {
    const room = MAX_PHOTOS - photos.length;
    if (room <= 0) {
      void Taro.showToast({ title: t('aftersale.photoLimit', { max: MAX_PHOTOS }), icon: 'none' });
      return;
    }
    const paths = (await pickImages(room)).slice(0, room);
    if (paths.length === 0) return;
    const added = paths.map((path) => ({ key: `ph${++photoSeq}`, path, status: 'uploading' as const, progress: 0 }));
    setPhotos((list) => [...list, ...added].slice(0, MAX_PHOTOS));
    for (const p of added) startUpload(p.key, p.path);
  };

  const removePhoto = (key: string) => {
    uploads.current.get(key)?.abort();
    uploads.current.delete(key);
    setPhotos((list) => list.filter((p) => p.key !== key));
  };

  const retryPhoto = (key: string) => {
    const p = photos.find((x) => x.key === key);
    if (!p) return;
    setPhoto(key, { status: 'uploading', progress: 0 });
    startUpload(key, p.path);
  };

  const setQuantity = (lineNo: number, q: number) => {
    const next = [...quantities];
    next[lineNo] = q;
    setChosen(next);
  };

  const refundable = refunds.data?.refundableAmount;
  const estimate = data ? estimateRefund(data, held, quantities, refundable) : 0;
  const nothingLeft = !!requests.data && available.every((n) => n === 0);

  async function submit() {
    if (busyRef.current || !data) return;
    const lines = quantities.map((quantity, lineNo) => ({ lineNo, quantity })).filter((l) => l.quantity > 0);
    if (lines.length === 0) return setError(t('aftersale.pickLines'));
    if (!reason) return setError(t('aftersale.pickReason'));
    if (photos.some((p) => p.status === 'uploading')) return setError(t('aftersale.photosBusy'));
    if (photos.some((p) => p.status === 'failed')) return setError(t('aftersale.photosFailed'));
    setError(null);
    busyRef.current = true;
    setBusy(true);
    const text = description.trim();
    const body = {
      orderId: data.id,
      kind: shipped ? kind : 'refund_only',
      lines,
      reason,
      ...(text ? { description: text } : {}),
      photos: photos.map((p) => p.id).filter((id): id is string => !!id),
    } as const;
    const signature = JSON.stringify(body);
    if (!intent.current || intent.current.signature !== signature) intent.current = { signature, key: newIdempotencyKey() };
    try {
      const created = await create.mutateAsync({ body: { ...body, lines: [...body.lines], photos: [...body.photos] }, idempotencyKey: intent.current.key });
      intent.current = null;
      void Taro.showToast({ title: t('aftersale.submitted'), icon: 'success' });
      void replacePage(PAGES.afterSale(created.id));
    } catch (e) {
      if (!isRetryableFailure(e)) intent.current = null;
      setError(e instanceof Error ? e.message : errorMessage('UNKNOWN'));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }

  return (
    <PageFrame
      title={t('aftersale.applyTitle')}
      className="as-apply"
      query={order}
      isEmpty={orderId === '' || (!!data && (!eligible || nothingLeft))}
      emptyText={orderId === '' ? t('aftersale.missingOrder') : nothingLeft ? t('aftersale.nothingLeft') : t('aftersale.orderNotEligible')}
      notFoundText={t('detail.notFound')}
      skeleton={<Skeleton rows={8} avatar />}
    >
      {data && (
        <>
          <View className="as-card">
            <Text className="as-card__title">{t('aftersale.kind')}</Text>
            {(['refund_only', 'return_refund'] as const).map((k) => {
              const off = k === 'return_refund' && !shipped;
              const on = !off && (shipped ? kind : 'refund_only') === k;
              return (
                <View
                  key={k}
                  className={`as-kind${on ? ' as-kind--on' : ''}${off ? ' as-kind--off' : ''}`}
                  role="radio"
                  aria-checked={on}
                  aria-disabled={off}
                  data-testid={`kind-${k}`}
                  onClick={() => !off && setKind(k)}
                >
                  <View className="as-kind__body">
                    <Text className="as-kind__label">{afterSaleKindLabels[k]}</Text>
                    <Text className="as-kind__hint">
                      {off ? t('aftersale.kindReturnUnavailable') : t(k === 'refund_only' ? 'aftersale.kindRefundOnlyHint' : 'aftersale.kindReturnHint')}
                    </Text>
                  </View>
                  <View className={`as-radio${on ? ' as-radio--on' : ''}`} />
                </View>
              );
            })}
          </View>

          <View className="as-card">
            <Text className="as-card__title">{t('aftersale.goods')}</Text>
            {data.lines.map((line, lineNo) => (
              <View key={`${line.skuId}-${lineNo}`} data-testid="apply-line">
                <LineItem
                  image={line.image}
                  title={line.title}
                  specText={line.specText}
                  unitPrice={line.unitPrice}
                  quantity={line.quantity}
                  disabled={available[lineNo] === 0}
                  note={available[lineNo] === 0 ? t('aftersale.noUnitsLeft') : t('aftersale.unitsLeft', { n: available[lineNo] ?? 0 })}
                >
                  {(available[lineNo] ?? 0) > 0 ? (
                    <Stepper value={quantities[lineNo] ?? 0} min={0} max={available[lineNo] ?? 0} onChange={(q) => setQuantity(lineNo, q)} />
                  ) : undefined}
                </LineItem>
              </View>
            ))}
          </View>

          <View className="as-card">
            <Text className="as-card__title">{t('aftersale.reason')}</Text>
            <View className="as-reasons" role="radiogroup">
              {AFTER_SALE_REASONS.map((r) => (
                <View
                  key={r}
                  role="radio"
                  aria-checked={reason === r}
                  className={`as-chip${reason === r ? ' as-chip--on' : ''}`}
                  onClick={() => setReason(r)}
                >
                  <Text>{afterSaleReasonLabels[r]}</Text>
                </View>
              ))}
            </View>
            <Text className="as-card__title as-card__title--sub">{t('aftersale.description')}</Text>
            <Textarea
              className="as-textarea"
              value={description}
              maxlength={500}
              placeholder={t('aftersale.descriptionPlaceholder')}
              onInput={(e) => setDescription(e.detail.value)}
            />
          </View>

          <View className="as-card">
            <View className="as-card__head">
              <Text className="as-card__title">{t('aftersale.photos')}</Text>
              <Text className="as-card__hint" data-testid="photo-count">
                {t('aftersale.photosHint', { max: MAX_PHOTOS, n: photos.length })}
              </Text>
            </View>
            <PhotoPicker photos={photos} onAdd={() => void addPhotos()} onRemove={removePhoto} onRetry={retryPhoto} />
          </View>

          <View className="as-bar">
            <View className="as-bar__sum">
              <View className="as-bar__amount">
                <Text className="as-bar__label">{t('aftersale.estimate')}</Text>
                <View data-testid="estimate">
                  <Price fen={estimate} />
                </View>
              </View>
              <Text className="as-bar__hint">{t('aftersale.estimateHint')}</Text>
            </View>
            {error && (
              <Text className="as-error" data-testid="apply-error">
                {error}
              </Text>
            )}
            <Button className="btn-primary as-bar__submit" disabled={disabledProp(busy)} onClick={() => void submit()}>
              {busy ? t('aftersale.submitting') : t('aftersale.submit')}
            </Button>
          </View>
        </>
      )}
    </PageFrame>
  );
}

