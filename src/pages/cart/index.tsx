import type { CartLine } from '@contract';
import { formatPrice } from '@contract/money';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useRef } from 'react';
import { Check, Icon, icons, LineItem, OfflineBanner, PageState, Price, Skeleton, Stepper, disabledProp } from '@/components';
import { Box } from '@/components/primitives';
import { lineIssueLabels, t } from '@/i18n/messages';
import { useMergeDraft } from '@/services/cart/mergeCart';
import { groupByShop } from '@/services/cart/groups';
import { useCartModel } from '@/services/cart/useCartModel';
import { checkoutUrl } from '@/services/checkout/items';
import { openPage, PAGES } from '@/services/platform/nav';
import { draftToLines, useCartDraft } from '@/stores/cart-draft';
import { useIsLoggedIn } from '@/stores/session';
import './index.css';

function lineNote(line: CartLine): string | undefined {
  if (!line.valid) return line.issue ? lineIssueLabels[line.issue] : lineIssueLabels.sku_missing;
  if (line.issue === 'price_changed' || line.unitPrice !== line.addedPrice) {
    return `${lineIssueLabels.price_changed}（${t('priceWas', { price: formatPrice(line.addedPrice) })}）`;
  }
  if (line.issue) return lineIssueLabels[line.issue];
  return undefined;
}

export default function CartPage() {
  const loggedIn = useIsLoggedIn();
  const cart = useCartModel();
  const draftLines = useCartDraft((s) => s.lines);
  const merge = useMergeDraft();
  const mergeTried = useRef(false);

  // A draft left over from a login whose merge failed is merged now.
  useEffect(() => {
    if (loggedIn && draftLines.length > 0 && !mergeTried.current && !merge.isPending) {
      mergeTried.current = true;
      merge.mutate(draftToLines(draftLines));
    }
  }, [loggedIn, draftLines, merge]);

  useDidShow(() => {
    if (cart.view) cart.refetch();
  });

  useEffect(() => {
    if (cart.actionError) void Taro.showToast({ title: cart.actionError.message, icon: 'none' });
  }, [cart.actionError]);

  const lines = cart.view?.lines ?? [];
  const valid = lines.filter((l) => l.valid);
  const shops = groupByShop(lines);
  const invalid = lines.filter((l) => !l.valid);
  const selected = valid.filter((l) => l.selected);
  const allSelected = valid.length > 0 && selected.length === valid.length;
  const priceChanged = valid.some((l) => l.issue === 'price_changed' || l.unitPrice !== l.addedPrice);
  const totals = cart.view?.totals;

  const remove = (skuId: string) => {
    void Taro.showModal({ title: t('remove'), content: t('removeConfirm') }).then((res) => {
      if (res.confirm) cart.remove(skuId);
    });
  };

  const checkout = () => {
    if (selected.length === 0) {
      void Taro.showToast({ title: t('nothingSelected'), icon: 'none' });
      return;
    }
    if (!loggedIn) {
      void openPage(PAGES.login(PAGES.cart));
      return;
    }
    void openPage(checkoutUrl(selected.map((l) => ({ skuId: l.skuId, quantity: l.quantity })), true));
  };

  const renderLine = (line: CartLine) => (
    <View key={line.skuId} className={`cart-line${line.valid ? '' : ' cart-line--invalid'}`} data-testid="cart-line">
      <Check
        className="cart-line__check"
        checked={line.valid && line.selected}
        disabled={!line.valid}
        label={line.title}
        hideLabel
        onChange={() => cart.setSelected(line.skuId, !line.selected)}
      />
      {/* A plain element on H5, like the Stepper inside it: the Stepper's tap stops here (a
          Taro view's own click listener would run before the Stepper could stop it). */}
      <Box className="cart-line__item" onClick={() => line.productId && void openPage(PAGES.product(line.productId))}>
        <LineItem
          image={line.image}
          title={line.title || t('cartGoneItem')}
          specText={line.specText}
          unitPrice={line.unitPrice}
          quantity={line.quantity}
          disabled={!line.valid}
          note={lineNote(line)}
          actions={
            <Text
              className="cart-line__remove"
              onClick={(e) => {
                e.stopPropagation();
                remove(line.skuId);
              }}
            >
              {t('remove')}
            </Text>
          }
        >
          {line.valid || (line.issue === 'insufficient_stock' && line.stock > 0) ? (
            // A line asking for more than is left can be brought down to the stock to make it valid again.
            <Stepper
              value={line.quantity}
              min={1}
              max={Math.max(1, Math.min(line.stock, 99))}
              onChange={(q) => cart.setQuantity(line.skuId, Math.min(q, Math.max(1, line.stock)))}
            />
          ) : (
            <Text className="cart-line__qty">×{line.quantity}</Text>
          )}
        </LineItem>
      </Box>
    </View>
  );

  return (
    <View className="cart">
      <OfflineBanner />
      {!loggedIn && (
        <View className="cart__login-hint">
          <Text>{t('cartLoginHint')}</Text>
          <Text className="cart__login-link" onClick={() => void openPage(PAGES.login(PAGES.cart))}>
            {t('goLogin')}
          </Text>
        </View>
      )}
      <PageState
        isLoading={cart.isPending}
        isError={cart.isError}
        error={cart.error}
        isEmpty={lines.length === 0}
        emptyText={t('cartEmpty')}
        emptyIcon={icons.ShoppingCart}
        emptyActionText={t('goShopping')}
        onEmptyAction={() => void openPage(PAGES.home)}
        onRetry={cart.refetch}
        skeleton={<Skeleton rows={4} avatar />}
      >
        {priceChanged && <View className="cart__notice">{t('priceChangedNotice')}</View>}
        {shops.map((shop) => (
          <View key={shop.merchantId} className="card cart__group" data-testid="cart-shop">
            <View className="cart__shop">
              <Check
                checked={shop.allSelected}
                label={t('shopSelectAll', { name: shop.merchantName })}
                onChange={() => cart.selectShop(shop.merchantId, !shop.allSelected)}
              >
                <View className="cart__shop-name">
                  <Icon svg={icons.Store} size={32} color="#333333" />
                  <Text className="cart__shop-title">{shop.merchantName}</Text>
                </View>
              </Check>
            </View>
            {shop.lines.map(renderLine)}
          </View>
        ))}
        {invalid.length > 0 && (
          <View className="card cart__group cart__group--invalid">
            <Text className="cart__group-title">{t('invalidLines')}</Text>
            {invalid.map(renderLine)}
          </View>
        )}
        <View className="cart__bar">
          <Check
            className="cart__select-all"
            checked={allSelected}
            disabled={valid.length === 0}
            label={t('selectAll')}
            onChange={() => cart.selectAll(!allSelected)}
          />
          <View className="cart__total">
            <Text>{t('total')}</Text>
            <View data-testid="cart-total">
              <Price fen={totals?.itemsAmount ?? 0} />
            </View>
          </View>
          <Button
            className={`btn-primary cart__checkout${selected.length === 0 ? ' is-disabled' : ''}`}
            disabled={disabledProp(selected.length === 0)}
            onClick={checkout}
          >
            {t('checkoutCount', { n: totals?.selectedQuantity ?? 0 })}
          </Button>
        </View>
      </PageState>
    </View>
  );
}
