import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { t } from '@/i18n/messages';
import './index.css';

/** 订单编号 with a copy button, as a shopper reads it to customer service. */
export function OrderNumber({ no, copyable = false, className }: { no: string; copyable?: boolean; className?: string }) {
  const copy = () => {
    void Taro.setClipboardData({ data: no }).then(
      () => Taro.showToast({ title: t('copied'), icon: 'none' }),
      () => undefined,
    );
  };
  return (
    <View className={`order-number${className ? ` ${className}` : ''}`} data-testid="order-number">
      <Text className="order-number__text" selectable>
        {t('orderNumber', { no })}
      </Text>
      {copyable && (
        <Text
          className="order-number__copy"
          onClick={(e) => {
            e.stopPropagation();
            copy();
          }}
        >
          {t('copy')}
        </Text>
      )}
    </View>
  );
}
