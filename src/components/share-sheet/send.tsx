import { Button } from '@tarojs/components';
import { t } from '../../i18n/messages';
import { Icon, icons } from '../icon';
import { Box, Inline } from '../primitives';

/**
 * Mini-programs (send.h5.tsx is H5's): the host's share button (open-type share), which asks
 * the page's onShareAppMessage for the card (the path with the token) and opens the chat picker.
 */
export function SendAction({ onDone }: { path: string; preparing: boolean; onDone: () => void }) {
  return (
    <Button className="share-sheet__action share-sheet__button" openType="share" onClick={onDone} data-testid="share-send">
      <Box className="share-sheet__icon">
        <Icon svg={icons.Send} size={56} />
      </Box>
      <Inline className="share-sheet__label">{t('share.sendToChat')}</Inline>
    </Button>
  );
}
