import Taro from '@tarojs/taro';
import { t } from '../../i18n/messages';
import { h5PageUrl } from '../../services/platform/nav';
import { Icon, icons } from '../icon';

/**
 * H5 (see send.tsx): no host to share through, so the page's link is copied: a URL of the hash
 * route with the token in its query (`https://shop/#/pages/product/index?id=..&rt=..`), which
 * the router keeps when it opens and the page reads. Offered once the share's own link is in.
 */
export function SendAction({ path, preparing, onDone }: { path: string; preparing: boolean; onDone: () => void }) {
  const copy = async () => {
    if (preparing) return;
    try {
      await Taro.setClipboardData({ data: h5PageUrl(path) });
      void Taro.showToast({ title: t('share.linkCopied'), icon: 'none' });
      onDone();
    } catch {
      void Taro.showToast({ title: t('share.copyFailed'), icon: 'none' });
    }
  };
  return (
    <button type="button" className="share-sheet__action share-sheet__button" aria-disabled={preparing} onClick={() => void copy()} data-testid="share-copy">
      <span className="share-sheet__icon">
        <Icon svg={icons.Link} size={56} />
      </span>
      <span className="share-sheet__label">{preparing ? t('share.preparing') : t('share.copyLink')}</span>
    </button>
  );
}
