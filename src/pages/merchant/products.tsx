import type { MerchantProduct } from '@contract';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { disabledProp, icons, OfflineBanner, PageState, Picture, Price, Skeleton, TitleBar } from '@/components';
import { t } from '@/i18n/messages';
import { useMerchantProducts, useSetShelf } from '@/services/merchant/goods';
import { confirmAction, Forbidden, ListFoot, nextPageOnReachBottom, toast, useOneAtATime, useWorkbench } from './shared';
import { SkuEditor } from './sku-editor';
import './workbench.css';
import './products.css';

export default function WorkbenchProducts() {
  const { params } = useRouter();
  const { merchantId, canRun, workplaceQuery } = useWorkbench();
  const [draft, setDraft] = useState(params.q ?? '');
  const [q, setQ] = useState((params.q ?? '').trim());
  const products = useMerchantProducts(canRun ? merchantId : '', q);
  const shelf = useSetShelf(merchantId);
  const { run, busy } = useOneAtATime();
  const [editing, setEditing] = useState<string | null>(null);
  useReachBottom(() => nextPageOnReachBottom(products));
  usePullDownRefresh(() => {
    void products.refetch().finally(() => Taro.stopPullDownRefresh());
  });

  if (workplaceQuery.data && !canRun) {
    return (
      <View className="wb">
        <TitleBar title={t('wb.products.title')} />
        <Forbidden />
      </View>
    );
  }

  const list = products.data?.pages.flatMap((p) => p.items) ?? [];
  const editingProduct = list.find((p) => p.id === editing) ?? null;

  const toggleShelf = (p: MerchantProduct) =>
    run(`shelf-${p.id}`, async () => {
      if (!(await confirmAction(p.onShelf ? t('wb.products.takeOffConfirm') : t('wb.products.putOnConfirm')))) return;
      await shelf.mutateAsync({ productId: p.id, onShelf: !p.onShelf });
      toast(t('wb.products.shelfDone'), 'success');
    });

  return (
    <View className="wb">
      <TitleBar title={t('wb.products.title')} />
      <OfflineBanner />
      <View className="wb-search">
        <View className="wb-search__field">
        <Input
          className="wb-search__input"
          value={draft}
          placeholder={t('wb.products.searchPlaceholder')}
          confirmType="search"
          maxlength={50}
          onInput={(e) => setDraft(e.detail.value)}
          onConfirm={(e) => setQ(e.detail.value.trim())}
          data-testid="wb-product-search"
        />
        </View>
        <Button className="wb-search__btn" onClick={() => setQ(draft.trim())}>
          {t('wb.search')}
        </Button>
      </View>
      <PageState
        isLoading={products.isLoading || (!merchantId && workplaceQuery.isLoading)}
        isError={products.isError && list.length === 0}
        error={products.error}
        isEmpty={list.length === 0}
        emptyText={t('wb.products.empty')}
        emptyIcon={icons.PackageOpen}
        onRetry={() => void products.refetch()}
        showHome={false}
        skeleton={<Skeleton rows={3} avatar />}
      >
        {list.map((p) => (
          <View key={p.id} className="wb-card" data-testid="wb-product">
            <View className="wb-item">
              <Picture className="wb-item__img" src={p.cover} alt="" />
              <View className="wb-item__body">
                <Text className="wb-item__title">{p.title}</Text>
                <Text className="wb-item__meta">
                  <Text className={`wb-badge${p.onShelf ? '' : ' wb-badge--plain'}`}>{p.onShelf ? t('wb.products.onShelf') : t('wb.products.offShelf')}</Text>
                  {`${t('wb.products.stock', { n: p.stock })} · ${t('wb.products.sales', { n: p.sales })}`}
                </Text>
                <Price fen={p.priceFrom} size="sm" />
              </View>
            </View>
            <View className="wb-actions">
              <Button className="wb-btn" disabled={disabledProp(!!busy)} onClick={() => void toggleShelf(p)} data-testid="wb-shelf">
                {p.onShelf ? t('wb.products.takeOff') : t('wb.products.putOn')}
              </Button>
              <Button className="wb-btn wb-btn--primary" onClick={() => setEditing(p.id)} data-testid="wb-edit-skus">
                {t('wb.products.editSku')}
              </Button>
            </View>
          </View>
        ))}
        <ListFoot list={products} />
      </PageState>
      {editingProduct && (
        <View className="wb-sheet-mask" onClick={() => setEditing(null)}>
          <View className="wb-sheet" onClick={(e) => e.stopPropagation()} role="dialog" aria-label={t('wb.sku.title')}>
            <View className="wb-sheet__title">
              <View>
                <Text>{t('wb.sku.title')}</Text>
                <Text className="wb-sheet__sub">{editingProduct.title}</Text>
              </View>
              <Text className="wb-sheet__close" onClick={() => setEditing(null)}>
                {t('wb.sku.close')}
              </Text>
            </View>
            {editingProduct.skus.map((sku) => (
              <SkuEditor key={sku.id} merchantId={merchantId} product={editingProduct} sku={sku} onStale={() => void products.refetch()} />
            ))}
          </View>
        </View>
      )}
    </View>
  );
}
