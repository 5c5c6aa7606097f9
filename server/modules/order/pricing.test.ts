import fc from 'fast-check';
import {
  FREE_SHIPPING_THRESHOLD,
  SHIPPING_FEE,
  amountsOf,
  lineIssueFor,
  pickupStoreFor,
  priceCheckout,
  shippingFor,
  type PricingSku,
} from './pricing';

const sku = (over: Partial<PricingSku> & { skuId: string }): PricingSku => ({
  productId: 'p_1',
  merchantId: 'm_1',
  merchantName: '一号店',
  title: '商品',
  specText: '默认',
  image: '/images/x.svg',
  price: 1000,
  stock: 10,
  onShelf: true,
  ...over,
});

describe('lineIssueFor', () => {
  it('names each blocking issue and the price notice', () => {
    expect(lineIssueFor(undefined, 1)).toBe('sku_missing');
    expect(lineIssueFor(sku({ skuId: 's', onShelf: false }), 1)).toBe('off_shelf');
    expect(lineIssueFor(sku({ skuId: 's', stock: 0 }), 1)).toBe('out_of_stock');
    expect(lineIssueFor(sku({ skuId: 's', stock: 2 }), 3)).toBe('insufficient_stock');
    expect(lineIssueFor(sku({ skuId: 's', price: 1200 }), 1, 1000)).toBe('price_changed');
    expect(lineIssueFor(sku({ skuId: 's' }), 10, 1000)).toBeNull();
  });
  it('prefers a blocking issue over the price notice', () => {
    expect(lineIssueFor(sku({ skuId: 's', price: 1200, onShelf: false }), 1, 1000)).toBe('off_shelf');
  });
});

describe('shipping', () => {
  it('charges 800 fen below the threshold for delivery only', () => {
    expect(shippingFor(FREE_SHIPPING_THRESHOLD - 1, 'delivery')).toBe(SHIPPING_FEE);
    expect(shippingFor(FREE_SHIPPING_THRESHOLD, 'delivery')).toBe(0);
    expect(shippingFor(100, 'pickup')).toBe(0);
  });
  it('payable = items + shipping - discount', () => {
    expect(amountsOf(1000, 800, 300)).toEqual({ itemsAmount: 1000, shippingAmount: 800, discountAmount: 300, payableAmount: 1500 });
  });
});

describe('priceCheckout', () => {
  const skus = new Map<string, PricingSku>([
    ['a', sku({ skuId: 'a', merchantId: 'm_1', price: 5000 })],
    ['b', sku({ skuId: 'b', merchantId: 'm_2', merchantName: '二号店', price: 12000 })],
    ['c', sku({ skuId: 'c', merchantId: 'm_1', price: 4900, stock: 1 })],
    ['off', sku({ skuId: 'off', merchantId: 'm_2', onShelf: false })],
  ]);

  it('groups per merchant with shipping per group', () => {
    const priced = priceCheckout([{ skuId: 'a', quantity: 1 }, { skuId: 'b', quantity: 1 }], skus, 'delivery');
    expect(priced.groups.map((g) => [g.merchantId, g.amounts])).toEqual([
      ['m_1', { itemsAmount: 5000, shippingAmount: 800, discountAmount: 0, payableAmount: 5800 }],
      ['m_2', { itemsAmount: 12000, shippingAmount: 0, discountAmount: 0, payableAmount: 12000 }],
    ]);
    expect(priced.amounts).toEqual({ itemsAmount: 17000, shippingAmount: 800, discountAmount: 0, payableAmount: 17800 });
    expect(priced.blocked).toEqual([]);
  });

  it('reaches the threshold with several lines of one merchant; pickup is free', () => {
    const lines = [{ skuId: 'a', quantity: 1 }, { skuId: 'c', quantity: 1 }];
    expect(priceCheckout(lines, skus, 'delivery').amounts.shippingAmount).toBe(0);
    expect(priceCheckout([{ skuId: 'a', quantity: 1 }], skus, 'pickup').amounts.payableAmount).toBe(5000);
  });

  it('adds up duplicate lines and reports blocked lines without counting them', () => {
    const priced = priceCheckout(
      [{ skuId: 'c', quantity: 1 }, { skuId: 'c', quantity: 1 }, { skuId: 'off', quantity: 1 }, { skuId: 'nope', quantity: 1 }],
      skus,
      'delivery',
    );
    expect(priced.blocked).toEqual([
      { skuId: 'c', issue: 'insufficient_stock' },
      { skuId: 'off', issue: 'off_shelf' },
      { skuId: 'nope', issue: 'sku_missing' },
    ]);
    expect(priced.amounts.payableAmount).toBe(0);
    expect(priced.groups.flatMap((g) => g.lines.map((l) => [l.skuId, l.quantity]))).toEqual([['c', 2], ['off', 1]]);
  });

  it('totals are the sums of the groups and never negative (property)', () => {
    const all = [...skus.keys()];
    fc.assert(
      fc.property(
        fc.array(fc.record({ skuId: fc.constantFrom(...all), quantity: fc.integer({ min: 1, max: 99 }) }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom('delivery' as const, 'pickup' as const),
        (lines, type) => {
          const priced = priceCheckout(lines, skus, type);
          const sum = priced.groups.reduce((s, g) => s + g.amounts.payableAmount, 0);
          expect(priced.amounts.payableAmount).toBe(sum);
          for (const g of priced.groups) {
            expect(g.amounts.payableAmount).toBe(g.amounts.itemsAmount + g.amounts.shippingAmount - g.amounts.discountAmount);
            expect(g.amounts.shippingAmount).toBe(type === 'pickup' || g.amounts.itemsAmount === 0 || g.amounts.itemsAmount >= FREE_SHIPPING_THRESHOLD ? 0 : SHIPPING_FEE);
          }
        },
      ),
    );
  });
});

describe('pickupStoreFor', () => {
  it('is deterministic per merchant', () => {
    expect(pickupStoreFor('m_1', '一号店')).toEqual(pickupStoreFor('m_1', '一号店'));
    expect(pickupStoreFor('m_1', '一号店').name).toBe('一号店 自提门店');
  });
});
