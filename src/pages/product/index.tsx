import type { ProductDetail } from '@contract';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useState } from 'react';
import { Carousel, OfflineBanner, PageState, Price, Skeleton, Stepper, TitleBar } from '@/components';
// Plain elements on H5 (see primitives): a product page opened from a link brings no Taro component library.
import { Box, Inline, Press, Tap } from '@/components/primitives';
import { t } from '@/i18n/messages';
import { useProduct } from '@/services/catalog/getProduct';
import { clampQuantity, initialSelection, pickerView, toggleValue, type Selection } from '@/services/catalog/sku-picker';
import { useAddCartItem } from '@/services/cart/addCartItem';
import { checkoutUrl } from '@/services/checkout/items';
import { ApiError, assetUrl, isApiError } from '@/services/http';
import { openPage, PAGES } from '@/services/platform/nav';
import { previewImages } from '@/services/platform/preview';
import { useCartDraft } from '@/stores/cart-draft';
import { useIsLoggedIn } from '@/stores/session';
import './index.css';

function Gallery({ images, title }: { images: string[]; title: string }) {
  const [current, setCurrent] = useState(0);
  const preview = (src: string) =>
    previewImages(images.map(assetUrl), assetUrl(src)).catch((e: unknown) => {
      if (isApiError(e)) void Taro.showToast({ title: e.message, icon: 'none' });
    });
  return (
    <Box className="product__gallery">
      <Carousel
        className="product__swiper"
        imageClassName="product__image"
        priority
        onChange={setCurrent}
        slides={images.map((src, i) => ({
          key: `${i}`,
          image: src,
          label: title,
          onClick: () => void preview(src),
        }))}
      />
      <Inline className="product__indicator">
        {current + 1}/{images.length}
      </Inline>
    </Box>
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
    <Box className="product">
      <Gallery images={product.images} title={product.title} />
      <Box className="card product__info">
        <Box className="product__price-row">
          <Price fen={view.minPrice} size="lg" />
          {view.maxPrice > view.minPrice && (
            <>
              <Inline className="product__price-sep">-</Inline>
              <Price fen={view.maxPrice} size="lg" />
            </>
          )}
          {view.originalPrice !== null && view.originalPrice > view.minPrice && <Price fen={view.originalPrice} strike />}
          {!product.onShelf && <Inline className="product__badge">{t('offShelf')}</Inline>}
          {product.onShelf && view.stock === 0 && <Inline className="product__badge">{t('soldOut')}</Inline>}
        </Box>
        <Inline className="product__title">{product.title}</Inline>
        {product.subtitle && <Inline className="product__subtitle">{product.subtitle}</Inline>}
        <Inline className="product__merchant">{t('merchant', { name: product.merchantName })}</Inline>
      </Box>

      <Box className="card product__picker">
        {!onShelf && <Inline className="product__off-shelf">{t('offShelfHint')}</Inline>}
        {view.options.map((spec, i) => (
          <Box key={spec.name} className="product__spec">
            <Inline className="product__spec-name">{spec.name}</Inline>
            <Box className="product__spec-values">
              {spec.values.map((v) => {
                // Off the shelf nothing can be chosen: every value looks and acts disabled.
                const disabled = v.disabled || !onShelf;
                const selected = v.selected && onShelf;
                // A toggle button on H5 (keyboard focus; announced as pressed or unavailable).
                return (
                  <Tap
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
                  </Tap>
                );
              })}
            </Box>
          </Box>
        ))}
        <Box className="product__chosen">
          <Inline className="product__chosen-text">
            {!onShelf ? '' : view.missing.length ? t('selectSpec', { names: view.missing.join('、') }) : t('selected', { text: view.specText || product.title })}
          </Inline>
          <Inline className="product__stock" data-testid="sku-stock">
            {!onShelf ? t('offShelf') : view.stock > 0 ? t('stockLeft', { n: view.stock }) : t('soldOut')}
          </Inline>
        </Box>
        <Box className="product__quantity">
          <Inline>{t('quantity')}</Inline>
          <Stepper value={quantity} min={1} max={Math.max(1, maxQuantity)} onChange={setQuantity} disabled={!buyable || !view.sku} />
        </Box>
      </Box>

      <Box className="card product__desc">
        <Inline className="product__desc-title">{t('description')}</Inline>
        <Inline className="product__desc-text">{product.description}</Inline>
      </Box>

      <Box className="product__bar safe-bottom">
        <Tap className="product__bar-cart" onClick={() => void openPage(PAGES.cart)}>
          {t('tabCart')}
        </Tap>
        <Press className="btn-secondary product__bar-btn" disabled={!buyable || addToServerCart.isPending} onClick={addToCart}>
          {t('addToCart')}
        </Press>
        <Press className="btn-primary product__bar-btn" disabled={!buyable} onClick={buyNow}>
          {t('buyNow')}
        </Press>
      </Box>
    </Box>
  );
}

export default function ProductPage() {
  const router = useRouter();
  const id = router.params.id ?? '';
  const product = useProduct(id);
  return (
    <Box>
      <TitleBar title={t('productTitle')} />
      <OfflineBanner />
      <PageState
        isLoading={id !== '' && product.isPending}
        isError={id === '' || (product.isError && !product.data)}
        error={id === '' ? new ApiError({ code: 'NOT_FOUND', status: 404 }) : product.error}
        notFoundText={t('productNotFound')}
        onRetry={() => void product.refetch()}
        skeleton={
          <Box>
            <Box className="product__gallery product__gallery--loading" />
            <Skeleton rows={4} />
          </Box>
        }
      >
        {/* keyed by id: another product starts a fresh choice; a refetch keeps it */}
        {product.data && <ProductView key={product.data.id} product={product.data} />}
      </PageState>
    </Box>
  );
}
