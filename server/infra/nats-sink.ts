import { jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { NatsConfig } from './nats-config';
import { backoffDelay, OUTBOX_DEFAULTS, type OutboxEvent, type OutboxLog, type Sink } from './outbox';

/**
 * The outbox's broker sink: publishes every event to a NATS JetStream stream, on the subject
 * `<prefix>.<event type>`, with the event id as the message id (Nats-Msg-Id), so the stream's
 * duplicate window stores a republished event once. deliver() resolves only on the stream's
 * publish ack and throws on anything else, so the relay retries with its backoff.
 *
 * The connection is made on the first delivery (never at start-up: the outbox keeps events while
 * the broker is away), reconnects by itself, and is closed by stop(). The stream is created, or
 * its subjects and duplicate window brought in line, once per connection before the first
 * publish (idempotent: any number of nodes may do it). docs/outbox.md.
 */

export const NATS_SINK_NAME = 'nats';

export interface NatsSinkOptions {
  log: OutboxLog;
  /** Sink name stored per delivery: keep it stable. Default 'nats'. */
  name?: string;
  /** How long deliver() waits for the stream's ack. Default 10 s (below the relay's 30 s lease). */
  publishTimeoutMs?: number;
  /** How long one connection attempt may take. Default 5 s. */
  connectTimeoutMs?: number;
  /** Pause between reconnection attempts; a failed first connection is not retried before it. Default 2 s. */
  reconnectTimeWaitMs?: number;
  /** The stream's max age when this sink creates it (an existing stream keeps its own). Default 7 days. */
  maxAgeMs?: number;
}

export interface NatsSink extends Sink {
  /** Waits for deliveries in flight, then closes the connection; deliver() throws afterwards. */
  stop(): Promise<void>;
}

export const NATS_SINK_DEFAULTS = {
  publishTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  reconnectTimeWaitMs: 2_000,
  maxAgeMs: 7 * 24 * 3600_000,
} as const;

/** Subject tokens an event type may have (it becomes the tail of the subject). */
const TYPE_TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * The longest time between an event's first publication and the relay's last republication of
 * it without an operator: every backoff delay before the last attempt at its longest (no
 * jitter), one publish timeout per attempt, and one lease (a relay that dies after the ack
 * leaves the row leased until the lease runs out). The duplicate window should be longer.
 */
export function relayRetrySpanMs(
  outbox: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number; leaseMs?: number } = {},
  publishTimeoutMs: number = NATS_SINK_DEFAULTS.publishTimeoutMs,
): number {
  const maxAttempts = outbox.maxAttempts ?? OUTBOX_DEFAULTS.maxAttempts;
  const base = outbox.baseDelayMs ?? OUTBOX_DEFAULTS.baseDelayMs;
  const max = outbox.maxDelayMs ?? OUTBOX_DEFAULTS.maxDelayMs;
  let span = (outbox.leaseMs ?? OUTBOX_DEFAULTS.leaseMs) + maxAttempts * publishTimeoutMs;
  for (let attempt = 1; attempt < maxAttempts; attempt++) span += backoffDelay(attempt, base, max, () => 0);
  return span;
}

/** The body published for an event: the event itself, as JSON (with its payload version when events carry one). */
export function natsEventBody(event: OutboxEvent): string {
  const version = 'version' in event ? { version: event.version } : {};
  return JSON.stringify({ id: event.id, type: event.type, ...version, aggregateId: event.aggregateId, payload: event.payload, createdAt: event.createdAt });
}

export function natsSubject(prefix: string, type: string): string {
  if (!type.split('.').every((t) => TYPE_TOKEN.test(t))) throw new Error(`nats: event type "${type}" cannot be a subject (dot-separated letters, digits, "-" or "_")`);
  return `${prefix}.${type}`;
}

interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Set once the stream is known to be in shape on this connection; reset when a publish fails. */
  streamReady: Promise<void> | null;
}

