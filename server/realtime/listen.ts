import pg from 'pg';

export interface ListenLog {
  warn(obj: object, msg: string): void;
}

/** One LISTEN connection of a node's own (the realtime bus's, the volatile channel's). */
export interface PgListener {
  /** The connection while it is up (null while it reconnects or after stop). */
  client(): pg.Client | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * LISTEN on `channel` through a connection of its own, reconnected with backoff (reconnectMs,
 * doubling up to 30 s) after it is lost; `onResync` after a reconnect, since what was notified
 * while it was down is gone. `name` goes into the log lines.
 */
export function pgListener(options: {
  connectionString: string;
  channel: string;
  name: string;
  log: ListenLog;
  reconnectMs?: number;
  onPayload(payload: string): void;
  onResync(): void;
}): PgListener {
  const { channel, name, log } = options;
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: options.connectionString });
    c.on('notification', (msg) => {
      if (msg.channel === channel && msg.payload) options.onPayload(msg.payload);
    });
    c.on('error', (err) => {
      log.warn({ err: err.message }, `${name}: connection lost; reconnecting`);
      void c.end().catch(() => undefined);
      if (client === c) {
        client = null;
        schedule();
      }
    });
    await c.connect();
    await c.query(`LISTEN "${channel}"`);
    if (stopped) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    if (failures > 0) options.onResync();
    failures = 0;
  }

  function schedule(): void {
    if (stopped || retry) return;
    failures += 1;
    const delay = Math.min(30_000, (options.reconnectMs ?? 500) * 2 ** Math.min(failures - 1, 6));
    retry = setTimeout(() => {
      retry = null;
      connect().catch((err: unknown) => {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, `${name}: cannot connect; retrying`);
        schedule();
      });
    }, delay);
    retry.unref();
  }

  return {
    client: () => client,
    async start() {
      stopped = false;
      await connect();
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      retry = null;
      const c = client;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
