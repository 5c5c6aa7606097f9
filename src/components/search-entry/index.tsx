import { Text, View } from '@tarojs/components';
import { t } from '@/i18n/messages';
import { Icon, icons } from '../icon';
import './index.css';

/** The search box of home and the category tab: a tap opens the search page. */
export function SearchEntry({ onOpen }: { onOpen: () => void }) {
  return (
    <View className="search-entry" role="search" aria-label={t('searchTitle')} onClick={onOpen}>
      <Icon svg={icons.Search} size={32} color="#999999" />
      <Text className="search-entry__placeholder">{t('searchPlaceholder')}</Text>
      <Text className="search-entry__btn">{t('search')}</Text>
    </View>
  );
}
