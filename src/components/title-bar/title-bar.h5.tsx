import { Text, View } from '@tarojs/components';
import { useEffect } from 'react';
import { t } from '@/i18n/messages';
import { goBack } from '@/services/platform/nav';
import { Icon, icons } from '../icon';
import type { TitleBarProps } from './types';
import './title-bar.h5.css';

/**
 * H5: a sticky bar with a back arrow and the page title, as a mini-program's navigation bar.
 * Back walks the shop's history; from a page opened by a shared link it goes home (never out
 * of the shop). The document title follows the page.
 */
export function TitleBar({ title }: TitleBarProps) {
  useEffect(() => {
    document.title = title;
  }, [title]);
  return (
    <View className="title-bar">
      <View className="title-bar__back" role="button" aria-label={t('back')} onClick={() => void goBack()}>
        <Icon svg={icons.ChevronLeft} size={44} color="#333333" />
      </View>
      <Text className="title-bar__title">
        {title}
      </Text>
      <View className="title-bar__side" />
    </View>
  );
}
