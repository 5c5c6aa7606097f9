import { create } from 'zustand';
import type { ProductSort } from '@contract';

/**
 * What the category tab should show. Tab pages cannot receive query parameters through
 * switchTab, so the home page (category entries, search box) writes here before switching.
 */
export interface BrowseState {
  categoryId: string | null;
  q: string;
  sort: ProductSort;
  show(filter: { categoryId?: string | null; q?: string }): void;
  setSort(sort: ProductSort): void;
}

export const useBrowse = create<BrowseState>()((set) => ({
  categoryId: null,
  q: '',
  sort: 'default',
  show: (filter) => set({ categoryId: filter.categoryId ?? null, q: filter.q?.trim() ?? '' }),
  setSort: (sort) => set({ sort }),
}));
