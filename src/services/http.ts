import type { RouteInput, RouteName, RouteOutput } from '@contract';
import { routeTable } from '@contract/generated/routes';
import { onlineManager } from '@tanstack/react-query';
import Taro from '@tarojs/taro';
import { errorMessage } from '@/i18n/messages';
import { currentToken, useSession } from '@/stores/session';

/** Base URL of the API; empty string means same origin (H5 served by the API). */
export function apiBase(): string {
  const base = process.env.TARO_APP_API_BASE ?? '';
  return base.endsWith('/') ? base.slice(0, -1) : base;
}

/** "/images/p_1.svg" -> absolute URL against the API base; absolute URLs pass through. */
export function assetUrl(path: string): string {
  if (!path) return path;
  // Absolute URLs, data: URLs and local files (a picked photo: blob: on H5, wxfile:, ttfile:...) pass through.
  if (/^(https?:)?\/\//i.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  return `${apiBase()}${path.startsWith('/') ? '' : '/'}${path}`;
}

/** A random key for the Idempotency-Key header (UUID v4 shape). */
export function newIdempotencyKey(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  // Mini-program runtimes have no crypto.randomUUID; Math.random is enough for a dedupe key
  // scoped to one user, combined with the time.
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const variant = ((Math.floor(Math.random() * 4) + 8) >>> 0).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
}

export interface ApiFieldError {
  path: string;
  message: string;
}

/** The members of every problem+json body; whatever else a problem carries is its `extra`. */
const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'code', 'detail', 'instance', 'requestId', 'errors']);

/** Every failure of the request client. `message` is what the shopper can read. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId?: string;
  readonly errors?: ApiFieldError[];
  /** The server's technical detail (English), for logs. */
  readonly detail?: string;
  /**
   * The members the problem carries beyond the standard ones, as the server sent them: what a
   * page can tell the person more precisely than the code's message (`attemptsLeft` of
   * PICKUP_CODE_INVALID, the current `stock` of STOCK_CHANGED, `retryAfterSeconds`...).
   * Undefined when there are none. Read numbers with `extraNumber`.
   */
  readonly extra?: Readonly<Record<string, unknown>>;

  constructor(init: { code: string; status: number; requestId?: string; errors?: ApiFieldError[]; detail?: string; message?: string; extra?: Record<string, unknown> }) {
    super(init.message ?? errorMessage(init.code));
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.errors = init.errors;
    this.detail = init.detail;
    this.extra = init.extra && Object.keys(init.extra).length > 0 ? init.extra : undefined;
  }

  get isNetwork(): boolean {
    return this.code === 'NETWORK' || this.code === 'TIMEOUT';
  }

  /** An extra member that is a finite number; undefined when absent or of another type. */
  extraNumber(name: string): number | undefined {
    const value = this.extra?.[name];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Retry policy of idempotent reads (GET): attempts in total, and the first backoff delay. */
export const retryPolicy = {
  attempts: 3,
  baseDelayMs: 300,
};
const RETRY_STATUSES = new Set([502, 503, 504]);
/** 401 codes whose reason the shopper is shown when the session ends (wireSessionEndNotice). */
const SESSION_END_NOTICES = new Set(['ACCOUNT_DISABLED']);

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RawRequest {
  method: HttpMethod;
  /** Path on the API, e.g. "/api/cart" or "/sandbox/pay/P1/confirm". */
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Send the session's bearer token (default true). */
  auth?: boolean;
  /** Send an Idempotency-Key on a non-GET request (default true; false for routes with idempotency 'none'). */
  idempotent?: boolean;
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function fillPath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/:(\w+)/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined || v === null || v === '') {
      throw new ApiError({ code: 'VALIDATION_FAILED', status: 0, detail: `missing path parameter ${name}` });
    }
    return encodeURIComponent(String(v));
  });
}

