import { t } from '@/i18n/messages';
import { Icon, icons } from '../icon';
import { Box, Inline } from '../primitives';
import './index.css';

/** The search box of home and the category tab: a tap opens the search page. */
export function SearchEntry({ onOpen }: { onOpen: () => void }) {
  return (
    <Box className="search-entry" role="search" aria-label={t('searchTitle')} onClick={onOpen}>
      <Icon svg={icons.Search} size={32} color="#999999" />
      <Inline className="search-entry__placeholder">{t('searchPlaceholder')}</Inline>
      <Inline className="search-entry__btn">{t('search')}</Inline>
    </Box>
  );
}
