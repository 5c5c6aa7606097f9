import type { ProductDetail } from '@contract';
import { formatPrice } from '@contract/money';
import Taro, { useRouter } from '@tarojs/taro';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Carousel, Icon, icons, OfflineBanner, PageState, Price, Skeleton, Stepper, TitleBar } from '@/components';
import { DeferredPosterSheet } from '@/components/poster/deferred';
// Plain elements on H5 (see primitives): a product page opened from a link brings no Taro component library.
import { Box, Inline, Press, Tap } from '@/components/primitives';
import { DeferredShareSheet as ShareSheet } from '@/components/share-sheet/deferred';
import { t } from '@/i18n/messages';
import { useProduct } from '@/services/catalog/getProduct';
import { useRenderedData } from '@/services/use-rendered-data';
import { clampQuantity, initialSelection, pickerView, toggleValue, type Selection } from '@/services/catalog/sku-picker';
import { useAddCartItem } from '@/services/cart/addCartItem';
import { checkoutUrl } from '@/services/checkout/items';
import { ApiError, assetUrl, isApiError } from '@/services/http';
import { liveLineOf, useLiveSessionEntry } from '@/services/live/session-price';
import { liveSessionOf } from '@/services/live/wechat-room';
import { openPage, PAGES } from '@/services/platform/nav';
import { previewImages } from '@/services/platform/preview';
import { isTimelineSinglePage } from '@/services/platform/share-host';
import { useReferralLink } from '@/services/referral/createReferralLink';
import { estimateFor, useReferralEstimate } from '@/services/referral/getReferralEstimate';
import { useIsPromoter } from '@/services/referral/getReferralMe';
import { productOfTarget, useResolvedLink } from '@/services/referral/resolveReferralLink';
import { useLanding } from '@/services/referral/use-landing';
import { HOME_TARGET, usePageShare, type PageShare } from '@/services/share/page-share';
import { useCartDraft } from '@/stores/cart-draft';
import { useIsLoggedIn, useSession } from '@/stores/session';
import './index.css';

/** A poster's scene: a promoter's link token, else the product itself (both fit WeChat's 32 characters). */
export function posterScene(productId: string, token: string | null): string | null {
  if (token) return `rt=${token}`;
  const plain = `id=${productId}`;
  return plain.length <= 32 ? plain : null;
}

/** 「预估赚 ¥x.xx」 for a promoter: the chosen SKU's level-1 commission on one unit, or the range over the SKUs. */
function Estimate({ productId, skuId }: { productId: string; skuId: string | null }) {
  const promoter = useIsPromoter();
  const estimate = useReferralEstimate(productId, promoter);
  const earn = estimateFor(estimate.data, skuId);
  if (!promoter || !earn) return null;
  const text =
    earn.min === earn.max ? t('estimate.earn', { amount: formatPrice(earn.min) }) : t('estimate.earnRange', { min: formatPrice(earn.min), max: formatPrice(earn.max) });
  return (
    <Box className="product__estimate" data-testid="estimate">
      <Inline className="product__estimate-amount">{text}</Inline>
      <Inline className="product__estimate-note">{t('estimate.note')}</Inline>
    </Box>
  );
}

interface Sharing {
  share: PageShare;
  sheetOpen: boolean;
  setSheetOpen: (open: boolean) => void;
  /** WeChat's single-page mode (opened from the timeline): nothing to buy or share here. */
  timeline: boolean;
}

/** The poster of the product: a promoter's carries a link token of its own (target poster:<id>), anyone else's the product id. */
function ProductPoster({ product, price, open, onClose }: { product: ProductDetail; price: number; open: boolean; onClose: () => void }) {
  const promoter = useIsPromoter();
  const link = useReferralLink(`poster:${product.id}`, open && promoter);
  const nickname = useSession((s) => s.user?.nickname ?? null);
  const token = promoter ? (link.data?.token ?? null) : null;
  // A promoter's link still coming: wait for it (a refused one leaves the poster plain).
  const waiting = promoter && link.isPending;
  const scene = waiting ? null : posterScene(product.id, token);
  useEffect(() => {
    if (open && !waiting && scene === null) {
      void Taro.showToast({ title: t('share.failed'), icon: 'none' });
      onClose();
    }
  }, [open, waiting, scene, onClose]);
  return (
    <DeferredPosterSheet
      open={open && scene !== null}
      onClose={onClose}
      page="pages/product/index"
      scene={scene ?? ''}
      content={{ title: product.title, price, sharer: nickname || t('share.anonymous') }}
      image={product.images[0] ?? product.cover}
    />
  );
}

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

