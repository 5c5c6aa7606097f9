import type { ProductSort } from '@contract';
import { useRouter } from '@tarojs/taro';
import { useEffect, useMemo } from 'react';
import { OfflineBanner, PageState, ProductCard, SearchEntry, Skeleton, icons } from '@/components';
// Plain elements on H5 (see primitives): the tab opens without Taro's component library.
import { Box, Inline, Scroller } from '@/components/primitives';
import { t, type MessageKey } from '@/i18n/messages';
import { useCategories } from '@/services/catalog/listCategories';
import { useProductList } from '@/services/catalog/listProducts';
import { openPage, PAGES } from '@/services/platform/nav';
import { useRenderedData } from '@/services/use-rendered-data';
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
  // An answer is rendered in slices (use-rendered-data.ts): no long task when it arrives.
  const shown = useRenderedData(list.data);
  const products = useMemo(() => shown.data?.pages.flatMap((p) => p.items) ?? [], [shown.data]);

  const loadMore = () => {
    if (list.hasNextPage && !list.isFetchingNextPage && !list.isError) void list.fetchNextPage();
  };

  return (
    <Box className="category">
      <OfflineBanner />
      <SearchEntry onOpen={() => void openPage(PAGES.search())} />
      <PageState
        isLoading={categories.isPending}
        isError={categories.isError && !categories.data}
        error={categories.error}
        onRetry={() => void categories.refetch()}
        skeleton={<Skeleton rows={8} />}
      >
        <Box className="category__body">
          <Scroller className="category__nav">
            {categories.data?.map((c) => (
              <Box
                key={c.id}
                className={`category__nav-item${c.id === activeId ? ' category__nav-item--active' : ''}`}
                onClick={() => show({ categoryId: c.id })}
              >
                {c.name}
              </Box>
            ))}
          </Scroller>
          <Box className="category__main">
            <Box className="category__sorts">
              {SORTS.map((s) => (
                <Inline key={s.sort} className={`category__sort${s.sort === sort ? ' category__sort--active' : ''}`} onClick={() => setSort(s.sort)}>
                  {t(s.label)}
                </Inline>
              ))}
            </Box>
            <Scroller className="category__list" focusable lowerThreshold={150} onScrollToLower={loadMore} data-testid="category-list">
              <PageState
                isLoading={list.isPending || (shown.catchingUp && !shown.data)}
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
                  <Box className="load-more" onClick={() => void list.fetchNextPage()}>
                    {list.error?.message} · {t('retry')}
                  </Box>
                ) : (
                  <Box className="load-more" onClick={loadMore}>
                    {list.isFetchingNextPage ? t('loading') : list.hasNextPage ? t('loadMore') : t('noMore')}
                  </Box>
                )}
              </PageState>
            </Scroller>
          </Box>
        </Box>
      </PageState>
    </Box>
  );
}
