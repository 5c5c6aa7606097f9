import Taro from '@tarojs/taro';
import { createJSONStorage, type StateStorage } from 'zustand/middleware';

/**
 * zustand's StateStorage over Taro's synchronous storage (wx/my/tt storage on mini-programs,
 * localStorage on H5). Synchronous, so persisted stores are hydrated when they are created.
 */
export const taroStateStorage: StateStorage = {
  getItem(name) {
    try {
      const value: unknown = Taro.getStorageSync(name);
      return typeof value === 'string' && value !== '' ? value : null;
    } catch {
      return null;
    }
  },
  setItem(name, value) {
    try {
      Taro.setStorageSync(name, value);
    } catch {
      // Storage full or unavailable: the state stays in memory for this run.
    }
  },
  removeItem(name) {
    try {
      Taro.removeStorageSync(name);
    } catch {
      // Nothing to remove.
    }
  },
};

export const taroJSONStorage = <S>() => createJSONStorage<S>(() => taroStateStorage);
