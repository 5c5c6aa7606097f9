import type { MerchantProduct } from '@contract';
import { Button, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { disabledProp, icons, Price, Skeleton } from '@/components';
import { t } from '@/i18n/workbench';
import { useMerchantProducts, useSetShelf } from '@/services/merchant/goods';
import { confirmAction, Item, toast, useOneAtATime, useWorkbench, WbList } from './shared';
import { SkuEditor } from './sku-editor';
import './workbench.css';
import './products.css';

export default function WorkbenchProducts() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const [q, setQ] = useState((params.q ?? '').trim());
  const products = useMerchantProducts(canRun ? merchantId : '', q);
  const shelf = useSetShelf(merchantId);
  const { run, busy } = useOneAtATime();
  const [editing, setEditing] = useState<string | null>(null);

  const editingProduct = products.data?.pages.flatMap((p) => p.items).find((p) => p.id === editing) ?? null;

  const toggleShelf = (p: MerchantProduct) =>
    run(`shelf-${p.id}`, async () => {
      if (!(await confirmAction(p.onShelf ? t('wb.products.takeOffConfirm') : t('wb.products.putOnConfirm')))) return;
      await shelf.mutateAsync({ productId: p.id, onShelf: !p.onShelf });
      toast(t('wb.products.shelfDone'), 'success');
    });

  return (
    <WbList
      wb={wb}
      allowed={canRun}
      title={t('wb.products.title')}
      list={products}
      itemKey={(p) => p.id}
      renderItem={(p) => (
        <View className="wb-card" data-testid="wb-product">
          <Item
            image={p.cover}
            title={p.title}
            meta={
              <>
                <Text className={`wb-badge${p.onShelf ? '' : ' wb-badge--plain'}`}>{p.onShelf ? t('wb.products.onShelf') : t('wb.products.offShelf')}</Text>
                {`${t('wb.products.stock', { n: p.stock })} · ${t('wb.products.sales', { n: p.sales })}`}
              </>
            }
          >
            <Price fen={p.priceFrom} size="sm" />
          </Item>
          <View className="wb-actions">
            <Button className="wb-btn" disabled={disabledProp(!!busy)} onClick={() => void toggleShelf(p)} data-testid="wb-shelf">
              {p.onShelf ? t('wb.products.takeOff') : t('wb.products.putOn')}
            </Button>
            <Button className="wb-btn wb-btn--primary" onClick={() => setEditing(p.id)} data-testid="wb-edit-skus">
              {t('wb.products.editSku')}
            </Button>
          </View>
        </View>
      )}
      search={{ value: q, onSearch: setQ, placeholder: t('wb.products.searchPlaceholder'), testId: 'wb-product-search' }}
      emptyText={t('wb.products.empty')}
      emptyIcon={icons.PackageOpen}
      skeleton={<Skeleton rows={3} avatar />}
      after={
        editingProduct && (
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
        )
      }
    />
  );
}
