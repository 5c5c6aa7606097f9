import { Button, Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { t } from '@/i18n/messages';
import { isApiError } from '@/services/http';
import { Empty } from '../empty';
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
  children?: ReactNode;
}

/** Loading skeleton, error with retry (offline gets its own message), empty, else the content. */
export function PageState(props: PageStateProps) {
  const { isLoading, isError, error, isEmpty, onRetry, skeleton, emptyText, children } = props;
  if (isLoading) return <>{skeleton ?? <Skeleton rows={4} avatar />}</>;
  if (isError) {
    const offline = isApiError(error) && error.isNetwork;
    const message = offline ? t('offline') : error instanceof Error ? error.message : t('errorTitle');
    return (
      <View className="page-state page-state--error" role="alert">
        <Text className="page-state__title">{offline ? t('offline') : t('errorTitle')}</Text>
        {!offline && <Text className="page-state__message">{message}</Text>}
        <Button className="page-state__retry" size="mini" onClick={onRetry}>
          {t('retry')}
        </Button>
      </View>
    );
  }
  if (isEmpty) return <Empty text={emptyText ?? t('empty')} icon={props.emptyIcon} actionText={props.emptyActionText} onAction={props.onEmptyAction} />;
  return <>{children}</>;
}
