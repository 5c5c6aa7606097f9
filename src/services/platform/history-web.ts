/**
 * The browser-history rules of the H5 shop, written against small interfaces so they can be
 * tested without Taro's router (history.h5.ts wires them to it):
 *
 * - The page a shopper lands on from outside (a shared link, a bookmark) gets the home page
 *   planted below it in the browser's history, so Back from the first page goes home instead of
 *   leaving the shop (inside WeChat's browser, leaving closes the page).
 * - Tab switches push a history entry (Taro's switchTab replaces the current one), so Back from
 *   a tab page returns to the page the shopper came from.
 */
export const HOME_PATH = '/pages/home/index';
/** sessionStorage key: this tab's history has the planted home entry below the landing page. */
export const ROOT_KEY = 'shop.historyRoot';

/** The slice of window the rules use (jsdom's window satisfies it in tests). */
export interface WebWindow {
  location: { hash: string; href: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void; pushState(data: unknown, unused: string, url?: string): void; back(): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

/** The slice of the router's history object (the `history` package) the rules use. */
export interface RouterHistory {
  location: { pathname: string; state?: unknown };
  push(to: { pathname: string; search: string }, state?: unknown): void;
  listen(listener: () => void): () => void;
}

/** The page path of a hash-router URL hash ('#/pages/x/index?id=1' -> '/pages/x/index'). */
export function hashPath(hash: string): string {
  const path = hash.replace(/^#/, '').split('?')[0];
  if (!path || path === '/') return '/';
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * Before the router starts: a landing on any page but home, in an entry the shop has not seen
 * (no state: a reload or a return keeps the router's state), becomes home + that page.
 * Returns whether home was planted.
 */
export function plantHomeBelow(win: WebWindow): boolean {
  const path = hashPath(win.location.hash);
  if (win.history.state !== null && win.history.state !== undefined) return false;
  if (path === '/' || path === HOME_PATH) return false;
  const landing = win.location.href;
  win.history.replaceState({ shopRoot: true }, '', `#${HOME_PATH}`);
  win.history.pushState(null, '', landing);
  win.sessionStorage.setItem(ROOT_KEY, '1');
  return true;
}

/** A leading-slash page path without query. */
export function pagePath(url: string): string {
  const path = url.split('?')[0];
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * Shows a tab page as a new history entry. Taro's router treats any navigation to a tab page
 * as a tab switch (it hides the current tab page and shows the cached one), so a push gives the
 * same screen as switchTab while Back still has somewhere to go. No entry for the page already shown.
 */
export function pushTab(history: RouterHistory, url: string): Promise<{ errMsg: string }> {
  const path = pagePath(url);
  const ok = { errMsg: 'switchTab:ok' };
  if (history.location.pathname === path) return Promise.resolve(ok);
  return new Promise((resolve) => {
    const stop = history.listen(() => {
      stop();
      resolve(ok);
    });
    history.push({ pathname: path, search: '' }, { timestamp: Date.now() });
  });
}

/**
 * Whether Back from the current page stays in the shop: the router's page stack has a page
 * below this one, or this is the landing page with home planted below it. Otherwise (a page
 * the router shows first, with nothing of the shop behind) the caller goes home instead.
 */
export function canGoBackInShop(win: WebWindow, stackDepth: number): boolean {
  return stackDepth > 1 || win.sessionStorage.getItem(ROOT_KEY) === '1';
}
