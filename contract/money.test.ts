import fc from 'fast-check';
import { fenToYuanString, formatPrice, sumFen, yuanStringToFen } from './money';

describe('money', () => {
  it('formats fen as yuan with two decimals', () => {
    expect(fenToYuanString(0)).toBe('0.00');
    expect(fenToYuanString(5)).toBe('0.05');
    expect(fenToYuanString(100)).toBe('1.00');
    expect(fenToYuanString(12345)).toBe('123.45');
    expect(fenToYuanString(-5)).toBe('-0.05');
    expect(formatPrice(9900)).toBe('¥99.00');
    expect(formatPrice(-1999)).toBe('-¥19.99');
  });

  it('rejects amounts that are not integer fen', () => {
    expect(() => fenToYuanString(1.5)).toThrow(RangeError);
    expect(() => fenToYuanString(Number.NaN)).toThrow(RangeError);
    expect(() => sumFen([1, Number.MAX_SAFE_INTEGER])).toThrow(RangeError);
  });

  it('parses yuan strings exactly, with at most two decimals', () => {
    expect(yuanStringToFen('0.1')).toBe(10);
    expect(yuanStringToFen('19.99')).toBe(1999);
    expect(yuanStringToFen('-0.05')).toBe(-5);
    for (const bad of ['', '1.234', '1e3', 'abc', '1,00', '.5']) expect(() => yuanStringToFen(bad)).toThrow(RangeError);
  });

  it('round-trips every fen amount through its yuan string', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => {
        expect(yuanStringToFen(fenToYuanString(fen))).toBe(fen);
      }),
    );
  });

  it('sums without floating point drift', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1e9 }), { maxLength: 50 }), (xs) => {
        expect(sumFen(xs)).toBe(xs.reduce((a, b) => a + b, 0));
      }),
    );
  });
});
