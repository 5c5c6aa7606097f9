import type { MerchantProduct, MerchantSku } from '@contract';
import type { LiveSessionStatus } from '@contract/live';
import { formatPrice } from '@contract/money';
import { Button, Text, View } from '@tarojs/components';
import { type ReactNode, useState } from 'react';
import { disabledProp, Picture, Skeleton } from '@/components';
import { SearchBar } from '@/components/list-page';
import { liveStatusLabels } from '@/i18n/live-host';
import { t } from '@/i18n/workbench';
import { useMerchantProducts } from '@/services/merchant/goods';
import { errorText, Sheet } from './shared';

/** A session's status as a badge (直播中 in the brand's red). */
export function LiveStatus({ status }: { status: LiveSessionStatus }) {
  const tone = status === 'live' ? ' wb-live-status--live' : status === 'paused' ? ' wb-live-status--paused' : '';
  return (
    <Text className={`wb-live-status${tone}`} data-testid="wb-live-status">
      {liveStatusLabels[status]}
    </Text>
  );
}

/** A figure of a board: its value over its label. */
export function LiveFig({ label, children, hot, testId }: { label: string; children: ReactNode; hot?: boolean; testId?: string }) {
  return (
    <View className="wb-live-fig" data-testid={testId}>
      <View className={`wb-live-fig__value${hot ? ' wb-live-fig__value--hot' : ''}`}>{children}</View>
      <Text className="wb-live-fig__label">{label}</Text>
    </View>
  );
}

/**
 * 添加商品: the merchant's products (searchable, the products page's list); each SKU one chip,
 * a SKU already in the lineup (`taken`) or without stock greyed out.
 */
export function LiveGoodsPicker({ merchantId, taken, onPick, onClose }: { merchantId: string; taken: ReadonlySet<string>; onPick: (product: MerchantProduct, sku: MerchantSku) => void; onClose: () => void }) {
  const [q, setQ] = useState('');
  const list = useMerchantProducts(merchantId, q);
  const products = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Sheet title={t('wb.live.edit.pickTitle')} onClose={onClose} testId="live-picker">
      <SearchBar value={q} onSearch={setQ} placeholder={t('wb.products.searchPlaceholder')} testId="live-picker-search" />
      {list.isLoading && <Skeleton rows={3} avatar />}
      {list.isError && !list.data && (
        <View className="wb-error" role="alert">
          {errorText(list.error)}
        </View>
      )}
      {list.data && products.length === 0 && <Text className="wb-muted">{t('wb.products.empty')}</Text>}
      {products.map((p) => (
        <View key={p.id}>
          <View className="wb-live-pick">
            <Picture className="wb-live-pick__img" src={p.cover} alt="" />
            <View className="wb-live-pick__body">
              <Text>{p.title}</Text>
            </View>
          </View>
          <View className="wb-chips wb-field">
            {p.skus.map((s) => {
              const done = taken.has(s.id);
              const off = done || s.stock < 1;
              const text = `${s.specText || t('wb.products.defaultSpec')} · ${t('wb.live.edit.skuPrice', { price: formatPrice(s.price), stock: s.stock })}`;
              return (
                <View
                  key={s.id}
                  className={`wb-chip${off ? ' wb-live-chip--off' : ''}`}
                  aria-disabled={off}
                  onClick={() => !off && onPick(p, s)}
                  data-testid={`live-pick-${s.id}`}
                >
                  {done ? `${text} · ${t('wb.live.edit.picked')}` : text}
                </View>
              );
            })}
          </View>
        </View>
      ))}
      {list.hasNextPage && (
        <Button className="wb-btn wb-btn--block" disabled={disabledProp(list.isFetchingNextPage)} onClick={() => void list.fetchNextPage()}>
          {t('wb.loadMore')}
        </Button>
      )}
    </Sheet>
  );
}
