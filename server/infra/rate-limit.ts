/**
 * A fixed-window counter per key, in this process's memory: e.g. the referral visits route's limit per
 * device and per IP address. Kept in memory on purpose: it runs before the token is looked at,
 * and nothing about a request with a made-up token may reach the database (decision 0028).
 * Behind several API nodes each node counts its own share.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, { started: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** Keys kept at most; past it, windows that ended are dropped (and, if still full, the oldest). */
    private readonly maxKeys = 50_000,
  ) {}

  /** Counts one hit for `key`: true while within the limit, false when over it. */
  hit(key: string, now = Date.now()): boolean {
    const w = this.windows.get(key);
    if (!w || w.started + this.windowMs <= now) {
      if (this.windows.size >= this.maxKeys) this.prune(now);
      this.windows.set(key, { started: now, count: 1 });
      return true;
    }
    w.count += 1;
    return w.count <= this.limit;
  }

  /** Seconds until `key`'s window ends. */
  retryAfterSeconds(key: string, now = Date.now()): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.started + this.windowMs - now) / 1000)) : 1;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.started + this.windowMs <= now) this.windows.delete(key);
    while (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (oldest.done) break;
      this.windows.delete(oldest.value);
    }
  }
}
