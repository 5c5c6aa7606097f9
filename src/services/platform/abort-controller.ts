/**
 * react-query 5 creates an AbortController for every fetch. Browsers and Node have one; some
 * mini-program hosts do not (Taro's runtime does not provide it either), and a missing global
 * would make every query throw. Install a minimal one where it is missing: `signal.aborted`,
 * `reason`, `onabort`, add/removeEventListener('abort') and `throwIfAborted()`, which is all
 * react-query and the request client use.
 */
type Listener = (event: { type: 'abort' }) => void;

class MiniAbortSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: Listener | null = null;
  private listeners: { fn: Listener; once: boolean }[] = [];

  addEventListener(type: string, fn: Listener, options?: boolean | { once?: boolean }) {
    if (type !== 'abort') return;
    this.listeners.push({ fn, once: typeof options === 'object' && Boolean(options.once) });
  }

  removeEventListener(type: string, fn: Listener) {
    if (type !== 'abort') return;
    this.listeners = this.listeners.filter((l) => l.fn !== fn);
  }

  throwIfAborted() {
    if (this.aborted) throw this.reason;
  }

  /** @internal */
  dispatchAbort(reason: unknown) {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const event = { type: 'abort' as const };
    this.onabort?.(event);
    const current = this.listeners;
    this.listeners = current.filter((l) => !l.once);
    current.forEach((l) => l.fn(event));
  }
}

class MiniAbortController {
  readonly signal = new MiniAbortSignal();

  abort(reason?: unknown) {
    const error = reason ?? Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    this.signal.dispatchAbort(error);
  }
}

function globalObject(): Record<string, unknown> | null {
  if (typeof globalThis !== 'undefined') return globalThis as unknown as Record<string, unknown>;
  if (typeof self !== 'undefined') return self as unknown as Record<string, unknown>;
  if (typeof global !== 'undefined') return global as unknown as Record<string, unknown>;
  return null;
}

export function installAbortController(target: Record<string, unknown> | null = globalObject()): boolean {
  if (!target || typeof target.AbortController === 'function') return false;
  target.AbortController = MiniAbortController;
  target.AbortSignal = MiniAbortSignal;
  return true;
}

export { MiniAbortController };
