import Taro from '@tarojs/taro';
import type { ReactNode } from 'react';
import { errorMessage, t } from '@/i18n/messages';
import { isApiError } from '@/services/http';
import { PAGES } from '@/services/platform/nav';
import { Empty } from '../empty';
import { Box, Inline, Press } from '../primitives';
import { Skeleton } from '../skeleton';
import './index.css';

export interface PageStateProps {
  isLoading: boolean;
  isError: boolean;
  error?: unknown;
  isEmpty?: boolean;
  onRetry: () => void;
  skeleton?: ReactNode;
  emptyText?: string;
  /** The empty state's icon (an SVG string from `icons`). */
  emptyIcon?: string;
  emptyActionText?: string;
  onEmptyAction?: () => void;
  /** What a 404 says (e.g. 商品不存在或已删除); default the NOT_FOUND message. */
  notFoundText?: string;
  /** Offer 返回首页 beside the retry (default true; the home page itself turns it off). */
  showHome?: boolean;
  children?: ReactNode;
}

export type PageErrorKind = 'offline' | 'not_found' | 'failed';

/** Network failures, a 404, or anything else. */
export function pageErrorKind(error: unknown): PageErrorKind {
  if (isApiError(error) && error.isNetwork) return 'offline';
  if (isApiError(error) && error.status === 404) return 'not_found';
  return 'failed';
}

const goHome = () => void Taro.switchTab({ url: PAGES.home });

export interface PageErrorProps {
  kind: PageErrorKind;
  title: string;
  hint?: string;
  /** Absent: no retry is offered (a missing thing does not come back by retrying). */
  onRetry?: () => void;
  retryText?: string;
  showHome?: boolean;
}

/**
 * The one page-level error: what happened, a retry where retrying can help, and a way home.
 * PageState shows it for failed queries; the missing-page and failed-page-load screens use it too.
 */
export function PageError({ kind, title, hint, onRetry, retryText, showHome = true }: PageErrorProps) {
  return (
    <Box className={`page-state page-state--error page-state--${kind}`} role="alert" data-testid="page-error" data-kind={kind}>
      <Box className={`page-state__icon page-state__icon--${kind}`} />
      <Inline className="page-state__title">{title}</Inline>
      {hint && <Inline className="page-state__message">{hint}</Inline>}
      <Box className="page-state__actions">
        {onRetry && (
          <Press className="page-state__retry" onClick={onRetry}>
            {retryText ?? t('retry')}
          </Press>
        )}
        {showHome && (
          <Press className={onRetry ? 'page-state__home' : 'page-state__retry'} onClick={goHome}>
            {t('pageError.goHome')}
          </Press>
        )}
      </Box>
    </Box>
  );
}

/** Loading skeleton, error (offline, missing, failed: each with its way on), empty, else the content. */
export function PageState(props: PageStateProps) {
  const { isLoading, isError, error, isEmpty, onRetry, skeleton, emptyText, children, showHome = true } = props;
  if (isLoading) return <>{skeleton ?? <Skeleton rows={4} avatar />}</>;
  if (isError) {
    const kind = pageErrorKind(error);
    if (kind === 'offline') {
      return <PageError kind={kind} title={t('pageError.offlineTitle')} hint={t('pageError.offlineHint')} onRetry={onRetry} showHome={showHome} />;
    }
    if (kind === 'not_found') {
      // Retrying cannot bring back what is gone: the way on is home (or retry where home is here).
      return (
        <PageError
          kind={kind}
          title={props.notFoundText ?? errorMessage('NOT_FOUND')}
          hint={showHome ? t('pageError.notFoundHint') : undefined}
          onRetry={showHome ? undefined : onRetry}
          showHome={showHome}
        />
      );
    }
    const message = error instanceof Error ? error.message : undefined;
    return <PageError kind={kind} title={t('errorTitle')} hint={message} onRetry={onRetry} showHome={showHome} />;
  }
  if (isEmpty) return <Empty text={emptyText ?? t('empty')} icon={props.emptyIcon} actionText={props.emptyActionText} onAction={props.onEmptyAction} />;
  return <>{children}</>;
}
