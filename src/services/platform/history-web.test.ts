import { canGoBackInShop, hashPath, HOME_PATH, plantHomeBelow, pushTab, ROOT_KEY, type RouterHistory } from './history-web';

/** Resets jsdom's history to one fresh entry at the given hash (no state), as a new landing. */
function land(hash: string) {
  window.sessionStorage.clear();
  window.history.replaceState(null, '', `/${hash}`);
}

describe('H5 history rules', () => {
  it('reads the page path of a hash URL', () => {
    expect(hashPath('#/pages/product/index?id=p_1')).toBe('/pages/product/index');
    expect(hashPath('#pages/cart/index')).toBe('/pages/cart/index');
    expect(hashPath('')).toBe('/');
    expect(hashPath('#/')).toBe('/');
  });

  it('plants home below a landing on another page, so Back goes home', () => {
    land('#/pages/product/index?id=p_1');
    const before = window.history.length;
    expect(plantHomeBelow(window)).toBe(true);
    expect(window.history.length).toBe(before + 1);
    expect(window.location.hash).toBe('#/pages/product/index?id=p_1');
    expect(window.sessionStorage.getItem(ROOT_KEY)).toBe('1');
    // The landing page is the router's only page, and Back still has home to go to.
    expect(canGoBackInShop(window, 1)).toBe(true);
  });

  it('plants nothing on home, on the root URL, or on an entry the router has seen (a reload)', () => {
    land(`#${HOME_PATH}`);
    expect(plantHomeBelow(window)).toBe(false);
    land('');
    expect(plantHomeBelow(window)).toBe(false);
    land('#/pages/cart/index');
    window.history.replaceState({ usr: null, key: 'k', idx: 3 }, '', '/#/pages/cart/index');
    expect(plantHomeBelow(window)).toBe(false);
    expect(window.sessionStorage.getItem(ROOT_KEY)).toBeNull();
    // A page below in the router's stack: Back stays in the shop.
    expect(canGoBackInShop(window, 2)).toBe(true);
  });

  it('has nowhere to go back to from a lone page with nothing planted (the caller goes home)', () => {
    land(`#${HOME_PATH}`);
    window.history.replaceState({ usr: null, key: 'k', idx: 0 }, '', `/#${HOME_PATH}`);
    expect(canGoBackInShop(window, 1)).toBe(false);
  });

  it('switches tabs with a pushed entry, and none for the page already shown', async () => {
    const pushed: string[] = [];
    const listeners = new Set<() => void>();
    const history: RouterHistory = {
      location: { pathname: HOME_PATH },
      push(to) {
        pushed.push(to.pathname);
        history.location = { pathname: to.pathname };
        listeners.forEach((l) => l());
      },
      listen(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    await expect(pushTab(history, 'pages/category/index?x=1')).resolves.toEqual({ errMsg: 'switchTab:ok' });
    await pushTab(history, '/pages/category/index');
    await pushTab(history, '/pages/cart/index');
    expect(pushed).toEqual(['/pages/category/index', '/pages/cart/index']);
    expect(listeners.size).toBe(0);
  });
});
