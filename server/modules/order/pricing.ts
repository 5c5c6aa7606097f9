import type { Amounts, PricedLine } from '@contract/order';
import { sumFen } from '@contract/money';
import { lineAmount, lineIssueFor, isBlocking, type LineIssue, type PricingSku } from '../catalog';

export { isBlocking, lineAmount, lineIssueFor, type PricingSku };

/**
 * Pricing decided only by the server. Pure functions over SKU snapshots from the catalog,
 * shared by the cart (line validation) and checkout (groups, shipping, totals).
 */

/** Per merchant: shipping is free from this items amount on (delivery only). */
export const FREE_SHIPPING_THRESHOLD = 9900;
export const SHIPPING_FEE = 800;

export type FulfilmentType = 'delivery' | 'pickup';

export function shippingFor(itemsAmount: number, fulfilment: FulfilmentType): number {
  if (fulfilment === 'pickup') return 0;
  return itemsAmount >= FREE_SHIPPING_THRESHOLD ? 0 : SHIPPING_FEE;
}

export function amountsOf(itemsAmount: number, shippingAmount: number, discountAmount = 0): Amounts {
  const payableAmount = itemsAmount + shippingAmount - discountAmount;
  if (payableAmount < 0) throw new RangeError('payable amount below zero');
  return { itemsAmount, shippingAmount, discountAmount, payableAmount };
}

export function sumAmounts(list: readonly Amounts[]): Amounts {
  return {
    itemsAmount: sumFen(list.map((a) => a.itemsAmount)),
    shippingAmount: sumFen(list.map((a) => a.shippingAmount)),
    discountAmount: sumFen(list.map((a) => a.discountAmount)),
    payableAmount: sumFen(list.map((a) => a.payableAmount)),
  };
}

export interface PickupStore {
  name: string;
  address: string;
  hours: string;
}

const PICKUP_STREETS = ['人民路 88 号', '中山路 166 号', '解放大道 520 号', '建设路 35 号', '长江路 208 号', '和平街 12 号'];

/**
 * The pickup store of a merchant. Derived deterministically from the merchant (every demo
 * merchant has one store) until merchants manage stores of their own; the order keeps a
 * snapshot of it, so changing this later never rewrites past orders.
 */
export function pickupStoreFor(merchantId: string, merchantName: string): PickupStore {
  let hash = 0;
  for (const ch of merchantId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return {
    name: `${merchantName} 自提门店`,
    address: `上海市 黄浦区 ${PICKUP_STREETS[hash % PICKUP_STREETS.length]}`,
    hours: '09:00-21:00',
  };
}

export interface RequestedLine {
  skuId: string;
  quantity: number;
}

export interface PricedGroup {
  merchantId: string;
  merchantName: string;
  /** `live`: the line is priced at a live session's price and taken from its quota (not from stock). */
  lines: (PricedLine & { sku: PricingSku | undefined; live: boolean })[];
  amounts: Amounts;
  pickupStore: PickupStore;
}

export interface PricedCheckout {
  groups: PricedGroup[];
  amounts: Amounts;
  /** Lines that cannot be bought, in request order. */
  blocked: { skuId: string; issue: LineIssue }[];
}

/** A live session's line of a SKU (docs/live.md): its session price and what is left of its quota. */
export interface LiveLinePrice {
  price: number;
  left: number;
}

/**
 * Prices requested lines (duplicates of a SKU are added up) against the SKU snapshots:
 * one group per merchant in the order merchants first appear. Blocked lines are listed with
 * their issue and count zero in the amounts. Unknown SKUs form no group (there is no merchant
 * to put them in) but are reported in `blocked`. A SKU with a line in `live` (a session that is
 * live or paused) is priced at the session price and judged against what is left of the line's
 * quota instead of the SKU's stock (the quota was carved out of it).
 */
export function priceCheckout(
  requested: readonly RequestedLine[],
  skus: ReadonlyMap<string, PricingSku>,
  fulfilment: FulfilmentType,
  live: ReadonlyMap<string, LiveLinePrice> = new Map(),
): PricedCheckout {
  const quantities = new Map<string, number>();
  for (const line of requested) quantities.set(line.skuId, (quantities.get(line.skuId) ?? 0) + line.quantity);

  const groups = new Map<string, PricedGroup>();
  const blocked: { skuId: string; issue: LineIssue }[] = [];
  for (const [skuId, quantity] of quantities) {
    const liveLine = live.get(skuId);
    const known = skus.get(skuId);
    const sku = known && liveLine ? { ...known, price: liveLine.price, stock: liveLine.left } : known;
    const issue = lineIssueFor(sku, quantity);
    if (issue !== null && isBlocking(issue)) blocked.push({ skuId, issue });
    if (!sku) continue;
    let group = groups.get(sku.merchantId);
    if (!group) {
      group = {
        merchantId: sku.merchantId,
        merchantName: sku.merchantName,
        lines: [],
        amounts: amountsOf(0, 0),
        pickupStore: pickupStoreFor(sku.merchantId, sku.merchantName),
      };
      groups.set(sku.merchantId, group);
    }
    group.lines.push({
      skuId,
      productId: sku.productId,
      title: sku.title,
      specText: sku.specText,
      image: sku.image,
      unitPrice: sku.price,
      quantity,
      lineAmount: lineAmount(sku.price, quantity),
      issue,
      sku,
      live: liveLine !== undefined,
    });
  }
  const list = [...groups.values()];
  for (const group of list) {
    const items = sumFen(group.lines.filter((l) => !isBlocking(l.issue)).map((l) => l.lineAmount));
    group.amounts = amountsOf(items, items > 0 ? shippingFor(items, fulfilment) : 0);
  }
  return { groups: list, amounts: sumAmounts(list.map((g) => g.amounts)), blocked };
}
