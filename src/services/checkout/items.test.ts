import { checkoutUrl, itemsParam, parseItemsParam } from './items';

describe('parseItemsParam', () => {
  it('reads skuId:qty pairs, encoded or not', () => {
    expect(parseItemsParam('sku_1:2,sku_2:1')).toEqual([
      { skuId: 'sku_1', quantity: 2 },
      { skuId: 'sku_2', quantity: 1 },
    ]);
    expect(parseItemsParam(encodeURIComponent('sku_1:2,sku_2:1'))).toEqual([
      { skuId: 'sku_1', quantity: 2 },
      { skuId: 'sku_2', quantity: 1 },
    ]);
  });

  it('adds up a repeated SKU, capped at 99', () => {
    expect(parseItemsParam('a:2,a:3')).toEqual([{ skuId: 'a', quantity: 5 }]);
    expect(parseItemsParam('a:60,a:60')).toEqual([{ skuId: 'a', quantity: 99 }]);
  });

  it.each([undefined, null, '', 'sku_1', 'sku_1:0', 'sku_1:-1', 'sku_1:1.5', 'sku_1:abc', 'bad id:1', 'sku_1:1,', '%E0%A4%A:1', 'a:1000'])(
    'rejects %p',
    (raw) => {
      expect(parseItemsParam(raw)).toBeNull();
    },
  );

  it('rejects more than 50 lines', () => {
    const raw = Array.from({ length: 51 }, (_, i) => `s${i}:1`).join(',');
    expect(parseItemsParam(raw)).toBeNull();
  });

  it('round-trips with itemsParam and builds the page URL', () => {
    const items = [
      { skuId: 'sku_1', quantity: 2 },
      { skuId: 'sku-2', quantity: 3 },
    ];
    expect(parseItemsParam(itemsParam(items))).toEqual(items);
    expect(checkoutUrl(items, true)).toBe('/pages/checkout/index?items=sku_1%3A2%2Csku-2%3A3&fromCart=1');
    expect(checkoutUrl(items, false)).toBe('/pages/checkout/index?items=sku_1%3A2%2Csku-2%3A3');
  });
});
