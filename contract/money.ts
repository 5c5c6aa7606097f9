/**
 * Money is integer fen end to end. Formatting to yuan happens only at display.
 * These helpers are shared by the server and the client and have no dependencies.
 */
export type Fen = number;

export function assertFen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`money must be an integer number of fen, got ${value}`);
  return value;
}

/** 12345 -> "123.45"; -5 -> "-0.05". */
export function fenToYuanString(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents < 10 ? '0' : ''}${cents}`;
}

/** 12345 -> "¥123.45". */
export function formatPrice(fen: Fen): string {
  const s = fenToYuanString(fen);
  return s.startsWith('-') ? `-¥${s.slice(1)}` : `¥${s}`;
}

/** "123.45" -> 12345. Accepts at most two decimals; anything else throws. */
export function yuanStringToFen(yuan: string): Fen {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(yuan.trim());
  if (!m) throw new RangeError(`not a yuan amount: ${yuan}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return assertFen(m[1] ? -fen : fen);
}

/** Sum of integer fen amounts, checked. */
export function sumFen(values: readonly Fen[]): Fen {
  let total = 0;
  for (const v of values) total += assertFen(v);
  return assertFen(total);
}

/**
 * Spreads `total` over `weights` in proportion, in whole fen, by largest remainder (ties: the
 * earlier line), so the parts add up to `total` exactly. The server's after-sale amounts and the
 * client's estimate of them use this one function.
 */
export function spreadByWeight(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map((x) => Math.floor(x));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i] += 1;
    left -= 1;
  }
  return parts;
}
