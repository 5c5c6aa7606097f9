import Taro, { usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Carousel, OfflineBanner, PageState, Picture, ProductCard, SearchEntry, Skeleton } from '@/components';
// Plain elements on H5 (see primitives): the first page brings no Taro component library.
import { Box, Inline } from '@/components/primitives';
import { t } from '@/i18n/messages';
import { useHome } from '@/services/catalog/getHome';
import { useProductList } from '@/services/catalog/listProducts';
import { keys, type ProductListFilter } from '@/services/keys';
import { openPage, PAGES } from '@/services/platform/nav';
import { useLanding } from '@/services/referral/use-landing';
import { HOME_TARGET, usePageShare } from '@/services/share/page-share';
import { useRenderedData } from '@/services/use-rendered-data';
import { useBrowse } from '@/stores/browse';
import { LiveEntry, useHomeLive } from './live-entry';
import './index.css';

// Ten cards fill two phone screens; more load on the way down. (config/first-load.ts preloads this request.)
const FEED: ProductListFilter = { sort: 'default', limit: 10 };

export default function HomePage() {
  const client = useQueryClient();
  const home = useHome();
  const feed = useProductList(FEED);
  // Answers are rendered in slices (use-rendered-data.ts): no long task when they arrive.
  const top = useRenderedData(home.data);
  const shownFeed = useRenderedData(feed.data);
  const products = useMemo(() => shownFeed.data?.pages.flatMap((p) => p.items) ?? [], [shownFeed.data]);
  const live = useHomeLive(home.data !== undefined);
  // A shared link to the home page: its visit reported; the page's own share carries a promoter's token.
  useLanding();
  usePageShare({ target: HOME_TARGET, title: t('appTitle') });

  useReachBottom(() => {
    if (feed.hasNextPage && !feed.isFetchingNextPage && !feed.isError) void feed.fetchNextPage();
  });

  usePullDownRefresh(() => {
    void Promise.allSettled([
      client.refetchQueries({ queryKey: keys.catalog.home() }),
      // Reset the feed to its first page instead of refetching every loaded page.
      client.resetQueries({ queryKey: keys.catalog.productList(FEED) }),
    ]).finally(() => {
      void Taro.stopPullDownRefresh();
    });
  });

  const openProduct = (id: string) => void openPage(PAGES.product(id));
  const browse = (filter: { categoryId: string }) => {
    useBrowse.getState().show(filter);
    void openPage(PAGES.category);
  };

  return (
    <Box className="home">
      <OfflineBanner />
      <SearchEntry onOpen={() => void openPage(PAGES.search())} />

      <PageState
        showHome={false}
        // The top appears with the live entry's answer (or after a short wait), so nothing moves;
        // a failed home request is shown at once.
        isLoading={home.isPending || (home.data !== undefined && !live.settled) || (top.catchingUp && !top.data)}
        isError={home.isError && !home.data}
        error={home.error}
        onRetry={() => void home.refetch()}
        skeleton={
          // The banner's and the categories' own size, so nothing below moves when they arrive.
          <Box className="home__top-skeleton" aria-busy="true" data-testid="skeleton">
            <Box className="home__banners home__skeleton-block" />
            <Box className="home__categories home__categories--skeleton home__skeleton-block" />
          </Box>
        }
      >
        {top.data && (
          <>
            {top.data.banners.length > 0 && (
              <Carousel
                className="home__banners"
                imageClassName="home__banner"
                dots
                autoplay
                priority
                interval={4000}
                slides={top.data.banners.map(({ id, image, title, productId }) => ({
                  key: id,
                  image,
                  label: title,
                  onClick: productId ? () => openProduct(productId) : undefined,
                }))}
              />
            )}
            <Box className="home__categories">
              {top.data.categories.map((c) => (
                <Box key={c.id} className="home__category" onClick={() => browse({ categoryId: c.id })}>
                  <Picture className="home__category-icon" src={c.icon} alt="" mode="aspectFit" />
                  <Inline className="home__category-name">{c.name}</Inline>
                </Box>
              ))}
            </Box>
          </>
        )}
      </PageState>
      {top.data && live.settled && <LiveEntry session={live.session} />}

      <Inline className="home__feed-title">{t('homeFeedTitle')}</Inline>
      <PageState
        showHome={false}
        isLoading={feed.isPending || (shownFeed.catchingUp && !shownFeed.data)}
        isError={feed.isError && products.length === 0}
        error={feed.error}
        isEmpty={products.length === 0}
        emptyText={t('homeEmpty')}
        onRetry={() => void feed.refetch()}
        skeleton={<Skeleton rows={6} avatar />}
      >
        <Box className="home__feed">
          {products.map((p, i) => (
            <ProductCard key={p.id} product={p} onClick={openProduct} priority={i < 2} />
          ))}
        </Box>
        {feed.isFetchNextPageError ? (
          <Box className="load-more" onClick={() => void feed.fetchNextPage()}>
            {feed.error?.message} · {t('retry')}
          </Box>
        ) : (
          <Box className="load-more">{feed.isFetchingNextPage ? t('loading') : feed.hasNextPage ? t('loadMore') : t('noMore')}</Box>
        )}
      </PageState>
    </Box>
  );
}
