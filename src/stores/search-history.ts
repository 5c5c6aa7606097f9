import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { taroJSONStorage } from './taro-storage';

export const SEARCH_HISTORY_STORAGE_KEY = 'shop.search-history';
/** The most recent searches kept on the device, newest first. */
export const MAX_SEARCH_HISTORY = 15;

interface HistoryData {
  words: string[];
}

export interface SearchHistoryState extends HistoryData {
  /** Puts a search first (once); blank text is ignored. */
  add(word: string): void;
  clear(): void;
}

export const createSearchHistoryStore = () =>
  create<SearchHistoryState>()(
    persist(
      (set) => ({
        words: [],
        add: (word) =>
          set((s) => {
            const w = word.trim();
            if (!w) return s;
            return { words: [w, ...s.words.filter((x) => x !== w)].slice(0, MAX_SEARCH_HISTORY) };
          }),
        clear: () => set({ words: [] }),
      }),
      {
        name: SEARCH_HISTORY_STORAGE_KEY,
        version: 1,
        storage: taroJSONStorage<HistoryData>(),
        partialize: (s): HistoryData => ({ words: s.words }),
      },
    ),
  );

/** The shopper's search history on this device (local storage on H5, the host's storage elsewhere). */
export const useSearchHistory = createSearchHistoryStore();
