import type { ProductSort } from '@contract';
import { ScrollView, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useEffect, useMemo } from 'react';
import { KEYBOARD_SCROLLABLE, OfflineBanner, PageState, ProductCard, SearchEntry, Skeleton, icons } from '@/components';
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
  const { categoryId, sort, show, setSort } = useBrowse();

  // Deep links (H5 URLs, shared paths) carry ?categoryId=; the home page writes the store.
  // Searching has its own page (pages/search), which an old ?q= link is sent to.
  useEffect(() => {
    const fromUrl = decode(router.params.categoryId);
    if (fromUrl) show({ categoryId: fromUrl });
    const q = decode(router.params.q).trim();
    if (q) void openPage(PAGES.search(q));
  }, [router.params.categoryId, router.params.q, show]);

  const categories = useCategories();
  // Without a chosen category, show the first category.
  const activeId = categoryId ?? categories.data?.[0]?.id ?? null;
  const filter = useMemo(() => ({ categoryId: activeId ?? undefined, sort, limit: 10 }), [activeId, sort]);
  const list = useProductList(filter, activeId !== null);
  const products = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  const loadMore = () => {
    if (list.hasNextPage && !list.isFetchingNextPage && !list.isError) void list.fetchNextPage();
  };

  return (
    <View className="category">
      <OfflineBanner />
      <SearchEntry onOpen={() => void openPage(PAGES.search())} />
      <PageState
        isLoading={categories.isPending}
        isError={categories.isError && !categories.data}
        error={categories.error}
        onRetry={() => void categories.refetch()}
        skeleton={<Skeleton rows={8} />}
      >
        <View className="category__body">
          <ScrollView className="category__nav" scrollY>
            {categories.data?.map((c) => (
              <View
                key={c.id}
                className={`category__nav-item${c.id === activeId ? ' category__nav-item--active' : ''}`}
                onClick={() => show({ categoryId: c.id })}
              >
                {c.name}
              </View>
            ))}
          </ScrollView>
          <View className="category__main">
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
        emptyIcon={icons.Search}
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
