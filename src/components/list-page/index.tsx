import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useReachBottom } from '@tarojs/taro';
import { Fragment, type ReactNode, useState } from 'react';
import { t } from '@/i18n/messages';
import { type FrameQuery, PageFrame, type PageFrameProps } from '../page-frame';
import { Skeleton } from '../skeleton';
import './index.css';

/** What the list reads of a react-query infinite query whose pages carry `items`. */
export interface InfiniteList<T> extends FrameQuery {
  data?: { pages: readonly { items: readonly T[] }[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  fetchNextPage: () => unknown;
}

type NextPage = Pick<InfiniteList<unknown>, 'hasNextPage' | 'isFetchingNextPage' | 'isFetchNextPageError' | 'fetchNextPage'>;

/** Below a list: loading the next page, its failure (tap to try again), more (tap), or the end. */
export function ListFoot({ list, moreText }: { list: NextPage; moreText?: string }) {
  return (
    <View className="list-foot">
      {list.isFetchingNextPage ? (
        <Text>{t('loading')}</Text>
      ) : list.isFetchNextPageError ? (
        <Text className="list-foot__more" onClick={() => void list.fetchNextPage()}>
          {t('loadMoreFailed')}
        </Text>
      ) : list.hasNextPage ? (
        <Text className="list-foot__more" onClick={() => void list.fetchNextPage()}>
          {moreText ?? t('loadMore')}
        </Text>
      ) : (
        <Text>{t('noMore')}</Text>
      )}
    </View>
  );
}

/** Loads the next page when the page is scrolled to its end (not again while one loads or after it failed: the foot retries). */
export function useNextPageOnReachBottom(list: NextPage) {
  useReachBottom(() => {
    if (list.hasNextPage && !list.isFetchingNextPage && !list.isFetchNextPageError) void list.fetchNextPage();
  });
}

export interface TabItem<K extends string | number> {
  key: K;
  label: string;
  /** A count beside the label (shown when above 0; 99+ above 99). */
  count?: number;
}

export interface TabBarProps<K extends string | number> {
  tabs: readonly TabItem<K>[];
  active: K;
  onChange: (key: K) => void;
}

/** Tabs that stick to the top of the page and scroll sideways when they do not fit; a switch starts the list from its top. */
export function TabBar<K extends string | number>({ tabs, active, onChange }: TabBarProps<K>) {
  const choose = (key: K) => {
    if (key === active) return;
    onChange(key);
    void Taro.pageScrollTo({ scrollTop: 0, duration: 0 });
  };
  return (
    <View className="tab-bar" role="tablist">
      {tabs.map(({ key, label, count }) => (
        <View key={key} role="tab" aria-selected={key === active} className={`tab-bar__tab${key === active ? ' tab-bar__tab--active' : ''}`} onClick={() => choose(key)}>
          {label}
          {count !== undefined && count > 0 && <Text className="tab-bar__count">{count > 99 ? '99+' : count}</Text>}
        </View>
      ))}
    </View>
  );
}

export interface SearchBarProps {
  /** The search applied ('' for none). */
  value: string;
  onSearch: (q: string) => void;
  placeholder: string;
  /** The field's test id; its button's is `<testId>-go`. */
  testId?: string;
}

/** A search field with 搜索, which becomes 清除 while a search is applied. */
export function SearchBar({ value, onSearch, placeholder, testId }: SearchBarProps) {
  const [draft, setDraft] = useState(value);
  const search = (text: string) => onSearch(text.trim());
  return (
    <View className="search-bar">
      <View className="search-bar__field">
        <Input
          className="search-bar__input"
          value={draft}
          placeholder={placeholder}
          confirmType="search"
          maxlength={50}
          onInput={(e) => setDraft(e.detail.value)}
          onConfirm={(e) => search(e.detail.value)}
          data-testid={testId}
        />
      </View>
      {value ? (
        <Button
          className="search-bar__btn"
          onClick={() => {
            setDraft('');
            search('');
          }}
        >
          {t('clear')}
        </Button>
      ) : (
        <Button className="search-bar__btn" onClick={() => search(draft)} data-testid={testId && `${testId}-go`}>
          {t('search')}
        </Button>
      )}
    </View>
  );
}

export interface ListPageProps<T, K extends string | number> extends Omit<PageFrameProps, 'query' | 'shown' | 'isEmpty' | 'head' | 'children'> {
  list: InfiniteList<T>;
  /** The row of one item (keyed by `itemKey`). */
  renderItem: (item: T) => ReactNode;
  itemKey: (item: T) => string;
  /** Shows only the items it keeps (tabs over a list the server does not filter). */
  filter?: (item: T) => boolean;
  search?: SearchBarProps;
  tabs?: TabBarProps<K>;
  /** Below the search and tabs (a notice). */
  head?: ReactNode;
  /** Wraps the rows in one block of this class. */
  itemsClassName?: string;
  /** The foot's "more" text. */
  moreText?: string;
}

const TWO_CARDS = (
  <>
    <Skeleton rows={3} avatar />
    <Skeleton rows={3} avatar />
  </>
);

/**
 * A page that is one list read page by page: the frame (title, offline banner, loading, failure,
 * empty), a search and tabs above it, the rows, and the foot that loads more (also when the
 * page is scrolled to its end).
 */
export function ListPage<T, K extends string | number = string>(props: ListPageProps<T, K>) {
  const { list, renderItem, itemKey, filter, search, tabs, head, itemsClassName, moreText, skeleton, ...frame } = props;
  useNextPageOnReachBottom(list);
  const all = list.data?.pages.flatMap((p) => p.items) ?? [];
  const items = filter ? all.filter(filter) : all;
  const rows = items.map((item) => <Fragment key={itemKey(item)}>{renderItem(item)}</Fragment>);
  return (
    <PageFrame
      {...frame}
      query={list}
      shown={all.length > 0}
      isEmpty={items.length === 0 && !list.hasNextPage}
      skeleton={skeleton ?? TWO_CARDS}
      head={
        <>
          {search && <SearchBar {...search} />}
          {tabs && <TabBar {...tabs} />}
          {head}
        </>
      }
    >
      {itemsClassName ? <View className={itemsClassName}>{rows}</View> : rows}
      <ListFoot list={list} moreText={moreText} />
    </PageFrame>
  );
}
