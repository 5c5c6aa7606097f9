import type { ActiveFault, FaultController } from './faults';

/**
 * Sends a channel's notifications the way the channel does: POST to the merchant's notify URL,
 * again on the channel's retry schedule (compressed in time) until the merchant answers with
 * the acknowledgement the channel expects, applying the fault rules in force.
 */
export interface NotificationRequest {
  headers: Record<string, string>;
  body: string;
}

export interface BuildOptions {
  /** Sign with a wrong key / broken signature. */
  corruptSignature: boolean;
  /** Report a different amount than the trade's (correctly signed). */
  changeAmount: boolean;
}

export interface OutgoingNotification {
  channel: 'wechatpay' | 'alipay' | 'douyin';
  url: string;
  /** Builds the request for one attempt (a fresh timestamp and nonce each time, as channels do). */
  build(options: BuildOptions): NotificationRequest;
  /** Whether the merchant's answer acknowledges the notification in the channel's terms. */
  isAck(status: number, body: string): boolean;
}

export interface NotifierOptions {
  faults: FaultController;
  /** The channel's retry delays in ms after the first attempt, already compressed. */
  schedule: readonly number[];
  log?: { warn(obj: object, msg: string): void };
  fetchImpl?: typeof fetch;
  /** Per-attempt timeout (the channels give the merchant about 5 s). */
  timeoutMs?: number;
}

export interface DeliveryRecord {
  channel: string;
  url: string;
  attempt: number;
  status: number | null;
  acked: boolean;
  at: number;
}

export class Notifier {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly held = new Map<string, (() => void)[]>();
  private stopped = false;
  /** Every attempt made, newest last (tests and the ops page read it). */
  readonly deliveries: DeliveryRecord[] = [];

  constructor(private readonly opts: NotifierOptions) {}

  send(n: OutgoingNotification): void {
    if (this.stopped) return;
    const faults = this.opts.faults.take(n.channel);
    const has = (mode: ActiveFault['mode']) => faults.find((f) => f.mode === mode);
    // A notification held back by "reorder" goes out after this one (see start below).
    const release = this.held.get(n.channel) ?? [];
    this.held.delete(n.channel);
    if (has('drop')) {
      release.forEach((r) => r());
      return;
    }
    const copies = has('duplicate')?.copies ?? (has('duplicate') ? 5 : 1);
    const start = () => {
      const first: Promise<void>[] = [];
      for (let i = 0; i < copies; i++) first.push(this.attempt(n, 0, { corruptSignature: Boolean(has('corrupt_signature')), changeAmount: Boolean(has('change_amount')) }));
      // A notification held back by "reorder" goes out once this one's first delivery is
      // answered, so it really arrives second (not merely starts second).
      if (release.length > 0) void Promise.allSettled(first).then(() => release.forEach((r) => r()));
    };
    const reorder = has('reorder');
    if (reorder) {
      const queue = this.held.get(n.channel) ?? [];
      queue.push(start);
      this.held.set(n.channel, queue);
      this.later(reorder.delayMs ?? 200, () => {
        const q = this.held.get(n.channel);
        const i = q?.indexOf(start) ?? -1;
        if (q && i >= 0) {
          q.splice(i, 1);
          start();
        }
      });
      return;
    }
    const delay = has('delay');
    if (delay) this.later(delay.delayMs ?? 1000, start);
    else start();
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref?.();
    this.timers.add(timer);
  }

  private attempt(n: OutgoingNotification, index: number, options: BuildOptions): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const run = this.deliver(n, index, options).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
    return run;
  }

  private async deliver(n: OutgoingNotification, index: number, options: BuildOptions): Promise<void> {
    const request = n.build(options);
    let status: number | null = null;
    let acked = false;
    try {
      const res = await (this.opts.fetchImpl ?? fetch)(n.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
      status = res.status;
      acked = n.isAck(res.status, await res.text());
    } catch (err) {
      this.opts.log?.warn({ channel: n.channel, url: n.url, err: (err as Error).message }, 'sandbox notification not delivered');
    }
    this.deliveries.push({ channel: n.channel, url: n.url, attempt: index + 1, status, acked, at: Date.now() });
    if (this.deliveries.length > 10_000) this.deliveries.splice(0, this.deliveries.length - 10_000);
    if (acked || index >= this.opts.schedule.length) return;
    // Retries are genuine: a corrupted or altered first delivery is followed by the real one.
    this.later(this.opts.schedule[index], () => this.attempt(n, index + 1, { corruptSignature: false, changeAmount: false }));
  }

  /** Pending timers plus requests in flight. */
  pending(): number {
    return this.timers.size + this.inFlight.size;
  }

  /** Resolves once nothing is in flight (timers may still be waiting). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.clear();
  }
}

/** A channel's published retry schedule (seconds) compressed by a time scale (e.g. 0.001: 15 s -> 15 ms). */
export function compressSchedule(seconds: readonly number[], timeScale: number): number[] {
  return seconds.map((s) => Math.max(1, Math.round(s * 1000 * timeScale)));
}
