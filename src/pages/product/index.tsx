import type { ProductDetail } from '@contract';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useState } from 'react';
import { Carousel, OfflineBanner, PageState, Price, Skeleton, Stepper, disabledProp, TitleBar } from '@/components';
import { t } from '@/i18n/messages';
import { useProduct } from '@/services/catalog/getProduct';
import { clampQuantity, initialSelection, pickerView, toggleValue, type Selection } from '@/services/catalog/sku-picker';
import { useAddCartItem } from '@/services/cart/addCartItem';
import { checkoutUrl } from '@/services/checkout/items';
import { ApiError, assetUrl } from '@/services/http';
import { openPage, PAGES } from '@/services/platform/nav';
import { useCartDraft } from '@/stores/cart-draft';
import { useIsLoggedIn } from '@/stores/session';
import './index.css';

function Gallery({ images, title }: { images: string[]; title: string }) {
  const [current, setCurrent] = useState(0);
  return (
    <View className="product__gallery">
      <Carousel
        className="product__swiper"
        imageClassName="product__image"
        priority
        onChange={setCurrent}
        slides={images.map((src, i) => ({
          key: `${i}`,
          image: src,
          label: title,
          onClick: () => void Taro.previewImage({ urls: images.map(assetUrl), current: assetUrl(src) }),
        }))}
      />
      <Text className="product__indicator">
        {current + 1}/{images.length}
      </Text>
    </View>
  );
}

function ProductView({ product }: { product: ProductDetail }) {
  const loggedIn = useIsLoggedIn();
  const addToServerCart = useAddCartItem();
  const addToDraft = useCartDraft((s) => s.add);
  const [selection, setSelection] = useState<Selection>(() => initialSelection(product));
  const view = useMemo(() => pickerView(product, selection), [product, selection]);
  const [quantity, setQuantity] = useState(1);
  const maxQuantity = view.sku ? Math.min(view.sku.stock, 99) : 99;
  const onShelf = product.onShelf;
  const buyable = onShelf && view.stock > 0;

  useEffect(() => setQuantity((q) => clampQuantity(q, view.sku ? view.sku.stock : 99)), [view.sku]);

  const requireSku = () => {
    if (!view.sku) {
      void Taro.showToast({ title: view.missing.length ? t('selectSpec', { names: view.missing.join('、') }) : t('chooseFullSpec'), icon: 'none' });
      return null;
    }
    return view.sku;
  };

  const addToCart = () => {
    const sku = requireSku();
    if (!sku) return;
    if (loggedIn) {
      addToServerCart.mutate(
        { skuId: sku.id, quantity },
        {
          onSuccess: () => void Taro.showToast({ title: t('addedToCart'), icon: 'success' }),
          onError: (e) => void Taro.showToast({ title: e.message, icon: 'none' }),
        },
      );
    } else {
      addToDraft(sku.id, quantity, sku.price);
      void Taro.showToast({ title: t('addedToCart'), icon: 'success' });
    }
  };

  const buyNow = () => {
    const sku = requireSku();
    if (!sku) return;
    const target = checkoutUrl([{ skuId: sku.id, quantity }], false);
    void openPage(loggedIn ? target : PAGES.login(target));
  };

  return (
    <View className="product">
      <Gallery images={product.images} title={product.title} />
      <View className="card product__info">
        <View className="product__price-row">
          <Price fen={view.minPrice} size="lg" />
          {view.maxPrice > view.minPrice && (
            <>
              <Text className="product__price-sep">-</Text>
              <Price fen={view.maxPrice} size="lg" />
            </>
          )}
          {view.originalPrice !== null && view.originalPrice > view.minPrice && <Price fen={view.originalPrice} strike />}
          {!product.onShelf && <Text className="product__badge">{t('offShelf')}</Text>}
          {product.onShelf && view.stock === 0 && <Text className="product__badge">{t('soldOut')}</Text>}
        </View>
        <Text className="product__title">{product.title}</Text>
        {product.subtitle && <Text className="product__subtitle">{product.subtitle}</Text>}
        <Text className="product__merchant">{t('merchant', { name: product.merchantName })}</Text>
      </View>

      <View className="card product__picker">
        {!onShelf && <Text className="product__off-shelf">{t('offShelfHint')}</Text>}
        {view.options.map((spec, i) => (
          <View key={spec.name} className="product__spec">
            <Text className="product__spec-name">{spec.name}</Text>
            <View className="product__spec-values">
              {spec.values.map((v) => {
                // Off the shelf nothing can be chosen: every value looks and acts disabled.
                const disabled = v.disabled || !onShelf;
                const selected = v.selected && onShelf;
                return (
                  <Text
                    key={v.value}
                    className={`product__spec-value${selected ? ' product__spec-value--selected' : ''}${!onShelf ? ' product__spec-value--off' : disabled ? ' product__spec-value--disabled' : ''}`}
                    aria-disabled={disabled}
                    aria-pressed={selected}
                    data-testid={`spec-${spec.name}-${v.value}`}
                    onClick={() => {
                      if (!disabled) setSelection((sel) => toggleValue(product, sel, i, v.value));
                    }}
                  >
                    {v.value}
                  </Text>
                );
              })}
            </View>
          </View>
        ))}
        <View className="product__chosen">
          <Text className="product__chosen-text">
            {!onShelf ? '' : view.missing.length ? t('selectSpec', { names: view.missing.join('、') }) : t('selected', { text: view.specText || product.title })}
          </Text>
          <Text className="product__stock" data-testid="sku-stock">
            {!onShelf ? t('offShelf') : view.stock > 0 ? t('stockLeft', { n: view.stock }) : t('soldOut')}
          </Text>
        </View>
        <View className="product__quantity">
          <Text>{t('quantity')}</Text>
          <Stepper value={quantity} min={1} max={Math.max(1, maxQuantity)} onChange={setQuantity} disabled={!buyable || !view.sku} />
        </View>
      </View>

      <View className="card product__desc">
        <Text className="product__desc-title">{t('description')}</Text>
        <Text className="product__desc-text">{product.description}</Text>
      </View>

      <View className="product__bar safe-bottom">
        <View className="product__bar-cart" onClick={() => void openPage(PAGES.cart)}>
          {t('tabCart')}
        </View>
        <Button
          className={`btn-secondary product__bar-btn${!buyable || addToServerCart.isPending ? ' is-disabled' : ''}`}
          disabled={disabledProp(!buyable || addToServerCart.isPending)}
          onClick={addToCart}
        >
          {t('addToCart')}
        </Button>
        <Button className={`btn-primary product__bar-btn${buyable ? '' : ' is-disabled'}`} disabled={disabledProp(!buyable)} onClick={buyNow}>
          {t('buyNow')}
        </Button>
      </View>
    </View>
  );
}

export default function ProductPage() {
  const router = useRouter();
  const id = router.params.id ?? '';
  const product = useProduct(id);
  return (
    <View>
      <TitleBar title={t('productTitle')} />
      <OfflineBanner />
      <PageState
        isLoading={id !== '' && product.isPending}
        isError={id === '' || (product.isError && !product.data)}
        error={id === '' ? new ApiError({ code: 'NOT_FOUND', status: 404 }) : product.error}
        notFoundText={t('productNotFound')}
        onRetry={() => void product.refetch()}
        skeleton={
          <View>
            <View className="product__gallery product__gallery--loading" />
            <Skeleton rows={4} />
          </View>
        }
      >
        {/* keyed by id: another product starts a fresh choice; a refetch keeps it */}
        {product.data && <ProductView key={product.data.id} product={product.data} />}
      </PageState>
    </View>
  );
}
