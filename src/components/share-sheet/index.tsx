import { t } from '../../i18n/messages';
import { Icon, icons } from '../icon';
import { Box, Inline, Tap } from '../primitives';
import { SendAction } from './send';
import './index.css';

/**
 * The share sheet of a page a shopper shares (the product page): pass it on to a chat (the
 * mini-programs: the host's share, which asks the page's onShareAppMessage) or copy its link
 * (H5: a URL of the hash route that carries the token), or make a poster. Imported by its own
 * module, like the poster.
 */
export interface ShareSheetProps {
  open: boolean;
  onClose: () => void;
  /** The page path a share opens now, with the token when there is one (`/pages/product/index?id=..&rt=..`). */
  path: string;
  /** The share's own link is still being asked for: the link is not offered until it is in. */
  preparing: boolean;
  /** Opens the poster; absent when no poster can be made here. */
  onPoster?: () => void;
}

export function ShareSheet({ open, onClose, path, preparing, onPoster }: ShareSheetProps) {
  if (!open) return null;
  return (
    <Box className="share-layer" data-testid="share-sheet">
      <Box className="share-mask" onClick={onClose} aria-hidden="true" />
      <Box className="share-sheet safe-bottom" role="dialog" aria-label={t('share.sheetTitle')}>
        <Inline className="share-sheet__title">{t('share.sheetTitle')}</Inline>
        <Box className="share-sheet__actions">
          <SendAction path={path} preparing={preparing} onDone={onClose} />
          {onPoster && (
            <Tap className="share-sheet__action" onClick={onPoster} data-testid="share-poster">
              <Box className="share-sheet__icon">
                <Icon svg={icons.QrCode} size={56} />
              </Box>
              <Inline className="share-sheet__label">{t('share.makePoster')}</Inline>
            </Tap>
          )}
        </Box>
        <Tap className="share-sheet__cancel" onClick={onClose}>
          {t('cancel')}
        </Tap>
      </Box>
    </Box>
  );
}
