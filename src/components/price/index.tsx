import { formatPrice } from '@contract/money';
import { Inline } from '../primitives';
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
    <Inline className={cls}>
      {negative ? '-' : ''}
      <Inline className="price__symbol">¥</Inline>
      <Inline className="price__yuan">{yuan}</Inline>
      <Inline className="price__cents">.{cents}</Inline>
    </Inline>
  );
}
