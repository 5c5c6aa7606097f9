import type { Address, CheckoutBody, CheckoutPreview, CreateOrderBody, Fulfilment } from '@contract';
import { formatPrice } from '@contract/money';
import { Button, Input, Text, Textarea, View } from '@tarojs/components';
import { useQueryClient } from '@tanstack/react-query';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useRef, useState } from 'react';
import { LineItem, OfflineBanner, PageState, Price, Skeleton, disabledProp, TitleBar } from '@/components';
import { errorMessage, lineIssueLabels } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { onSelectedAddressFallback, openAddressPicker } from '@/services/address/select';
import { MAINLAND_MOBILE } from '@/services/address/validate';
import { useDebounced } from '@/services/use-debounced';
import { parseItemsParam, parseLiveParam } from '@/services/checkout/items';
import { discountText, isBlockedLine } from '@/services/checkout/lines';
import { useLoginGate } from '@/services/checkout/login-gate';
import { openPage, PAGES } from '@/services/platform/nav';
import { usePreviewCheckout } from '@/services/checkout/previewCheckout';
import { isApiError, newIdempotencyKey } from '@/services/http';
import { keys } from '@/services/keys';
import { useCreateOrder } from '@/services/order/createOrder';
import { cashierPath, isRetryableFailure } from '@/services/payment/payOrder';
import './index.css';

type Mode = Fulfilment['type'];

function toast(title: string) {
  void Taro.showToast({ title, icon: 'none', duration: 2500 });
}

function errorText(e: unknown): string {
  return isApiError(e) || e instanceof Error ? e.message : errorMessage('UNKNOWN');
}

