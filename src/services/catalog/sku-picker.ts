import type { Sku, Spec } from '@contract';

/**
 * SKU selection over spec combinations, as pure functions (the product page renders them).
 *
 * A selection holds one chosen value (or null) per spec, in the order of `specs`. A value is
 * available when at least one in-stock SKU has it and agrees with every value chosen for the
 * other specs; unavailable values are shown disabled and cannot be chosen, so a complete
 * selection always names an in-stock SKU.
 */
export type Selection = readonly (string | null)[];

export interface SkuSource {
  specs: readonly Spec[];
  skus: readonly Sku[];
}

export interface ValueOption {
  value: string;
  selected: boolean;
  disabled: boolean;
}

export interface SpecOption {
  name: string;
  values: ValueOption[];
}

export interface PickerView {
  options: SpecOption[];
  /** SKUs agreeing with every chosen value (in stock or not). */
  candidates: Sku[];
  /** The SKU of a complete selection, else null. */
  sku: Sku | null;
  /** Price to show: the chosen SKU's, else the range over in-stock candidates (all candidates when none is in stock). */
  minPrice: number;
  maxPrice: number;
  /** Original (list) price of the chosen SKU, when discounted. */
  originalPrice: number | null;
  /** Stock of the chosen SKU, else the sum over candidates. */
  stock: number;
  /** Names of specs with no chosen value yet. */
  missing: string[];
  /** "红色 / XL" for the chosen values. */
  specText: string;
}

export function emptySelection(source: SkuSource): Selection {
  return source.specs.map(() => null);
}

function matches(sku: Sku, selection: Selection, ignore = -1): boolean {
  return selection.every((v, i) => i === ignore || v === null || sku.specValues[i] === v);
}

/** Whether choosing `value` for spec `index`, keeping the other chosen values, can reach an in-stock SKU. */
export function isValueAvailable(source: SkuSource, selection: Selection, index: number, value: string): boolean {
  return source.skus.some((sku) => sku.stock > 0 && sku.specValues[index] === value && matches(sku, selection, index));
}

/**
 * Tap on a value: selects it, or clears it when it was selected. A value that is unavailable
 * given the other chosen values is ignored (the selection is returned unchanged).
 */
export function toggleValue(source: SkuSource, selection: Selection, index: number, value: string): Selection {
  if (index < 0 || index >= source.specs.length) return selection;
  if (selection[index] === value) return selection.map((v, i) => (i === index ? null : v));
  if (!isValueAvailable(source, selection, index, value)) return selection;
  return selection.map((v, i) => (i === index ? value : v));
}

/** Pre-chooses every spec that has exactly one available value (a product without choices). */
export function initialSelection(source: SkuSource): Selection {
  let selection = emptySelection(source);
  source.specs.forEach((spec, i) => {
    const available = spec.values.filter((v) => isValueAvailable(source, selection, i, v));
    if (spec.values.length === 1 && available.length === 1) selection = toggleValue(source, selection, i, available[0]);
  });
  return selection;
}

export function findSku(source: SkuSource, selection: Selection): Sku | null {
  if (selection.some((v) => v === null)) return null;
  return source.skus.find((sku) => sku.specValues.length === selection.length && matches(sku, selection)) ?? null;
}

export function pickerView(source: SkuSource, selection: Selection): PickerView {
  const options: SpecOption[] = source.specs.map((spec, i) => ({
    name: spec.name,
    values: spec.values.map((value) => ({
      value,
      selected: selection[i] === value,
      disabled: selection[i] !== value && !isValueAvailable(source, selection, i, value),
    })),
  }));
  const candidates = source.skus.filter((sku) => matches(sku, selection));
  const sku = findSku(source, selection);
  const priced = sku ? [sku] : candidates.some((s) => s.stock > 0) ? candidates.filter((s) => s.stock > 0) : candidates;
  const prices = (priced.length ? priced : source.skus).map((s) => s.price);
  return {
    options,
    candidates,
    sku,
    minPrice: Math.min(...prices),
    maxPrice: Math.max(...prices),
    originalPrice: sku?.originalPrice ?? null,
    stock: sku ? sku.stock : candidates.reduce((n, s) => n + s.stock, 0),
    missing: source.specs.filter((_, i) => selection[i] === null).map((s) => s.name),
    specText: selection.filter((v): v is string => v !== null).join(' / '),
  };
}

/** Keeps a quantity within [1, stock] (1 when nothing is in stock, the buttons are disabled then). */
export function clampQuantity(quantity: number, stock: number, max = 99): number {
  const upper = Math.max(1, Math.min(stock, max));
  return Math.max(1, Math.min(upper, Math.floor(quantity)));
}
