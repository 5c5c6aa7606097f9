import type { CartLine } from '@contract';

export interface ShopGroup {
  merchantId: string;
  merchantName: string;
  lines: CartLine[];
  /** Every line of the shop is selected (the shop's 全选 shows ticked). */
  allSelected: boolean;
}

/**
 * The cart's buyable lines by shop, as Taobao and JD show them: shops in the order of their
 * newest line (the cart's own order), lines in cart order within a shop. Lines that cannot be
 * bought stay out (the page lists them apart, under 失效商品).
 */
export function groupByShop(lines: readonly CartLine[]): ShopGroup[] {
  const groups = new Map<string, ShopGroup>();
  for (const line of lines) {
    if (!line.valid || line.merchantId === null) continue;
    let group = groups.get(line.merchantId);
    if (!group) {
      group = { merchantId: line.merchantId, merchantName: line.merchantName, lines: [], allSelected: true };
      groups.set(line.merchantId, group);
    }
    group.lines.push(line);
    if (!line.selected) group.allSelected = false;
  }
  return [...groups.values()];
}