export function natsSink(config: NatsConfig, options: NatsSinkOptions): NatsSink {
  const { log } = options;
  const name = options.name ?? NATS_SINK_NAME;
  const publishTimeoutMs = options.publishTimeoutMs ?? NATS_SINK_DEFAULTS.publishTimeoutMs;
  const connectTimeoutMs = options.connectTimeoutMs ?? NATS_SINK_DEFAULTS.connectTimeoutMs;
  const reconnectTimeWaitMs = options.reconnectTimeWaitMs ?? NATS_SINK_DEFAULTS.reconnectTimeWaitMs;
  const maxAgeMs = options.maxAgeMs ?? NATS_SINK_DEFAULTS.maxAgeMs;
  const streamSubjects = `${config.subjectPrefix}.>`;
  const where = { sink: name, servers: config.servers, stream: config.stream };

  let connecting: Promise<Connected> | null = null;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  function watch(nc: NatsConnection, self: Promise<Connected>): void {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') log.warn({ ...where, server: s.server }, 'nats: disconnected; reconnecting');
        else if (s.type === 'reconnect') log.info({ ...where, server: s.server }, 'nats: reconnected');
        else if (s.type === 'error') log.warn({ ...where, error: String(s.error) }, 'nats: server error');
      }
    })().catch(() => undefined);
    // A connection that ends for good is forgotten, so the next delivery makes a new one.
    void nc.closed().then(() => {
      if (connecting === self) connecting = null;
    });
  }

  async function open(): Promise<Connected> {
    const nc = await connect({
      servers: config.servers,
      user: config.user ?? undefined,
      pass: config.pass ?? undefined,
      token: config.token ?? undefined,
      name: `shop-outbox-${name}`,
      timeout: connectTimeoutMs,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: reconnectTimeWaitMs,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: publishTimeoutMs });
      return { nc, js: jetstream(nc, { timeout: publishTimeoutMs }), jsm, streamReady: null };
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
  }

  function connection(): Promise<Connected> {
    if (connecting) return connecting;
    const attempt = open();
    connecting = attempt;
    attempt.then(
      (c) => {
        log.info({ ...where, server: c.nc.getServer() }, 'nats: connected');
        watch(c.nc, attempt);
      },
      () => {
        // Deliveries until the pause is over fail with this same error, without a new attempt
        // each (a batch of deliveries while the broker is down fails at once).
        setTimeout(() => {
          if (connecting === attempt) connecting = null;
        }, reconnectTimeWaitMs).unref();
      },
    );
    return attempt;
  }

  /** Creates the stream, or adds our subjects and sets the duplicate window on the existing one. */
  async function ensureStream(jsm: JetStreamManager): Promise<void> {
    const duplicateWindow = nanos(config.duplicateWindowMs);
    for (let tries = 0; ; tries++) {
      let current: StreamConfig | null = null;
      try {
        current = (await jsm.streams.info(config.stream)).config;
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
      }
      if (current) {
        const subjects = current.subjects ?? [];
        const hasSubjects = subjects.includes(streamSubjects);
        if (hasSubjects && current.duplicate_window === duplicateWindow) return;
        await jsm.streams.update(config.stream, { ...current, subjects: hasSubjects ? subjects : [...subjects, streamSubjects], duplicate_window: duplicateWindow });
        log.info({ ...where, duplicateWindowMs: config.duplicateWindowMs }, 'nats: stream updated');
        return;
      }
      try {
        await jsm.streams.add({ name: config.stream, subjects: [streamSubjects], duplicate_window: duplicateWindow, max_age: nanos(Math.max(maxAgeMs, config.duplicateWindowMs)) });
        log.info({ ...where, duplicateWindowMs: config.duplicateWindowMs }, 'nats: stream created');
        return;
      } catch (err) {
        // Another node created it in between: read it again once.
        if (tries >= 1) throw err;
      }
    }
  }

  async function publish(event: OutboxEvent): Promise<void> {
    const subject = natsSubject(config.subjectPrefix, event.type);
    const c = await connection();
    if (!c.streamReady) {
      const ready = ensureStream(c.jsm);
      c.streamReady = ready;
      ready.catch(() => {
        if (c.streamReady === ready) c.streamReady = null;
      });
    }
    await c.streamReady;
    try {
      const ack = await c.js.publish(subject, natsEventBody(event), { msgID: event.id, expect: { streamName: config.stream }, timeout: publishTimeoutMs });
      if (ack.duplicate) log.info({ ...where, eventId: event.id, seq: ack.seq }, 'nats: event already in the stream (a republication inside the duplicate window)');
    } catch (err) {
      // The stream may be gone or changed: check it again before the next publish.
      c.streamReady = null;
      throw err;
    }
  }

  return {
    name,
    accepts: () => true,
    async deliver(event) {
      if (stopped) throw new Error('nats: the sink is stopped');
      const delivery = publish(event);
      const tracked = delivery.catch(() => undefined);
      inFlight.add(tracked);
      try {
        await delivery;
      } finally {
        inFlight.delete(tracked);
      }
    },
    async stop() {
      stopped = true;
      await Promise.all([...inFlight]);
      const current = connecting;
      connecting = null;
      const c = await current?.catch(() => null);
      if (c && !c.nc.isClosed()) await c.nc.close().catch(() => undefined);
    },
  };
}

/**
 * What the app wires into its outbox: the broker sink when NATS is configured (config.nats from
 * NATS_URL), none otherwise, and the stop to run when the app closes (after the outbox's stop).
 */
export function natsOutboxSinks(config: NatsConfig | null, log: OutboxLog, options: Omit<NatsSinkOptions, 'log'> = {}): { sinks: Sink[]; stop(): Promise<void> } {
  if (!config) return { sinks: [], stop: async () => undefined };
  const span = relayRetrySpanMs({}, options.publishTimeoutMs);
  if (config.duplicateWindowMs < span) {
    log.warn(
      { stream: config.stream, duplicateWindowMs: config.duplicateWindowMs, relayRetrySpanMs: span },
      'nats: the duplicate window is shorter than the relay retry span; a late republication is stored twice (subscribers still deduplicate by event id)',
    );
  }
  const sink = natsSink(config, { ...options, log });
  return { sinks: [sink], stop: () => sink.stop() };
}
