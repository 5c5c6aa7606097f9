import { useEffect } from 'react';
import { t } from '@/i18n/messages';
import { goBack } from '@/services/platform/nav';
import { Icon, icons } from '../icon';
import { Tap } from '../primitives';
import type { TitleBarProps } from './types';
import './title-bar.h5.css';

/**
 * H5: a sticky bar with a back arrow and the page title, as a mini-program's navigation bar.
 * Back walks the shop's history; from a page opened by a shared link it goes home (never out
 * of the shop). The document title follows the page. Plain elements (the back arrow a button,
 * so keyboards reach it): a page a shopper lands on (a product) brings no Taro component
 * library with its bar.
 */
export function TitleBar({ title }: TitleBarProps) {
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <div className="title-bar">
      <Tap className="title-bar__back" aria-label={t('back')} onClick={() => void goBack()}>
        <Icon svg={icons.ChevronLeft} size={44} color="#333333" />
      </Tap>
      <span className="title-bar__title">{title}</span>
      <div className="title-bar__side" />
    </div>
  );
}