interface Problem {
  code?: unknown;
  detail?: unknown;
  requestId?: unknown;
  errors?: unknown;
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  if (data === '') return null;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

function headerValue(header: unknown, name: string): string | undefined {
  if (!header || typeof header !== 'object') return undefined;
  for (const [k, v] of Object.entries(header as Record<string, unknown>)) {
    if (k.toLowerCase() === name && typeof v === 'string') return v;
  }
  return undefined;
}

function toApiError(status: number, data: unknown, header: unknown): ApiError {
  const p: Problem = data && typeof data === 'object' ? (data as Problem) : {};
  const code = typeof p.code === 'string' ? p.code : status >= 500 ? 'INTERNAL' : status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : 'UNKNOWN';
  const errors = Array.isArray(p.errors)
    ? p.errors.filter((e): e is ApiFieldError => !!e && typeof e === 'object' && typeof (e as ApiFieldError).path === 'string')
    : undefined;
  const extra = data && typeof data === 'object' && !Array.isArray(data) ? Object.fromEntries(Object.entries(data).filter(([k]) => !PROBLEM_MEMBERS.has(k))) : undefined;
  return new ApiError({
    code,
    status,
    requestId: typeof p.requestId === 'string' ? p.requestId : headerValue(header, 'x-request-id'),
    errors,
    detail: typeof p.detail === 'string' ? p.detail : undefined,
    extra,
  });
}

function abortError(): ApiError {
  return new ApiError({ code: 'ABORTED', status: 0 });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Alipay's my.request answers a non-2xx status through `fail` (error 19) with the status and
 * body attached; that is an HTTP answer, not a network failure.
 */
function httpFailure(e: unknown): { statusCode: number; data: unknown; header?: unknown } | null {
  if (!e || typeof e !== 'object') return null;
  const o = e as { status?: unknown; statusCode?: unknown; data?: unknown; headers?: unknown; header?: unknown };
  const status = typeof o.status === 'number' ? o.status : typeof o.statusCode === 'number' ? o.statusCode : 0;
  if (status < 300 || !('data' in o)) return null;
  return { statusCode: status, data: o.data, header: o.header ?? o.headers };
}

/** One HTTP exchange over Taro.request; resolves with the parsed body or throws ApiError. */
async function exchange(req: RawRequest, headers: Record<string, string>): Promise<unknown> {
  if (req.signal?.aborted) throw abortError();
  const url = `${apiBase()}${req.path}${queryString(req.query)}`;
  const hasBody = req.method !== 'GET';
  let response: { statusCode: number; data: unknown; header?: unknown };
  try {
    // This module is the one request client the rule points everyone else to.
    // eslint-disable-next-line no-restricted-syntax
    const task = Taro.request<unknown>({
      url,
      method: req.method,
      header: headers,
      // Mini-program hosts always send JSON content-type for non-GET; an empty body would be
      // rejected as malformed JSON, so a body-less mutation sends {}.
      data: hasBody ? (req.body ?? {}) : undefined,
      dataType: 'json',
      timeout: 15000,
    });
    const onAbort = () => {
      if (typeof task.abort === 'function') task.abort();
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      response = await task;
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  } catch (e) {
    if (req.signal?.aborted) throw abortError();
    const http = httpFailure(e);
    if (!http) {
      const msg = e && typeof e === 'object' && 'errMsg' in e ? String((e as { errMsg: unknown }).errMsg) : '';
      throw new ApiError({ code: /timeout/i.test(msg) ? 'TIMEOUT' : 'NETWORK', status: 0, detail: msg || undefined });
    }
    response = http;
  }
  if (req.signal?.aborted) throw abortError();
  const data = parseBody(response.data);
  if (response.statusCode >= 200 && response.statusCode < 300) return data;
  throw toApiError(response.statusCode, data, response.header);
}

/**
 * Low-level request to any API path (the sandbox pay adapter uses it). Adds the bearer token
 * and an Idempotency-Key on non-GET requests; retries GETs on network errors and 502/503/504
 * (not while the device is offline). Never retries a mutation, and never sends one later: a
 * failure is the caller's to show and to retry.
 */
export async function rawRequest<T = unknown>(req: RawRequest): Promise<T> {
  const token = req.auth === false ? null : currentToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (req.method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (req.idempotent !== false) headers['Idempotency-Key'] = req.idempotencyKey ?? newIdempotencyKey();
  }
  const attempts = req.method === 'GET' ? Math.max(1, retryPolicy.attempts) : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await exchange(req, headers)) as T;
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError({ code: 'UNKNOWN', status: 0 });
      // A 401 to a signed-in request ends the session; a disabled account is told why.
      if (err.status === 401 && token) useSession.getState().clear(SESSION_END_NOTICES.has(err.code) ? err.code : undefined);
      const retryable = err.code === 'NETWORK' || err.code === 'TIMEOUT' || RETRY_STATUSES.has(err.status);
      // Offline, backing off cannot help: the failure is reported at once (the page offers a
      // retry, and react-query refetches on reconnect).
      const offline = err.isNetwork && !onlineManager.isOnline();
      if (!retryable || offline || attempt >= attempts) throw err;
      await sleep(retryPolicy.baseDelayMs * 2 ** (attempt - 1), req.signal);
    }
  }
}

export interface RequestOptions {
  /** Reuse a key for a user intent that may be sent again (submitting an order). */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** The typed API client: `request('getProduct', { params: { id } })`. */
export function request<N extends RouteName>(
  name: N,
  input?: Partial<RouteInput<N>>,
  opts?: RequestOptions,
): Promise<RouteOutput<N>> {
  const route = routeTable[name];
  let path: string;
  try {
    path = fillPath(route.path, input?.params as Record<string, unknown> | undefined);
  } catch (e) {
    return Promise.reject(e);
  }
  return rawRequest<RouteOutput<N>>({
    method: route.method,
    path,
    query: input?.query as Record<string, unknown> | undefined,
    body: input?.body,
    idempotencyKey: opts?.idempotencyKey,
    signal: opts?.signal,
    idempotent: route.idempotency !== 'none',
  });
}
