import type { ProductSummary } from '@contract';
import type { SharePage } from '@contract/share';
import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { disabledProp, icons, PageState, Picture, Price, Skeleton } from '@/components';
import { ListFoot, SearchBar, TabBar, useNextPageOnReachBottom } from '@/components/list-page';
import { PageFrame } from '@/components/page-frame';
import { type PosterContent, PosterSheet } from '@/components/poster';
import { t } from '@/i18n/catalog';
import { useProductList } from '@/services/catalog/listProducts';
import { useLoginGate } from '@/services/checkout/login-gate';
import { openPage, PAGES } from '@/services/platform/nav';
import { referralLinkOptions } from '@/services/referral/createReferralLink';
import { useReferralMe } from '@/services/referral/getReferralMe';
import { type PosterSubject, posterPage, posterScene, posterTarget } from '@/services/referral/poster';
import { useSession } from '@/stores/session';
import './promoter.css';

type Tab = 'home' | 'product';

interface Poster {
  page: SharePage;
  scene: string;
  content: PosterContent;
  image: string | readonly string[];
}

const subjectKey = (s: PosterSubject) => (s.kind === 'home' ? 'home' : s.productId);

/** The home poster shows the shop's four best sellers in a grid. */
const HOME_GRID = { sort: 'sales', limit: 4 } as const;

function HomePoster({ making, onMake }: { making: boolean; onMake: (images: string[]) => void }) {
  const best = useProductList(HOME_GRID);
  const covers = best.data?.pages[0]?.items.map((p) => p.cover) ?? [];
  return (
    <View className="pm-card pm-poster-home" data-testid="pm-poster-home">
      <View className="pm-poster-home__grid">
        {[0, 1, 2, 3].map((i) => (
          <Picture key={i} className="pm-poster-home__image" src={covers[i] ?? null} alt="" />
        ))}
      </View>
      <Text className="pm-poster-home__name">{t('posters.homeName')}</Text>
      <Text className="pm-hint">{t('posters.homeHint')}</Text>
      <Button className="btn-primary pm-submit" disabled={disabledProp(making || best.isLoading)} onClick={() => onMake(covers)} data-testid="pm-make-home">
        {t('posters.make')}
      </Button>
    </View>
  );
}

function ProductPicker({ making, onMake }: { making: string | null; onMake: (p: ProductSummary) => void }) {
  const [q, setQ] = useState('');
  const products = useProductList({ q, sort: 'sales' });
  useNextPageOnReachBottom(products);
  const items = products.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <SearchBar value={q} onSearch={setQ} placeholder={t('posters.search')} testId="pm-product-search" />
      <Text className="pm-hint pm-list-head">{t('posters.productHint')}</Text>
      <PageState
        isLoading={products.isLoading}
        isError={products.isError && items.length === 0}
        error={products.error}
        onRetry={() => void products.refetch()}
        isEmpty={items.length === 0 && !products.hasNextPage}
        emptyText={t('posters.productsEmpty')}
        emptyIcon={icons.Search}
        showHome={false}
        skeleton={<Skeleton rows={3} avatar />}
      >
        <View className="pm-list">
          {items.map((p) => (
            <View key={p.id} className="pm-product" data-testid="pm-product">
              <Picture className="pm-product__image" src={p.cover} alt={p.title} />
              <View className="pm-product__body">
                <Text className="pm-product__title">{p.title}</Text>
                <View className="pm-product__foot">
                  <Price fen={p.priceFrom} size="sm" />
                  <Button className="btn-primary pm-make" disabled={disabledProp(making !== null)} onClick={() => onMake(p)} data-testid={`pm-make-${p.id}`}>
                    {t('posters.make')}
                  </Button>
                </View>
              </View>
            </View>
          ))}
        </View>
        <ListFoot list={products} />
      </PageState>
    </>
  );
}

/**
 * Share posters of the promoter's own link: the shop's home page or a product. A poster is the
 * promoter's link for it (POST /api/referral/links) drawn as the platform's code (the poster
 * component: POST /api/share/code with the scene `rt=<token>`), to save to the album on the
 * mini-programs or long-press on H5.
 */
export default function PromoterPosters() {
  const me = useReferralMe();
  useLoginGate(me.error, me.refetch);
  const sharer = useSession((s) => s.user?.nickname ?? '');
  const queryClient = useQueryClient();
  const [tab, setTab] = useState<Tab>('home');
  const [poster, setPoster] = useState<Poster | null>(null);
  const [making, setMaking] = useState<string | null>(null);
  const busy = useRef(false);

  const make = async (subject: PosterSubject, content: PosterContent, image: string | readonly string[]) => {
    if (busy.current) return;
    busy.current = true;
    setMaking(subjectKey(subject));
    try {
      const link = await queryClient.fetchQuery(referralLinkOptions(posterTarget(subject)));
      setPoster({ page: posterPage(subject), scene: posterScene(link.token), content, image });
    } catch (e) {
      void Taro.showToast({ title: e instanceof Error ? e.message : t('share.failed'), icon: 'none', duration: 2000 });
    } finally {
      busy.current = false;
      setMaking(null);
    }
  };

  const promoter = me.data?.isPromoter === true;
  return (
    <PageFrame title={t('posters.title')} className="pm" query={me} skeleton={<Skeleton rows={4} />}>
      {me.data && !promoter && (
        <View className="pm-card" data-testid="pm-not-promoter">
          <Text className="pm-policy__title">{t('posters.notPromoter')}</Text>
          <Button className="btn-primary pm-submit" onClick={() => void openPage(PAGES.promoter)}>
            {t('posters.goCentre')}
          </Button>
        </View>
      )}
      {promoter && (
        <>
          <TabBar
            tabs={[
              { key: 'home', label: t('posters.tabHome') },
              { key: 'product', label: t('posters.tabProduct') },
            ]}
            active={tab}
            onChange={setTab}
          />
          {tab === 'home' ? (
            <HomePoster
              making={making !== null}
              onMake={(covers) => void make({ kind: 'home' }, { title: t('posters.homeName'), price: null, tagline: t('posters.homeTagline'), sharer }, covers.length >= 4 ? covers : (covers[0] ?? ''))}
            />
          ) : (
            <ProductPicker
              making={making}
              onMake={(p) => void make({ kind: 'product', productId: p.id }, { title: p.title, price: p.priceFrom, sharer }, p.cover)}
            />
          )}
        </>
      )}
      {poster && <PosterSheet open onClose={() => setPoster(null)} page={poster.page} scene={poster.scene} content={poster.content} image={poster.image} />}
    </PageFrame>
  );
}
