import { randomUUID } from 'node:crypto';
import { routes, type RouteInput, type RouteName, type RouteOutput } from '@contract/routes';

export class ApiCallError extends Error {
  constructor(
    readonly route: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${route} answered ${status}: ${JSON.stringify(body)}`);
  }
}

export interface CallOptions {
  token?: string;
  idempotencyKey?: string;
}

/**
 * A small typed client for cross-checks from the test process: method and path come from
 * the contract's route table, so a route that moves breaks here at compile time.
 */
export function apiClient(baseUrl: string) {
  async function call<N extends RouteName>(name: N, input: Partial<RouteInput<N>> = {}, opts: CallOptions = {}): Promise<RouteOutput<N>> {
    const def = routes[name];
    const params = (input.params ?? {}) as Record<string, string>;
    let url = def.path.replace(/:(\w+)/g, (_, key: string) => {
      const value = params[key];
      if (value === undefined) throw new Error(`${name}: missing path parameter ${key}`);
      return encodeURIComponent(value);
    });
    const query = input.query as Record<string, string | number | undefined> | undefined;
    if (query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.set(k, String(v));
      if ([...qs].length) url += `?${qs}`;
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (def.method !== 'GET') headers['idempotency-key'] = opts.idempotencyKey ?? `e2e-${randomUUID()}`;
    let body: string | undefined;
    if (input.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(input.body);
    }
    const res = await fetch(baseUrl + url, { method: def.method, headers, body, signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ApiCallError(name, res.status, parsed);
    return parsed as RouteOutput<N>;
  }

  /** GET a non-contract path (sandbox helpers) and parse the JSON answer. */
  async function getJson(pathAndQuery: string): Promise<{ status: number; body: unknown }> {
    const res = await fetch(baseUrl + pathAndQuery, { signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body };
  }

  return { call, getJson, baseUrl };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Finds a six-digit one-time code in the sandbox SMS answer, whatever its exact shape. */
export function extractOtp(body: unknown): string | null {
  if (typeof body === 'string') return /\b(\d{6})\b/.exec(body)?.[1] ?? null;
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['code', 'otp']) {
      const v = record[key];
      if (typeof v === 'string' && /^\d{6}$/.test(v)) return v;
    }
    for (const v of Object.values(record)) {
      const found = extractOtp(v);
      if (found) return found;
    }
  }
  return null;
}

/** Waits until the sandbox SMS box holds a code for the phone (optionally a different one than before). */
export async function waitForOtp(api: ApiClient, phone: string, notEqual?: string | null, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    const { status, body } = await api.getJson(`/sandbox/sms/latest?phone=${encodeURIComponent(phone)}`);
    last = { status, body };
    if (status === 200) {
      const code = extractOtp(body);
      if (code && code !== notEqual) return code;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no one-time code for ${phone} in the SMS sandbox (last answer ${JSON.stringify(last)})`);
}

/** Logs a phone in purely through the API (for set-up and cross-checks, not the UI flow). */
export async function loginByApi(api: ApiClient, phone: string): Promise<string> {
  await api.call('requestOtp', { body: { phone } });
  const code = await waitForOtp(api, phone);
  const session = await api.call('loginPhone', { body: { phone, code } });
  return session.token;
}

/**
 * Polls `read` until `done(value)` holds (or the time is up) and returns the last value, so
 * the caller asserts on what it saw: waits on a condition, not on a fixed time.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}
