import { onlineManager, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MockNetworkError, taroMock, type MockRequestOptions, type MockResponse } from './taro-mock';

/** A fresh QueryClient without retries or caching between tests; offline it behaves like the
 * app's (src/services/query-client.ts): reads are tried once, mutations are never paused. */
export function testQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, gcTime: Infinity, staleTime: 0, networkMode: 'offlineFirst' },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}

export function renderWithClient(ui: ReactElement, client: QueryClient = testQueryClient()) {
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}

export type Route = (req: MockRequestOptions & { path: string; query: URLSearchParams; body: unknown }) => MockResponse | Promise<MockResponse>;

/**
 * Installs a fake API: routes keyed by "METHOD /path" (path without the query string); an
 * unmatched request answers 404. Returns the list of requests seen, for assertions.
 */
export function mockApi(routes: Record<string, Route>) {
  const calls: { method: string; path: string; query: URLSearchParams; body: unknown; header: Record<string, string> }[] = [];
  taroMock.setRequestHandler((opts) => {
    const url = new URL(opts.url, 'http://shop.test');
    const method = (opts.method ?? 'GET').toUpperCase();
    const body = opts.data;
    calls.push({ method, path: url.pathname, query: url.searchParams, body, header: opts.header ?? {} });
    const route = routes[`${method} ${url.pathname}`];
    if (!route) return { statusCode: 404, data: { code: 'ROUTE_NOT_FOUND', status: 404, title: 'Not Found', type: 'about:blank' } };
    return route({ ...opts, path: url.pathname, query: url.searchParams, body });
  });
  return calls;
}

export const ok = (data: unknown, statusCode = 200): MockResponse => ({ statusCode, data });
/** A problem+json answer; `extra` adds the members a code carries beyond the standard ones (attemptsLeft, stock...). */
export const problem = (status: number, code: string, extra: Record<string, unknown> = {}): MockResponse => ({
  statusCode: status,
  data: { ...extra, type: 'about:blank', title: code, status, code, requestId: 'req-test' },
});

/**
 * A fake API (mockApi) on a network the test switches off and on: while it is off, every
 * request fails as it does offline (a network error) and react-query's onlineManager says so.
 */
export function switchableApi(routes: Record<string, Route>) {
  let up = true;
  const wrapped: Record<string, Route> = {};
  for (const [name, route] of Object.entries(routes)) {
    wrapped[name] = (req) => {
      if (!up) throw new MockNetworkError('offline');
      return route(req);
    };
  }
  const calls = mockApi(wrapped);
  const set = (online: boolean) => {
    up = online;
    onlineManager.setOnline(online);
  };
  return {
    calls,
    /** Offline from the start (before anything renders). */
    startOffline: () => set(false),
    off: () => act(() => set(false)),
    on: () => act(() => set(true)),
  };
}

/** Refetches every query and waits until the page has heard the answers (react-query tells observers in a later task). */
export async function refetchAll(client: QueryClient) {
  await act(async () => {
    await client.refetchQueries();
  });
  await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
}
