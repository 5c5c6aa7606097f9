import type { PricedLine } from '@contract';
import { formatPrice } from '@contract/money';

/** A line that cannot be bought as it is (`price_changed` is only a notice: the line stays valid). */
export function isBlockedLine(line: Pick<PricedLine, 'issue'>): boolean {
  return line.issue !== null && line.issue !== 'price_changed';
}

/** A discount as it reads in a breakdown: "-¥5.00", or "¥0.00" when there is none. */
export function discountText(fen: number): string {
  return fen > 0 ? `-${formatPrice(fen)}` : formatPrice(0);
}
