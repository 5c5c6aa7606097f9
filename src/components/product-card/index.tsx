import type { ProductSummary } from '@contract';
import { t } from '@/i18n/messages';
import { Picture } from '../picture';
import { Box, Inline } from '../primitives';
import { Price } from '../price';
import './index.css';

export interface ProductCardProps {
  product: ProductSummary;
  onClick: (id: string) => void;
  /** 'grid' (two columns, home feed) or 'row' (image left, category list). */
  layout?: 'grid' | 'row';
  /** One of the first cards on screen when the page opens: its image loads at once. */
  priority?: boolean;
}

export function ProductCard({ product, onClick, layout = 'grid', priority = false }: ProductCardProps) {
  const soldOut = product.stock === 0;
  return (
    <Box className={`product-card product-card--${layout}`} onClick={() => onClick(product.id)} data-testid="product-card">
      <Box className="product-card__image-wrap">
        <Picture className="product-card__image" src={product.cover} alt={product.title} priority={priority} />
        {soldOut && <Inline className="product-card__badge">{t('soldOut')}</Inline>}
      </Box>
      <Box className="product-card__body">
        <Inline className="product-card__title">{product.title}</Inline>
        <Inline className="product-card__merchant">{product.merchantName}</Inline>
        <Box className="product-card__foot">
          <Price fen={product.priceFrom} size="sm" />
          {product.originalPrice !== null && product.originalPrice > product.priceFrom && <Price fen={product.originalPrice} strike />}
          <Inline className="product-card__sales">{t('sold', { n: product.sales })}</Inline>
        </Box>
      </Box>
    </Box>
  );
}
