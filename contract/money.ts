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
