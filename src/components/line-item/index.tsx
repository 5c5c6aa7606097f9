import { Text, View } from '@tarojs/components';
import type { ReactNode } from 'react';
import { Picture } from '../picture';
import { Price } from '../price';
import './index.css';

export interface LineItemProps {
  /** API image path ("/images/...") or absolute URL; null when the product no longer exists. */
  image: string | null;
  title: string;
  specText: string;
  unitPrice: number;
  quantity: number;
  /** Greyed out (cannot be bought). */
  disabled?: boolean;
  /** A short notice under the title (e.g. the reason a line is invalid). */
  note?: string;
  /** Right-hand controls (a Stepper in the cart); replaces the ×quantity text. */
  children?: ReactNode;
  /** Actions on the line (删除 in the cart), in a row of their own under the price. */
  actions?: ReactNode;
}

/** A product line in the cart, checkout and orders. */
export function LineItem({ image, title, specText, unitPrice, quantity, disabled = false, note, children, actions }: LineItemProps) {
  return (
    <View className={`line-item${disabled ? ' line-item--disabled' : ''}`}>
      <Picture className="line-item__image" src={image} alt={title} />
      <View className="line-item__body">
        <Text className="line-item__title">{title}</Text>
        {specText && <Text className="line-item__spec">{specText}</Text>}
        {note && <Text className="line-item__note">{note}</Text>}
        <View className="line-item__foot">
          <Price fen={unitPrice} size="sm" />
          {children ?? <Text className="line-item__qty">×{quantity}</Text>}
        </View>
        {actions && <View className="line-item__actions">{actions}</View>}
      </View>
    </View>
  );
}
