import { onlineManager } from '@tanstack/react-query';
import Taro from '@tarojs/taro';
import { type ComponentType, useCallback, useEffect, useRef, useState } from 'react';
// The page-state module itself, not the components' index: this file is in app.js, and the
// index would bring every shared component (and Taro's component library) with it.
import { PageError } from '@/components/page-state';
import { Box } from '@/components/primitives';
import { t } from '@/i18n/messages';
import { isTabPage } from '@/services/platform/nav';

/**
 * H5 only: what happens when a page's code cannot be loaded (offline, a dropped connection).
 *
 * Taro's H5 router loads each page's chunk when the page is first opened: it changes the URL
 * first, then awaits the route's `load()` (node_modules/@tarojs/router/dist/router/spa.js,
 * `router.resolve`); a failed chunk rejects there and is rethrown, so the old page stays on
 * screen, nothing is said, and the new history entry leads nowhere. The build
 * (config/index.ts) calls `guardPageLoads(config)` in the H5 entry before the router is
 * created: every route's load then answers a failed chunk with a page of its own (what happened,
 * 重试, 返回首页), shown at the new URL, so back and forward keep working. 重试, or the network
 * coming back, loads the chunk again and opens the real page in place of that one.
 */

/** A route of Taro's H5 app config: `load` answers [page module promise, context, params]. */
export interface PageRoute {
  path: string;
  load: (context: unknown, params: unknown) => unknown[];
}

/** webpack's error for a JS or CSS chunk that could not be fetched. */
export function isChunkLoadError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: unknown; code?: unknown; message?: unknown };
  return err.name === 'ChunkLoadError' || err.code === 'CSS_CHUNK_LOAD_FAILED' || (typeof err.message === 'string' && /^Loading (CSS )?chunk \S+ failed/.test(err.message));
}

/** The current hash route ("/pages/product/index?id=p_1"). */
function currentUrl(): string {
  const hash = window.location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : `/${hash}`;
}

/** Reopens the page at the current URL now that its code is here (a tab page: the app restarts on it). */
function reopen(url: string): Promise<unknown> {
  return isTabPage(url) ? Taro.reLaunch({ url }) : Taro.redirectTo({ url });
}

/** The page shown in place of one whose code did not load. */
export function pageLoadFailed(reload: () => Promise<unknown>, open: (url: string) => Promise<unknown> = reopen): ComponentType {
  return function PageLoadFailed() {
    const [retrying, setRetrying] = useState(false);
    const busy = useRef(false);
    const retry = useCallback(async () => {
      if (busy.current) return;
      busy.current = true;
      setRetrying(true);
      try {
        await reload();
      } catch {
        busy.current = false;
        setRetrying(false);
        return;
      }
      await open(currentUrl());
    }, []);
    // Back online: try at once, without waiting for a tap.
    useEffect(
      () =>
        onlineManager.subscribe((online) => {
          if (online) void retry();
        }),
      [retry],
    );
    return (
      <Box className="page-load-failed">
        <PageError
          kind="offline"
          title={t('pageError.pageLoadFailed')}
          hint={t('pageError.pageLoadFailedHint')}
          onRetry={() => void retry()}
          retryText={retrying ? t('pageError.pageLoadRetrying') : t('retry')}
        />
      </Box>
    );
  };
}

/** Wraps every route's load so a failed chunk shows the page above instead of nothing. */
export function guardPageLoads(config: { routes?: PageRoute[] }): void {
  for (const route of config.routes ?? []) {
    const load = route.load;
    route.load = (context, params) => {
      const [page, ...rest] = load(context, params);
      const guarded = Promise.resolve(page).catch((e: unknown) => {
        if (!isChunkLoadError(e)) throw e;
        return { default: pageLoadFailed(() => Promise.resolve(load(context, params)[0])) };
      });
      return [guarded, ...rest];
    };
  }
}
