/**
 * H5: the browser's history stays inside the shop (rules in history-web.ts). Back from the
 * first page goes home; tab switches, whether from our code or from Taro's own tab bar, push an
 * entry; the title bar's back arrow walks the browser's history while the router has a page
 * below (or home was planted below the landing page), else goes home.
 */
import Taro from '@tarojs/taro';
import { history, switchTab as replaceTab } from '@tarojs/router';
import { canGoBackInShop, HOME_PATH, pagePath, plantHomeBelow, pushTab, type RouterHistory } from './history-web';

export { HOME_PATH } from './history-web';

const routerHistory = (): RouterHistory => history as unknown as RouterHistory;

export function openTab(path: string): Promise<unknown> {
  return pushTab(routerHistory(), path);
}

export function replaceWithTab(path: string): Promise<unknown> {
  return replaceTab({ url: pagePath(path) });
}

export function goBack(): Promise<unknown> {
  if (canGoBackInShop(window, Taro.getCurrentPages().length)) {
    window.history.back();
    return Promise.resolve({ errMsg: 'navigateBack:ok' });
  }
  return replaceTab({ url: HOME_PATH });
}

let installed = false;

/**
 * Runs when app.tsx is loaded, before Taro's router reads the location. Taro's H5 tab bar calls
 * `Taro.switchTab` on the shared API object; that property is pointed at pushTab so a tap on the
 * tab bar is a step Back can undo (our own code calls openTab/replaceWithTab instead).
 */
export function installHistoryGuard(): void {
  if (installed) return;
  installed = true;
  plantHomeBelow(window);
  const api = Taro as unknown as { switchTab: (opts: { url: string; success?: (r: unknown) => void; complete?: (r: unknown) => void }) => Promise<unknown> };
  api.switchTab = (opts) =>
    pushTab(routerHistory(), opts.url).then((res) => {
      opts.success?.(res);
      opts.complete?.(res);
      return res;
    });
}
