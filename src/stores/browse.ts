import { create } from 'zustand';
import type { ProductSort } from '@contract';

/**
 * What the category tab should show. Tab pages cannot receive query parameters through
 * switchTab, so the home page (category entries) writes here before switching.
 */
export interface BrowseState {
  categoryId: string | null;
  sort: ProductSort;
  show(filter: { categoryId: string | null }): void;
  setSort(sort: ProductSort): void;
}

export const useBrowse = create<BrowseState>()((set) => ({
  categoryId: null,
  sort: 'default',
  show: (filter) => set({ categoryId: filter.categoryId }),
  setSort: (sort) => set({ sort }),
}));
