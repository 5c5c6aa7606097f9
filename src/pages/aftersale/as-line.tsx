import type { AfterSale } from '@contract/aftersale';
import { Text, View } from '@tarojs/components';
import { Picture, Price } from '@/components';
import { t } from '@/i18n/catalog';

/** A line of a request: what is sent back or refunded, its units and its part of the refund. */
export function AfterSaleLineRow({ line }: { line: AfterSale['lines'][number] }) {
  return (
    <View className="as-line" data-testid="as-line">
      <Picture className="as-line__image" src={line.image} alt={line.title} />
      <View className="as-line__body">
        <Text className="as-line__title">{line.title}</Text>
        {line.specText && <Text className="as-line__spec">{line.specText}</Text>}
        <View className="as-line__foot">
          <Text className="as-line__qty">×{line.quantity}</Text>
          <View className="as-line__amount">
            <Text className="as-line__label">{t('aftersale.lineRefund')}</Text>
            <Price fen={line.amount} size="sm" />
          </View>
        </View>
      </View>
    </View>
  );
}
