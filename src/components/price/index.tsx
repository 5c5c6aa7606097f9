import { formatPrice } from '@contract/money';
import { Text } from '@tarojs/components';
import './index.css';

export interface PriceProps {
  fen: number;
  size?: 'sm' | 'md' | 'lg';
  /** A struck-through list price. */
  strike?: boolean;
}

/** ¥ with two decimals, from integer fen (formatPrice's output, with the yuan part emphasised). */
export function Price({ fen, size = 'md', strike = false }: PriceProps) {
  // formatPrice gives "¥123.45" or "-¥0.05"; split it to style the parts.
  const s = formatPrice(fen);
  const negative = s.startsWith('-');
  const [yuan, cents] = s.slice(negative ? 2 : 1).split('.');
  const cls = `price price--${size}${strike ? ' price--strike' : ''}`;
  return (
    <Text className={cls}>
      {negative ? '-' : ''}
      <Text className="price__symbol">¥</Text>
      <Text className="price__yuan">{yuan}</Text>
      <Text className="price__cents">.{cents}</Text>
    </Text>
  );
}
