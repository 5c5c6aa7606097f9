import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { taroJSONStorage } from './taro-storage';

export const CART_DRAFT_STORAGE_KEY = 'shop.cart-draft';
/** The server accepts at most this many lines in a quote or merge. */
export const MAX_DRAFT_LINES = 100;
/** Mirrors MAX_LINE_QUANTITY in contract/common.ts (that module pulls zod, so it is not imported at run time). */
export const MAX_LINE_QUANTITY = 99;

/** One line of the guest's cart, kept on the device until login merges it. */
export interface DraftLine {
  skuId: string;
  quantity: number;
  selected: boolean;
  /** Unit price (fen) shown when the line was added, so a price change can be noticed. */
  addedPrice: number;
  addedAt: number;
}

interface DraftData {
  lines: DraftLine[];
}

export interface CartDraftState extends DraftData {
  /** Adds quantity to the line of skuId (or creates it, newest first); capped at 99. */
  add(skuId: string, quantity: number, addedPrice: number, now?: number): void;
  update(skuId: string, patch: { quantity?: number; selected?: boolean }): void;
  remove(skuId: string): void;
  /** Every line, or only the given SKUs (one shop's lines). */
  selectAll(selected: boolean, skuIds?: readonly string[]): void;
  clear(): void;
}

const clampQuantity = (q: number) => Math.max(1, Math.min(MAX_LINE_QUANTITY, Math.floor(q)));

export const createCartDraftStore = () =>
  create<CartDraftState>()(
    persist(
      (set) => ({
        lines: [],
        add: (skuId, quantity, addedPrice, now = Date.now()) =>
          set((s) => {
            const existing = s.lines.find((l) => l.skuId === skuId);
            if (existing) {
              return {
                lines: s.lines.map((l) =>
                  l.skuId === skuId ? { ...l, quantity: clampQuantity(l.quantity + quantity), selected: true } : l,
                ),
              };
            }
            const line: DraftLine = { skuId, quantity: clampQuantity(quantity), selected: true, addedPrice, addedAt: now };
            return { lines: [line, ...s.lines].slice(0, MAX_DRAFT_LINES) };
          }),
        update: (skuId, patch) =>
          set((s) => ({
            lines: s.lines.map((l) =>
              l.skuId === skuId
                ? {
                    ...l,
                    ...(patch.quantity !== undefined ? { quantity: clampQuantity(patch.quantity) } : {}),
                    ...(patch.selected !== undefined ? { selected: patch.selected } : {}),
                  }
                : l,
            ),
          })),
        remove: (skuId) => set((s) => ({ lines: s.lines.filter((l) => l.skuId !== skuId) })),
        selectAll: (selected, skuIds) =>
          set((s) => ({ lines: s.lines.map((l) => (skuIds === undefined || skuIds.includes(l.skuId) ? { ...l, selected } : l)) })),
        clear: () => set({ lines: [] }),
      }),
      {
        name: CART_DRAFT_STORAGE_KEY,
        version: 1,
        storage: taroJSONStorage<DraftData>(),
        partialize: (s): DraftData => ({ lines: s.lines }),
      },
    ),
  );

export const useCartDraft = createCartDraftStore();

/** The draft as the body of quoteCart / mergeCart. */
export function draftToLines(lines: readonly DraftLine[]) {
  return lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity, selected: l.selected, addedPrice: l.addedPrice }));
}
