import vm from 'node:vm';
import { FIRST_REQUESTS, pageChunkFiles, preloadScript } from '../config/first-load';

/**
 * The H5 first-load preloads (config/first-load.ts): the page chunks found in the build's
 * chunk groups, and the inline script that picks the opened route's chunks and requests.
 */
describe('first-load preloads', () => {
  const groups = [
    { origins: [{ request: './pages/home/index' }], chunks: [{ files: new Set(['js/154.aa.js', 'css/154.aa.css']) }, { files: new Set(['js/604.bb.js', 'js/604.bb.js.LICENSE.txt']) }] },
    { origins: [{ request: './pages/product/index' }], chunks: [{ files: new Set(['js/9.cc.js']) }, { files: new Set(['js/604.bb.js']) }] },
    { origins: [{ request: 'some-lazy-module' }], chunks: [{ files: new Set(['js/1.dd.js']) }] },
  ];

  it('maps each page to the js and css files of its chunks', () => {
    expect(pageChunkFiles(groups, '/')).toEqual({
      'pages/home/index': ['/js/154.aa.js', '/css/154.aa.css', '/js/604.bb.js'],
      'pages/product/index': ['/js/9.cc.js', '/js/604.bb.js'],
    });
  });

  /** Runs the inline script against a stand-in document and returns the links it added. */
  function preloadsFor(hash: string, apiBase = ''): { rel: string; as: string; href: string; crossOrigin?: string }[] {
    const links: { rel: string; as: string; href: string; crossOrigin?: string }[] = [];
    const document = {
      createElement: () => ({}) as { rel: string; as: string; href: string; crossOrigin?: string },
      head: { appendChild: (el: (typeof links)[number]) => links.push(el) },
    };
    const script = preloadScript('pages/home/index', pageChunkFiles(groups, '/'), FIRST_REQUESTS, apiBase);
    vm.runInNewContext(script, { document, location: { hash }, window: {}, setTimeout: (fn: () => void) => fn() });
    return links;
  }

  it('adds its links only after the first frame, so the boot screen paints first', () => {
    const links: unknown[] = [];
    const frames: (() => void)[] = [];
    const timers: (() => void)[] = [];
    const document = { createElement: () => ({}), head: { appendChild: (el: unknown) => links.push(el) } };
    const window = { requestAnimationFrame: (fn: () => void) => frames.push(fn) };
    vm.runInNewContext(preloadScript('pages/home/index', pageChunkFiles(groups, '/'), FIRST_REQUESTS, ''), {
      document, location: { hash: '' }, window, requestAnimationFrame: window.requestAnimationFrame, setTimeout: (fn: () => void) => timers.push(fn),
    });
    expect(links).toHaveLength(0);
    frames.forEach((f) => f());
    expect(links).toHaveLength(0);
    timers.forEach((f) => f());
    expect(links).toHaveLength(6);
  });

  it('preloads the first page with its requests when the URL names no page', () => {
    expect(preloadsFor('')).toEqual([
      { rel: 'preload', as: 'script', href: '/js/154.aa.js' },
      { rel: 'preload', as: 'style', href: '/css/154.aa.css' },
      { rel: 'preload', as: 'script', href: '/js/604.bb.js' },
      { rel: 'preload', as: 'fetch', href: '/api/home', crossOrigin: 'anonymous' },
      { rel: 'preload', as: 'fetch', href: '/api/products?sort=default&limit=10', crossOrigin: 'anonymous' },
      { rel: 'preload', as: 'fetch', href: '/api/live/sessions?limit=1', crossOrigin: 'anonymous' },
    ]);
  });

  it('fills a request from the route query, and skips it when the query lacks the value', () => {
    expect(preloadsFor('#/pages/product/index?id=p_00%2001&from=share', 'https://api.shop.test').map((l) => l.href)).toEqual([
      '/js/9.cc.js',
      '/js/604.bb.js',
      'https://api.shop.test/api/products/p_00%2001',
    ]);
    expect(preloadsFor('#/pages/product/index').map((l) => l.href)).toEqual(['/js/9.cc.js', '/js/604.bb.js']);
  });

  it('adds nothing for a page it knows nothing about', () => {
    expect(preloadsFor('#/pages/checkout/cashier?orderId=1')).toEqual([]);
  });
});
