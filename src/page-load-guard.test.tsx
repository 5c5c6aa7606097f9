import { onlineManager } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { createElement, type ComponentType } from 'react';
import { guardPageLoads, isChunkLoadError, type PageRoute } from './page-load-guard';

/** The error webpack's chunk loader rejects with when a page's code cannot be fetched. */
function chunkError(css = false): Error {
  const e = new Error(css ? 'Loading CSS chunk 812 failed.\n(/css/812.css)' : 'Loading chunk 812 failed.\n(error: /js/812.js)');
  e.name = 'ChunkLoadError';
  return css ? Object.assign(e, { code: 'CSS_CHUNK_LOAD_FAILED' }) : e;
}

const RealPage = () => createElement('div', null, '真正的页面');

/** A route like the H5 entry's: load answers [import(page), context, params]. */
function route(path: string, outcomes: (Error | 'ok')[]): PageRoute & { calls: number } {
  const r = {
    path,
    calls: 0,
    load(context: unknown, params: unknown) {
      const outcome = outcomes[Math.min(r.calls, outcomes.length - 1)];
      r.calls += 1;
      return [outcome === 'ok' ? Promise.resolve({ default: RealPage }) : Promise.reject(outcome), context, params];
    },
  };
  return r;
}

async function loaded(r: PageRoute): Promise<ComponentType> {
  const [page] = r.load({ pathname: `/${r.path}` }, { id: 'p_1' });
  return ((await page) as { default: ComponentType }).default;
}

describe('page load guard (H5)', () => {
  it("recognises webpack's failed JS and CSS chunks, and nothing else", () => {
    expect(isChunkLoadError(chunkError())).toBe(true);
    expect(isChunkLoadError(chunkError(true))).toBe(true);
    expect(isChunkLoadError(new Error('Loading chunk 3 failed.'))).toBe(true);
    expect(isChunkLoadError(new TypeError('x is undefined'))).toBe(false);
    expect(isChunkLoadError(null)).toBe(false);
  });

  it('a page whose code does not load shows what happened with a retry, at its own URL; the retry opens the real page in its place', async () => {
    window.location.hash = '#/pages/product/index?id=p_1';
    const r = route('pages/product/index', [chunkError(), chunkError(), chunkError(), 'ok']);
    guardPageLoads({ routes: [r] });
    const [, context, params] = r.load({ pathname: '/pages/product/index' }, { id: 'p_1' });
    expect([context, params]).toEqual([{ pathname: '/pages/product/index' }, { id: 'p_1' }]);
    const Page = await loaded(r);
    render(createElement(Page));
    expect(screen.getByRole('alert').textContent).toContain('页面没有打开');
    expect(screen.getByText('返回首页')).toBeTruthy();

    // Still offline: the retry fails quietly and can be tapped again.
    fireEvent.click(screen.getByText('重试'));
    await waitFor(() => expect(r.calls).toBe(3));
    expect(Taro.redirectTo).not.toHaveBeenCalled();
    await screen.findByText('重试');

    fireEvent.click(screen.getByText('重试'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/product/index?id=p_1' }));
  });

  it('back online, it retries by itself; a tab page is reopened with reLaunch', async () => {
    window.location.hash = '#/pages/category/index';
    const r = route('pages/category/index', [chunkError(true), 'ok']);
    guardPageLoads({ routes: [r] });
    const Page = await loaded(r);
    render(createElement(Page));
    act(() => onlineManager.setOnline(false));
    act(() => onlineManager.setOnline(true));
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/category/index' }));
  });

  it('a page that loads is untouched, and other errors still surface', async () => {
    const fine = route('pages/home/index', ['ok']);
    const broken = { path: 'pages/me/index', load: (c: unknown, p: unknown) => [Promise.reject(new TypeError('boom')), c, p] };
    guardPageLoads({ routes: [fine, broken] });
    expect(await loaded(fine)).toBe(RealPage);
    await expect(broken.load({}, {})[0]).rejects.toThrow('boom');
  });
});
