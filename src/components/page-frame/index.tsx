import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import type { ReactNode } from 'react';
import { errorMessage } from '@/i18n/messages';
import { isApiError } from '@/services/http';
import { OfflineBanner } from '../offline-banner';
import { PageState, type PageStateProps } from '../page-state';
import { TitleBar } from '../title-bar';
import './index.css';

/** What the frame reads of a react-query result (a query or an infinite query). */
export interface FrameQuery {
  isLoading: boolean;
  isError: boolean;
  error: unknown;
  data?: unknown;
  refetch: () => Promise<unknown>;
}

export interface PageFrameProps extends Pick<PageStateProps, 'skeleton' | 'isEmpty' | 'emptyText' | 'emptyIcon' | 'emptyActionText' | 'onEmptyAction' | 'notFoundText' | 'showHome'> {
  title: string;
  /** The page's root class. */
  className?: string;
  /** The query the page is built around. */
  query: FrameQuery;
  /**
   * Something of it is on screen already (default: it has data). A failed refetch then leaves it
   * there under the offline banner instead of replacing it with the error, as the shop's pages do.
   */
  shown?: boolean;
  /**
   * A query the page needs before its own can run (the workbench's workplace: who the caller is
   * there). Until it has data, its loading and its failure are the page's.
   */
  gate?: FrameQuery;
  /**
   * The caller's role may not use the page (the server would answer 403 FORBIDDEN_ROLE): the
   * title, the banner and this message (true: the FORBIDDEN_ROLE message) instead of the rest.
   * A query answering FORBIDDEN_ROLE shows it too.
   */
  forbidden?: boolean | string;
  /** Above the page's states, kept while they load or fail: a search, tabs. */
  head?: ReactNode;
  /** Wraps the states (and the content) in a block of this class. */
  bodyClassName?: string;
  /** Below the states, whatever they are (a form that does not need the query). */
  after?: ReactNode;
  children?: ReactNode;
}

function isForbidden(error: unknown): boolean {
  return isApiError(error) && error.code === 'FORBIDDEN_ROLE';
}

/** Shown instead of a page the caller's role may not use (the server would answer 403). */
export function PageForbidden({ text }: { text?: string }) {
  return (
    <View className="page-forbidden" role="alert" data-testid="page-forbidden">
      <Text>{text ?? errorMessage('FORBIDDEN_ROLE')}</Text>
    </View>
  );
}

/**
 * A page built around one query: its title, the offline banner, then loading (a skeleton),
 * forbidden, not found, failed or offline (each with its way on: PageState), empty, or the
 * content. Pulling down refreshes it. What was shown stays when a refetch fails (the banner
 * says it may be old).
 */
export function PageFrame(props: PageFrameProps) {
  const { title, className, query, gate, head, bodyClassName, after, children } = props;
  const gateOpen = !gate || gate.data !== undefined;
  // Until the gate has data, the page's own query does not run: its failure is the page's.
  const failing = gateOpen ? query : gate;
  const shown = gateOpen && (props.shown ?? query.data !== undefined);
  const isError = failing.isError && !(failing === query && shown);
  const retry = () => void failing.refetch();

  usePullDownRefresh(() => {
    void failing.refetch().finally(() => Taro.stopPullDownRefresh());
  });

  const forbidden = props.forbidden || (isError && isForbidden(failing.error));
  if (forbidden) {
    return (
      <View className={className}>
        <TitleBar title={title} />
        <OfflineBanner />
        <PageForbidden text={typeof props.forbidden === 'string' ? props.forbidden : undefined} />
      </View>
    );
  }

  const states = (
    <PageState
      isLoading={(gate?.isLoading ?? false) || (gateOpen && query.isLoading)}
      isError={isError}
      error={failing.error}
      onRetry={retry}
      isEmpty={props.isEmpty}
      skeleton={props.skeleton}
      emptyText={props.emptyText}
      emptyIcon={props.emptyIcon}
      emptyActionText={props.emptyActionText}
      onEmptyAction={props.onEmptyAction}
      notFoundText={props.notFoundText}
      showHome={props.showHome}
    >
      {children}
    </PageState>
  );

  return (
    <View className={className}>
      <TitleBar title={title} />
      <OfflineBanner />
      {head}
      {bodyClassName ? <View className={bodyClassName}>{states}</View> : states}
      {after}
    </View>
  );
}
