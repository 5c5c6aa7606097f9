import type { Sku } from '@contract';
import { clampQuantity, emptySelection, findSku, initialSelection, isValueAvailable, pickerView, toggleValue } from './sku-picker';

const sku = (id: string, specValues: string[], price: number, stock: number): Sku => ({ id, specValues, price, originalPrice: null, stock });

// 红/蓝 x S/M/L; 红-L and 蓝-S sold out, 蓝-M missing entirely.
const product = {
  specs: [
    { name: '颜色', values: ['红', '蓝'] },
    { name: '尺码', values: ['S', 'M', 'L'] },
  ],
  skus: [
    sku('r-s', ['红', 'S'], 1000, 5),
    sku('r-m', ['红', 'M'], 1200, 1),
    sku('r-l', ['红', 'L'], 1400, 0),
    sku('b-s', ['蓝', 'S'], 1100, 0),
    sku('b-l', ['蓝', 'L'], 1500, 3),
  ],
};

const disabled = (sel: (string | null)[]) =>
  pickerView(product, sel).options.map((o) => o.values.filter((v) => v.disabled).map((v) => v.value));

describe('sku picker', () => {
  it('disables values that cannot reach an in-stock SKU given the other choices', () => {
    expect(disabled([null, null])).toEqual([[], []]);
    expect(disabled(['红', null])).toEqual([[], ['L']]);
    expect(disabled(['蓝', null])).toEqual([[], ['S', 'M']]);
    expect(disabled([null, 'L'])).toEqual([['红'], []]);
    expect(disabled([null, 'S'])).toEqual([['蓝'], []]);
  });

  it('a sold-out combination cannot be chosen; choosing toggles and narrows', () => {
    let sel = toggleValue(product, emptySelection(product), 0, '红');
    expect(sel).toEqual(['红', null]);
    expect(toggleValue(product, sel, 1, 'L')).toBe(sel); // 红-L sold out: ignored
    sel = toggleValue(product, sel, 1, 'M');
    expect(findSku(product, sel)?.id).toBe('r-m');
    expect(toggleValue(product, sel, 1, 'M')).toEqual(['红', null]); // tap again clears
    expect(isValueAvailable(product, ['蓝', null], 1, 'M')).toBe(false); // missing combination
  });

  it('shows the chosen SKU price and stock, else the in-stock range and total', () => {
    const none = pickerView(product, [null, null]);
    expect([none.minPrice, none.maxPrice, none.stock, none.sku]).toEqual([1000, 1500, 9, null]);
    expect(none.missing).toEqual(['颜色', '尺码']);
    const red = pickerView(product, ['红', null]);
    expect([red.minPrice, red.maxPrice, red.stock]).toEqual([1000, 1200, 6]);
    const chosen = pickerView(product, ['蓝', 'L']);
    expect(chosen.sku?.id).toBe('b-l');
    expect([chosen.minPrice, chosen.maxPrice, chosen.stock, chosen.specText]).toEqual([1500, 1500, 3, '蓝 / L']);
    expect(chosen.missing).toEqual([]);
  });

  it('everything sold out: all values disabled, price range over all SKUs', () => {
    const soldOut = { specs: product.specs, skus: product.skus.map((s) => ({ ...s, stock: 0 })) };
    const view = pickerView(soldOut, [null, null]);
    expect(view.options.every((o) => o.values.every((v) => v.disabled))).toBe(true);
    expect([view.minPrice, view.maxPrice, view.stock]).toEqual([1000, 1500, 0]);
  });

  it('a product without specs has its single SKU chosen from the start', () => {
    const single = { specs: [], skus: [sku('only', [], 990, 4)] };
    const sel = initialSelection(single);
    expect(sel).toEqual([]);
    expect(pickerView(single, sel).sku?.id).toBe('only');
  });

  it('pre-chooses a spec with a single available value', () => {
    const p = { specs: [{ name: '规格', values: ['标准'] }, { name: '口味', values: ['甜', '咸'] }], skus: [sku('a', ['标准', '甜'], 1, 1), sku('b', ['标准', '咸'], 1, 1)] };
    expect(initialSelection(p)).toEqual(['标准', null]);
  });

  it('clamps quantities to [1, stock] and the line maximum', () => {
    expect(clampQuantity(5, 3)).toBe(3);
    expect(clampQuantity(0, 3)).toBe(1);
    expect(clampQuantity(4, 0)).toBe(1);
    expect(clampQuantity(500, 1000)).toBe(99);
  });
});
