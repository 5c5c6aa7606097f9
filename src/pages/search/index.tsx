import { Input, Text, View } from '@tarojs/components';
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { useMemo, useState } from 'react';
import { Icon, icons, OfflineBanner, PageState, ProductCard, Skeleton } from '@/components';
import { t } from '@/i18n/messages';
import { useHotSearches } from '@/services/catalog/getHotSearches';
import { useProductList } from '@/services/catalog/listProducts';
import { useSearchSuggestions } from '@/services/catalog/suggestSearch';
import { goBack, openPage, PAGES } from '@/services/platform/nav';
import { useDebounced } from '@/services/use-debounced';
import { useSearchHistory } from '@/stores/search-history';
import './index.css';

function decode(v: string | undefined): string {
  if (!v) return '';
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/**
 * The search page: the box, then either the shopper's history and the hot searches (empty
 * box), suggestions from the server while typing, or the results of a search as product cards.
 */
export default function SearchPage() {
  const router = useRouter();
  const initial = decode(router.params.q).trim();
  const [text, setText] = useState(initial);
  const [submitted, setSubmitted] = useState(initial);
  const history = useSearchHistory();
  const hot = useHotSearches();
  const typed = useDebounced(text.trim(), 250);
  const showingResults = submitted !== '' && text.trim() === submitted;
  const suggestions = useSearchSuggestions(showingResults ? '' : typed);
  const filter = useMemo(() => ({ q: submitted, sort: 'default' as const, limit: 20 }), [submitted]);
  const results = useProductList(filter, submitted !== '');
  const products = useMemo(() => results.data?.pages.flatMap((p) => p.items) ?? [], [results.data]);

  useReachBottom(() => {
    if (showingResults && results.hasNextPage && !results.isFetchingNextPage && !results.isError) void results.fetchNextPage();
  });

  const search = (word: string) => {
    const q = word.trim();
    if (!q) return;
    history.add(q);
    setText(q);
    setSubmitted(q);
  };

  const clearHistory = () => {
    void Taro.showModal({ title: t('searchHistory'), content: t('searchClearConfirm') }).then((res) => {
      if (res.confirm) history.clear();
    });
  };

  const words = (list: string[], testId: string) => (
    <View className="search__words" data-testid={testId}>
      {list.map((w) => (
        <Text key={w} className="search__word" onClick={() => search(w)}>
          {w}
        </Text>
      ))}
    </View>
  );

  return (
    <View className="search">
      <OfflineBanner />
      <View className="search__bar">
        <View className="search__box">
          <Icon svg={icons.Search} size={32} color="#999999" />
          <Input
            className="search__input"
            focus={!initial}
            placeholder={t('searchPlaceholder')}
            value={text}
            confirmType="search"
            maxlength={50}
            onInput={(e) => setText(e.detail.value)}
            onConfirm={(e) => search(e.detail.value)}
          />
        </View>
        {text.trim() && !showingResults ? (
          <Text className="search__action search__action--primary" onClick={() => search(text)}>
            {t('search')}
          </Text>
        ) : (
          <Text className="search__action" onClick={() => void goBack()}>
            {t('searchCancel')}
          </Text>
        )}
      </View>

      {showingResults ? (
        <PageState
          isLoading={results.isPending}
          isError={results.isError && products.length === 0}
          error={results.error}
          isEmpty={products.length === 0}
          emptyText={t('searchNoResult', { q: submitted })}
        emptyIcon={icons.Search}
          onRetry={() => void results.refetch()}
          skeleton={<Skeleton rows={6} avatar />}
        >
          <View className="search__results" data-testid="search-results">
            {products.map((p) => (
              <ProductCard key={p.id} product={p} onClick={(id) => void openPage(PAGES.product(id))} />
            ))}
          </View>
          <View className="load-more">{results.isFetchingNextPage ? t('loading') : results.hasNextPage ? t('loadMore') : t('noMore')}</View>
        </PageState>
      ) : text.trim() ? (
        <View className="search__suggestions" data-testid="search-suggestions" aria-label={t('searchSuggestions')}>
          {(suggestions.data?.items ?? []).map((w) => (
            <View key={w} className="search__suggestion" onClick={() => search(w)}>
              <Icon svg={icons.Search} size={28} color="#bbbbbb" />
              <Text className="search__suggestion-text">{w}</Text>
            </View>
          ))}
        </View>
      ) : (
        <View className="search__home">
          {history.words.length > 0 && (
            <View className="search__section">
              <View className="search__section-head">
                <Text className="search__section-title">{t('searchHistory')}</Text>
                <View className="search__clear" role="button" aria-label={t('searchClearHistory')} onClick={clearHistory}>
                  <Icon svg={icons.Trash2} size={28} color="#666666" />
                  <Text className="search__clear-text">{t('searchClearHistory')}</Text>
                </View>
              </View>
              {words(history.words, 'search-history')}
            </View>
          )}
          {(hot.data?.items.length ?? 0) > 0 && (
            <View className="search__section">
              <View className="search__section-head">
                <Text className="search__section-title">{t('searchHot')}</Text>
              </View>
              {words(hot.data?.items ?? [], 'search-hot')}
            </View>
          )}
        </View>
      )}
    </View>
  );
}
