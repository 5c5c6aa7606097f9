import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { taroJSONStorage } from './taro-storage';

export const WORKBENCH_STORAGE_KEY = 'shop.workbench';

interface WorkbenchData {
  /** The merchant whose workbench was opened last (remembered across launches). */
  merchantId: string | null;
}

export interface WorkbenchState extends WorkbenchData {
  choose(merchantId: string): void;
  forget(): void;
}

export const useWorkbenchStore = create<WorkbenchState>()(
  persist(
    (set) => ({
      merchantId: null,
      choose: (merchantId) => set({ merchantId }),
      forget: () => set({ merchantId: null }),
    }),
    {
      name: WORKBENCH_STORAGE_KEY,
      version: 1,
      storage: taroJSONStorage<WorkbenchData>(),
      partialize: (s): WorkbenchData => ({ merchantId: s.merchantId }),
    },
  ),
);
