import { View } from '@tarojs/components';
import { PageError } from '@/components';
import { t } from '@/i18n/messages';

/**
 * Where an unknown route lands (the app's onPageNotFound redirects here), instead of an empty
 * screen: what happened, and the way home.
 */
export default function NotFoundPage() {
  return (
    <View className="not-found">
      <PageError kind="not_found" title={t('pageError.pageNotFound')} hint={t('pageError.pageNotFoundHint')} />
    </View>
  );
}