export default function CheckoutPage() {
  const { params } = useRouter();
  const items = useMemo(() => parseItemsParam(params.items), [params.items]);
  const fromCart = params.fromCart === '1';
  // Bought from a live room (docs/live.md): the server prices the session's lines and takes them from its quota.
  const liveSessionId = useMemo(() => parseLiveParam(params.live), [params.live]);
  const client = useQueryClient();

  const [mode, setMode] = useState<Mode>('delivery');
  const [chosenAddress, setChosenAddress] = useState<Address | null>(null);
  const [contactName, setContactName] = useState('');
  const [contactPhone, setContactPhone] = useState('');
  const [remark, setRemark] = useState('');

  // Pickup is priced at once; the preview lets the order be submitted once a valid contact is in. Typing is debounced.
  const debouncedName = useDebounced(contactName.trim(), 400);
  const debouncedPhone = useDebounced(contactPhone.trim(), 400);
  const pickupReady = debouncedName.length > 0 && MAINLAND_MOBILE.test(debouncedPhone);

  const previewBody = useMemo<CheckoutBody | null>(() => {
    if (!items) return null;
    const live = liveSessionId ? { liveSessionId } : {};
    if (mode === 'pickup') {
      return pickupReady
        ? { items, ...live, fulfilment: { type: 'pickup', contactName: debouncedName, contactPhone: debouncedPhone } }
        : { items, ...live, fulfilment: { type: 'pickup' } };
    }
    return chosenAddress ? { items, ...live, fulfilment: { type: 'delivery', addressId: chosenAddress.id } } : { items, ...live };
  }, [items, liveSessionId, mode, chosenAddress, pickupReady, debouncedName, debouncedPhone]);

  const preview = usePreviewCheckout(previewBody);
  useLoginGate(preview.error, preview.refetch);
  const createOrder = useCreateOrder();

  // One idempotency key per submit intent: the same input reuses it (double tap, retry after a
  // timeout); changed input, or a definitive rejection by the server, starts a new intent.
  const intent = useRef<{ signature: string; key: string } | null>(null);
  const busyRef = useRef(false);
  const [busy, setBusy] = useState(false);
  // Why the last submit did not go through when trying again may help (offline, a timeout):
  // shown until the next attempt, so the button never just returns to 提交订单 in silence.
  const [submitError, setSubmitError] = useState<string | null>(null);

  const data: CheckoutPreview | undefined = preview.data;
  const address = chosenAddress ?? data?.address ?? null;
  const blocked = !!data && data.groups.some((g) => g.lines.some(isBlockedLine));
  const priceChanged = !!data && data.groups.some((g) => g.lines.some((l) => l.issue === 'price_changed'));
  const previewMatchesMode = !!data && data.fulfilment?.type === mode;
  const repricing = preview.isPlaceholderData || (preview.isFetching && !previewMatchesMode);
  // Stores appear with the pickup pricing, so what the shopper sees is what the order will be.
  const showStores = mode === 'pickup' && previewMatchesMode && !repricing;
  const canSubmit = !!data && data.canSubmit && previewMatchesMode && !blocked && !repricing && !busy;

  const chooseAddress = () =>
    openAddressPicker(address?.id ?? null, (picked) => {
      setChosenAddress(picked);
      setMode('delivery');
    });

  useEffect(
    () =>
      onSelectedAddressFallback((picked) => {
        setChosenAddress(picked);
        setMode('delivery');
      }),
    [],
  );

  function buildOrderBody(): CreateOrderBody | string {
    if (!items) return t('checkout.noItems');
    const trimmedRemark = remark.trim();
    const base = { items, fromCart, ...(liveSessionId ? { liveSessionId } : {}), ...(trimmedRemark ? { remark: trimmedRemark } : {}) };
    if (mode === 'pickup') {
      const name = contactName.trim();
      const phone = contactPhone.trim();
      if (!name) return t('checkout.contactNameRequired');
      if (!MAINLAND_MOBILE.test(phone)) return t('checkout.contactPhoneInvalid');
      return { ...base, fulfilment: { type: 'pickup', contactName: name, contactPhone: phone } };
    }
    if (!address) return t('checkout.addressRequired');
    return { ...base, fulfilment: { type: 'delivery', addressId: address.id } };
  }

  async function submit() {
    if (busyRef.current || !canSubmit) return;
    const body = buildOrderBody();
    if (typeof body === 'string') {
      toast(body);
      return;
    }
    const signature = JSON.stringify(body);
    if (!intent.current || intent.current.signature !== signature) {
      intent.current = { signature, key: newIdempotencyKey() };
    }
    busyRef.current = true;
    setBusy(true);
    setSubmitError(null);
    let leaving = false;
    try {
      const parent = await createOrder.mutateAsync({ body, idempotencyKey: intent.current.key });
      // The order exists: the cashier takes it from here (tenders, channel, countdown).
      leaving = true;
      // The room's stock left and what this shopper bought there have moved.
      if (liveSessionId) void client.invalidateQueries({ queryKey: keys.live.session(liveSessionId) });
      void Taro.redirectTo({ url: cashierPath(parent.id) });
    } catch (e) {
      if (isApiError(e) && e.code === 'LIVE_BUSY') {
        // The live session's admission refused it before anything was written: a new intent,
        // and the message with 重新提交 (the shopper tries again in a moment).
        intent.current = null;
        setSubmitError(errorText(e));
      } else if (isRetryableFailure(e)) {
        // The order may or may not exist: 重新提交 sends the same intent with the same key, so
        // it can only ever be one order (and nothing is sent unless the shopper taps).
        setSubmitError(t('checkout.notSubmitted', { reason: errorText(e) }));
      } else {
        // Stock or prices moved: show the lines as they are now.
        intent.current = null;
        void preview.refetch();
        toast(errorText(e));
      }
    } finally {
      busyRef.current = false;
      if (!leaving) setBusy(false);
    }
  }

  if (!items) {
    return (
      <View className="checkout">
        <PageState
          isLoading={false}
          isError={false}
          isEmpty
          onRetry={() => undefined}
          emptyText={t('checkout.noItems')}
          emptyActionText={t('checkout.backToCart')}
          onEmptyAction={() => void openPage(PAGES.cart)}
        />
      </View>
    );
  }

  return (
    <View className="checkout">
      <TitleBar title={t('checkout.title')} />
      <OfflineBanner />
      <View className="checkout__modes" role="tablist">
        {(['delivery', 'pickup'] as const).map((m) => (
          <View
            key={m}
            role="tab"
            aria-selected={mode === m}
            className={`checkout__mode${mode === m ? ' checkout__mode--active' : ''}`}
            onClick={() => setMode(m)}
          >
            {t(m === 'delivery' ? 'checkout.delivery' : 'checkout.pickup')}
          </View>
        ))}
      </View>

      {mode === 'delivery' ? (
        <View className="checkout__card checkout__address" onClick={chooseAddress}>
          {address ? (
            <View className="checkout__address-body">
              <Text className="checkout__address-who">
                {address.name} {address.phone}
              </Text>
              <Text className="checkout__address-text">
                {address.province} {address.city} {address.district} {address.detail}
              </Text>
            </View>
          ) : (
            <Text className="checkout__address-empty">{preview.isLoading ? t('loading') : t('checkout.noAddress')}</Text>
          )}
          <Text className="checkout__link">{address ? t('checkout.changeAddress') : t('checkout.chooseAddress')}</Text>
        </View>
      ) : (
        <View className="checkout__card">
          <View className="checkout__field">
            <Text className="checkout__label">{t('checkout.contactName')}</Text>
            <Input
              className="checkout__input"
              value={contactName}
              maxlength={20}
              placeholder={t('checkout.contactNamePlaceholder')}
              onInput={(e) => setContactName(e.detail.value)}
            />
          </View>
          <View className="checkout__field">
            <Text className="checkout__label">{t('checkout.contactPhone')}</Text>
            <Input
              className="checkout__input"
              type="number"
              value={contactPhone}
              maxlength={11}
              placeholder={t('checkout.contactPhonePlaceholder')}
              onInput={(e) => setContactPhone(e.detail.value)}
            />
          </View>
          {contactPhone.trim().length >= 11 && !MAINLAND_MOBILE.test(contactPhone.trim()) && (
            <Text className="checkout__error">{t('checkout.contactPhoneInvalid')}</Text>
          )}
          {!pickupReady && <Text className="checkout__hint">{t('checkout.pickupPricingHint')}</Text>}
        </View>
      )}

      <PageState
        isLoading={preview.isLoading}
        isError={preview.isError && !data}
        error={preview.error}
        onRetry={() => void preview.refetch()}
        skeleton={<Skeleton rows={6} avatar />}
      >
        {data && (
          <View className={repricing ? 'checkout__groups checkout__groups--stale' : 'checkout__groups'}>
            {priceChanged && <Text className="checkout__notice">{t('checkout.priceChanged')}</Text>}
            {liveSessionId && <Text className="checkout__notice checkout__notice--live" data-testid="checkout-live">{t('checkout.livePrice')}</Text>}
            {data.groups.map((group) => (
              <View key={group.merchantId} className="checkout__card checkout__group" data-testid="checkout-group">
                <Text className="checkout__merchant">{group.merchantName}</Text>
                {showStores && (
                  <View className="checkout__store">
                    <View className="checkout__store-head">
                      <Text className="checkout__store-label">{t('checkout.pickupStore')}</Text>
                      <Text className="checkout__store-name">{group.pickupStore.name}</Text>
                    </View>
                    <Text className="checkout__store-text">{group.pickupStore.address}</Text>
                    <Text className="checkout__store-text">{t('checkout.pickupHours', { hours: group.pickupStore.hours })}</Text>
                  </View>
                )}
                {group.lines.map((line) => (
                  <LineItem
                    key={line.skuId}
                    {...line}
                    disabled={isBlockedLine(line)}
                    note={line.issue ? lineIssueLabels[line.issue] : undefined}
                  />
                ))}
                <View className="checkout__row">
                  <Text>{t('checkout.itemsAmount')}</Text>
                  <Price fen={group.amounts.itemsAmount} size="sm" />
                </View>
                <View className="checkout__row">
                  <Text>{t('checkout.shipping')}</Text>
                  {group.amounts.shippingAmount === 0 ? (
                    <Text>{t('checkout.freeShippingFee')}</Text>
                  ) : (
                    <Price fen={group.amounts.shippingAmount} size="sm" />
                  )}
                </View>
                <View className="checkout__row">
                  <Text>{t('checkout.discount')}</Text>
                  <Text className="checkout__discount">{discountText(group.amounts.discountAmount)}</Text>
                </View>
                <View className="checkout__row checkout__row--subtotal">
                  <Text>{t('checkout.subtotal')}</Text>
                  <Price fen={group.amounts.payableAmount} />
                </View>
              </View>
            ))}

            {mode === 'delivery' && (
              <Text className="checkout__hint">{t('checkout.freeShipping', { amount: formatPrice(data.freeShippingThreshold) })}</Text>
            )}

            <View className="checkout__card">
              <Text className="checkout__label">{t('checkout.remark')}</Text>
              <Textarea
                className="checkout__remark"
                value={remark}
                maxlength={200}
                placeholder={t('checkout.remarkPlaceholder')}
                onInput={(e) => setRemark(e.detail.value)}
              />
            </View>
            {blocked && <Text className="checkout__blocked">{t('checkout.blocked')}</Text>}
          </View>
        )}
      </PageState>

      <View className="checkout__bar">
        {submitError && !busy && (
          <View className="checkout__submit-error" role="alert" data-testid="submit-error">
            {submitError}
          </View>
        )}
        <View className="checkout__total">
          <Text>{t('checkout.total')}</Text>
          {data ? <Price fen={data.amounts.payableAmount} size="lg" /> : <Text>--</Text>}
          {repricing && <Text className="checkout__hint">{t('checkout.repricing')}</Text>}
        </View>
        <Button className={`checkout__submit${canSubmit ? '' : ' is-disabled'}`} disabled={disabledProp(!canSubmit)} onClick={() => void submit()}>
          {busy ? t('checkout.submitting') : submitError ? t('checkout.resubmit') : t('checkout.submit')}
        </Button>
      </View>
    </View>
  );
}
