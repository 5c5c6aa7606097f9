/**
 * How the shop moves through its pages where the platforms differ. Taro picks history.<env>.ts
 * at build time; this file is the mini-programs' (and jest's) version: the host keeps the page
 * stack, tab pages are opened with switchTab, and the system back button or gesture is the
 * host's. H5 (history.h5.ts) keeps the browser's history inside the shop instead.
 */
import Taro from '@tarojs/taro';

export const HOME_PATH = '/pages/home/index';

/** Opens a tab page (path without query) as a step the shopper can go back from where the platform allows it. */
export function openTab(path: string): Promise<unknown> {
  return Taro.switchTab({ url: path });
}

/** Shows a tab page in place of the current page (after login, say). */
export function replaceWithTab(path: string): Promise<unknown> {
  return Taro.switchTab({ url: path });
}

/** Back to the previous page, or home when there is none (the page was opened directly). */
export function goBack(): Promise<unknown> {
  return Taro.getCurrentPages().length > 1 ? Taro.navigateBack() : Taro.switchTab({ url: HOME_PATH });
}

/** Called once at app start; nothing to set up where the host owns the page stack. */
export function installHistoryGuard(): void {}
