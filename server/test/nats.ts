import { randomBytes } from 'node:crypto';
import { createServer, connect as tcpConnect, type Socket } from 'node:net';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { NatsConfig } from '../infra/nats-config';

/**
 * The local NATS server with JetStream for the broker sink's tests: TEST_NATS_URL
 * (default nats://127.0.0.1:4222). The tests run unless TEST_NATS=off, like the PostgreSQL
 * tests run wherever `npm test` runs: a machine without NATS fails them rather than skipping
 * them unnoticed.
 */
export const TEST_NATS_URL = process.env.TEST_NATS_URL?.trim() || 'nats://127.0.0.1:4222';

export const natsTestsOn = process.env.TEST_NATS !== 'off';

/** describe() for tests that need the local NATS server; skipped only with TEST_NATS=off. */
export const describeNats: jest.Describe = natsTestsOn ? describe : describe.skip;

const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
let streams = 0;

/**
 * A broker sink configuration with a stream and a subject prefix of their own (unique per test
 * run and call: streams may not share subjects, and runs must not see each other's messages).
 */
export function testNatsConfig(overrides: Partial<NatsConfig> = {}): NatsConfig {
  streams += 1;
  return {
    servers: [TEST_NATS_URL],
    user: null,
    pass: null,
    token: null,
    stream: `TEST_${RUN}_${streams}`,
    subjectPrefix: `test.${RUN}.s${streams}`,
    duplicateWindowMs: 120_000,
    ...overrides,
  };
}

/** A plain connection for the test's own checks, and removal of the streams a test made. */
export async function natsAdmin(): Promise<{ nc: NatsConnection; deleteStreams(names: string[]): Promise<void>; close(): Promise<void> }> {
  const nc = await connect({ servers: TEST_NATS_URL, name: 'shop-test-admin' });
  return {
    nc,
    async deleteStreams(names) {
      const jsm = await jetstreamManager(nc);
      for (const name of names) await jsm.streams.delete(name).catch(() => undefined);
    },
    close: () => nc.close(),
  };
}

export interface ReadMessage {
  msgId: string | null;
  subject: string;
  body: Record<string, unknown>;
}

/**
 * Reads what a subscriber of the stream gets: a durable pull consumer with explicit acks,
 * every message from the start, each handed to `handle` and acknowledged, until none is left
 * for it.
 */
export async function consumeAll(nc: NatsConnection, stream: string, durable: string, handle: (m: ReadMessage) => void = () => undefined): Promise<ReadMessage[]> {
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
  const consumer = await jetstream(nc).consumers.get(stream, durable);
  const got: ReadMessage[] = [];
  let left = (await consumer.info()).num_pending;
  while (left > 0) {
    const batch = await consumer.fetch({ max_messages: left, expires: 5000 });
    let n = 0;
    for await (const m of batch as AsyncIterable<JsMsg>) {
      n += 1;
      const read = { msgId: m.headers?.get('Nats-Msg-Id') || null, subject: m.subject, body: m.json<Record<string, unknown>>() };
      handle(read);
      got.push(read);
      m.ack();
      left = m.info.pending;
    }
    if (n === 0) throw new Error(`consumer ${durable} of ${stream}: ${left} messages pending but none came`);
  }
  return got;
}

/** A TCP relay from a loopback port to the test NATS server: "NATS" comes and goes with it. */
export async function natsProxy(port: number): Promise<{ close(): Promise<void> }> {
  const target = new URL(TEST_NATS_URL);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = tcpConnect(Number(target.port || 4222), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        server.close(() => resolve());
      }),
  };
}
