import { createDb } from '../db';
import type { NatsConfig } from './nats-config';
import { natsSink } from './nats-sink';
import { createOutbox, type Sink } from './outbox';

/**
 * A relay process for nats-sink.test.ts: runs outbox passes with the NATS sink over the test's
 * database until nothing is due, then prints its totals. With CRASH_AFTER=n it kills itself
 * with SIGKILL as soon as the n-th publication is acknowledged by the stream: the event is in
 * the stream, its delivery is still pending (leased), and no shutdown code runs.
 *
 * Environment: CHILD_DB (JSON: dialect, databaseUrl, schema, sqlitePath), CHILD_NATS (JSON
 * NatsConfig), LEASE_MS, CRASH_AFTER.
 */
async function main(): Promise<void> {
  const target = JSON.parse(process.env.CHILD_DB ?? '') as { dialect: 'sqlite' | 'postgres'; databaseUrl: string | null; schema: string | null; sqlitePath: string | null };
  const nats = JSON.parse(process.env.CHILD_NATS ?? '') as NatsConfig;
  const crashAfter = Number(process.env.CRASH_AFTER ?? 0);
  const db =
    target.dialect === 'postgres'
      ? createDb({ dialect: 'postgres', databaseUrl: target.databaseUrl, sqlitePath: '' }, { pgSchema: target.schema ?? undefined, poolSize: 2 })
      : createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: target.sqlitePath ?? '', sqliteGroupCommit: false });
  const log = {
    info: () => undefined,
    warn: (obj: object, msg?: string) => process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`),
    error: (obj: object, msg?: string) => process.stderr.write(`${msg ?? ''} ${JSON.stringify(obj)}\n`),
  };
  const inner = natsSink(nats, { log, publishTimeoutMs: 5000, connectTimeoutMs: 2000 });
  let published = 0;
  const sink: Sink = {
    name: inner.name,
    accepts: (type) => inner.accepts(type),
    async deliver(event) {
      await inner.deliver(event);
      published += 1;
      // stdout is a pipe: written synchronously on Linux, so the line is out before the kill.
      process.stdout.write(`${JSON.stringify({ published: event.id })}\n`);
      if (published === crashAfter) process.kill(process.pid, 'SIGKILL');
    },
  };
  // One delivery at a time, so "after the n-th publication" is one well-defined moment.
  const outbox = createOutbox({ db, log, sinks: [sink], concurrency: 1, leaseMs: Number(process.env.LEASE_MS ?? 30_000) });
  const total = { delivered: 0, retried: 0, dead: 0 };
  for (;;) {
    const r = await outbox.relayOnce();
    total.delivered += r.delivered;
    total.retried += r.retried;
    total.dead += r.dead;
    if (r.delivered + r.retried + r.dead === 0) break;
  }
  process.stdout.write(`${JSON.stringify({ total })}\n`);
  await inner.stop();
  await db.destroy();
}

main().catch((err: unknown) => {
  process.stderr.write(`relay child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