function ProductView({ product, sharing, liveSessionId }: { product: ProductDetail; sharing: Sharing; liveSessionId: string | null }) {
  const loggedIn = useIsLoggedIn();
  const [posterOpen, setPosterOpen] = useState(false);
  const closePoster = useCallback(() => setPosterOpen(false), []);
  const addToServerCart = useAddCartItem();
  const addToDraft = useCartDraft((s) => s.add);
  const [selection, setSelection] = useState<Selection>(() => initialSelection(product));
  const view = useMemo(() => pickerView(product, selection), [product, selection]);
  const [quantity, setQuantity] = useState(1);
  const maxQuantity = view.sku ? Math.min(view.sku.stock, 99) : 99;
  const onShelf = product.onShelf;
  const buyable = onShelf && view.stock > 0;
  // Opened from a live session (WeChat room goods, the Douyin mount): the session price of the chosen SKU, while it applies.
  const liveSession = useLiveSessionEntry(liveSessionId);
  const liveLine = liveLineOf(liveSession.data, view.sku?.id);

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
    const target = checkoutUrl([{ skuId: sku.id, quantity }], false, liveSessionId);
    void openPage(loggedIn ? target : PAGES.login(target));
  };

  const openPoster = () => {
    sharing.setSheetOpen(false);
    // The platform's code is made for a signed-in shopper (POST /api/share/code).
    if (!loggedIn) {
      void Taro.showToast({ title: t('share.loginForPoster'), icon: 'none' });
      void openPage(PAGES.login(sharing.share.path));
      return;
    }
    setPosterOpen(true);
  };

  return (
    <Box className="product">
      <Gallery images={product.images} title={product.title} />
      <Box className="card product__info">
        {liveLine && (
          <Box className="product__price-row" data-testid="live-price">
            <Inline className="product__badge">{t('livePrice')}</Inline>
            <Price fen={liveLine.price} size="lg" />
            {liveLine.originalPrice > liveLine.price && <Price fen={liveLine.originalPrice} strike />}
          </Box>
        )}
        <Box className={liveLine ? 'product__price-row product__price-row--hidden' : 'product__price-row'}>
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
        <Estimate productId={product.id} skuId={view.sku?.id ?? null} />
        <Box className="product__title-row">
          <Inline className="product__title">{product.title}</Inline>
          {!sharing.timeline && (
            <Tap className="product__share" onClick={() => sharing.setSheetOpen(true)} aria-label={t('share.button')} data-testid="share-open">
              <Icon svg={icons.Share2} size={40} color="#666666" />
              <Inline className="product__share-label">{t('share.button')}</Inline>
            </Tap>
          )}
        </Box>
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

      {sharing.timeline ? (
        // Single-page mode: no login, no navigation; the host's own bar opens the mini-program.
        <Box className="product__bar product__bar--timeline safe-bottom" data-testid="timeline-hint">
          <Inline className="product__timeline-hint">{t('share.timelineHint')}</Inline>
        </Box>
      ) : (
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
      )}

      <ShareSheet
        open={sharing.sheetOpen}
        onClose={() => sharing.setSheetOpen(false)}
        path={sharing.share.path}
        preparing={sharing.share.token.pending}
        onPoster={openPoster}
      />
      <ProductPoster product={product} price={view.sku?.price ?? view.minPrice} open={posterOpen} onClose={closePoster} />
    </Box>
  );
}

export default function ProductPage() {
  // The product from the query (`id`, or a code's scene `id=`), else from what a poster's token opens.
  const landing = useLanding();
  const { params } = useRouter();
  const liveSessionId = useMemo(() => liveSessionOf(params as Record<string, string | undefined>), [params]);
  const resolved = useResolvedLink(landing.productId === null ? landing.token : null);
  const resolvedId = resolved.data ? productOfTarget(resolved.data.target) : null;
  const id = landing.productId ?? resolvedId ?? '';
  const resolving = landing.productId === null && landing.token !== null && resolved.isPending;
  const product = useProduct(id);
  // The product's view is rendered in slices once its answer is in (use-rendered-data.ts).
  const view = useRenderedData(product.data);
  const timeline = useMemo(() => isTimelineSinglePage(), []);
  const [sheetOpen, setSheetOpen] = useState(false);
  const share = usePageShare({
    target: id ? { kind: 'product', productId: id } : HOME_TARGET,
    title: product.data?.title ?? t('appName'),
    imageUrl: product.data ? assetUrl(product.data.images[0] ?? product.data.cover) : undefined,
    wantOwnLink: sheetOpen,
  });
  const missing = !resolving && id === '';
  return (
    <Box>
      <TitleBar title={t('productTitle')} />
      <OfflineBanner />
      <PageState
        isLoading={resolving || (id !== '' && product.isPending) || (view.catchingUp && !view.data)}
        isError={missing || (product.isError && !product.data)}
        error={missing ? (resolved.error ?? new ApiError({ code: 'NOT_FOUND', status: 404 })) : product.error}
        notFoundText={t('productNotFound')}
        onRetry={() => void (id === '' ? resolved.refetch() : product.refetch())}
        skeleton={
          <Box>
            <Box className="product__gallery product__gallery--loading" />
            <Skeleton rows={4} />
          </Box>
        }
      >
        {/* keyed by id: another product starts a fresh choice; a refetch keeps it */}
        {view.data && <ProductView key={view.data.id} product={view.data} liveSessionId={liveSessionId} sharing={{ share, sheetOpen, setSheetOpen, timeline }} />}
      </PageState>
    </Box>
  );
}
