import { discountText, isBlockedLine } from './lines';

describe('checkout lines', () => {
  it('blocks every issue except a price change', () => {
    expect(isBlockedLine({ issue: null })).toBe(false);
    expect(isBlockedLine({ issue: 'price_changed' })).toBe(false);
    for (const issue of ['off_shelf', 'sku_missing', 'out_of_stock', 'insufficient_stock'] as const) {
      expect(isBlockedLine({ issue })).toBe(true);
    }
  });

  it('writes a discount as a deduction', () => {
    expect(discountText(0)).toBe('¥0.00');
    expect(discountText(500)).toBe('-¥5.00');
  });
});
