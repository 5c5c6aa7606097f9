import type { ProductSort } from '@contract';
import { Input, ScrollView, Text, View } from '@tarojs/components';
import { useDidShow, useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useState } from 'react';
import { KEYBOARD_SCROLLABLE, OfflineBanner, PageState, ProductCard, Skeleton } from '@/components';
import { t, type MessageKey } from '@/i18n/messages';
import { useCategories } from '@/services/catalog/listCategories';
import { useProductList } from '@/services/catalog/listProducts';
import { openPage, PAGES } from '@/services/platform/nav';
import { useBrowse } from '@/stores/browse';
import './index.css';

const SORTS: { sort: ProductSort; label: MessageKey }[] = [
  { sort: 'default', label: 'sortDefault' },
  { sort: 'sales', label: 'sortSales' },
  { sort: 'price_asc', label: 'sortPriceAsc' },
  { sort: 'price_desc', label: 'sortPriceDesc' },
];

function decode(v: string | undefined): string {
  if (!v) return '';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export default function CategoryPage() {
  const router = useRouter();
  const { categoryId, q, sort, show, setSort } = useBrowse();
  const [keyword, setKeyword] = useState(q);

  // Deep links (H5 URLs, shared paths) carry ?categoryId= or ?q=; the home page writes the store.
  useEffect(() => {
    const fromUrl = { categoryId: decode(router.params.categoryId), q: decode(router.params.q) };
    if (fromUrl.categoryId || fromUrl.q) show({ categoryId: fromUrl.categoryId || null, q: fromUrl.q });
  }, [router.params.categoryId, router.params.q, show]);
  useDidShow(() => setKeyword(useBrowse.getState().q));
  useEffect(() => setKeyword(q), [q]);

  const categories = useCategories();
  // Without a search or a chosen category, show the first category.
  const activeId = q ? categoryId : (categoryId ?? categories.data?.[0]?.id ?? null);
  const filter = useMemo(() => ({ categoryId: activeId ?? undefined, q: q || undefined, sort, limit: 10 }), [activeId, q, sort]);
  const list = useProductList(filter, Boolean(q) || activeId !== null);
  const products = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  const loadMore = () => {
    if (list.hasNextPage && !list.isFetchingNextPage && !list.isError) void list.fetchNextPage();
  };

  return (
    <View className="category">
      <OfflineBanner />
      <View className="category__search">
        <Input
          className="category__search-input"
          placeholder={t('searchPlaceholder')}
          value={keyword}
          confirmType="search"
          onInput={(e) => setKeyword(e.detail.value)}
          onConfirm={(e) => show({ q: e.detail.value, categoryId: null })}
        />
        {q ? (
          <Text className="category__search-clear" onClick={() => show({ categoryId: null, q: '' })}>
            {t('clearSearch')}
          </Text>
        ) : (
          <Text className="category__search-clear" onClick={() => show({ q: keyword, categoryId: null })}>
            {t('search')}
          </Text>
        )}
      </View>
      <PageState
        isLoading={categories.isPending}
        isError={categories.isError && !categories.data}
        error={categories.error}
        onRetry={() => void categories.refetch()}
        skeleton={<Skeleton rows={8} />}
      >
        <View className="category__body">
          <ScrollView className="category__nav" scrollY>
            {q && <View className="category__nav-item category__nav-item--active">{t('categoryAll')}</View>}
            {categories.data?.map((c) => (
              <View
                key={c.id}
                className={`category__nav-item${!q && c.id === activeId ? ' category__nav-item--active' : ''}`}
                onClick={() => show({ categoryId: c.id, q: '' })}
              >
                {c.name}
              </View>
            ))}
          </ScrollView>
          <View className="category__main">
            {q && <Text className="category__result-for">{t('searchResultFor', { q })}</Text>}
            <View className="category__sorts">
              {SORTS.map((s) => (
                <Text key={s.sort} className={`category__sort${s.sort === sort ? ' category__sort--active' : ''}`} onClick={() => setSort(s.sort)}>
                  {t(s.label)}
                </Text>
              ))}
            </View>
            <ScrollView className="category__list" scrollY {...KEYBOARD_SCROLLABLE} lowerThreshold={150} onScrollToLower={loadMore} data-testid="category-list">
              <PageState
                isLoading={list.isPending}
                isError={list.isError && products.length === 0}
                error={list.error}
                isEmpty={products.length === 0}
                emptyText={t('categoryEmpty')}
                onRetry={() => void list.refetch()}
                skeleton={<Skeleton rows={6} avatar />}
              >
                {products.map((p, i) => (
                  <ProductCard key={p.id} product={p} layout="row" priority={i < 4} onClick={(id) => void openPage(PAGES.product(id))} />
                ))}
                {list.isFetchNextPageError ? (
                  <View className="load-more" onClick={() => void list.fetchNextPage()}>
                    {list.error?.message} · {t('retry')}
                  </View>
                ) : (
                  <View className="load-more" onClick={loadMore}>
                    {list.isFetchingNextPage ? t('loading') : list.hasNextPage ? t('loadMore') : t('noMore')}
                  </View>
                )}
              </PageState>
            </ScrollView>
          </View>
        </View>
      </PageState>
    </View>
  );
}
