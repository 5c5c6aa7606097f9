import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import { closeExpiredOrders } from '../modules/order/service';
import type { Config } from './config';
import { purgeIdempotencyKeys } from './idempotency';

export { closeExpiredOrders };

export interface JobDeps {
  db: Kysely<Database>;
  config: Config;
  log: Pick<FastifyBaseLogger, 'info' | 'error'>;
}

export interface JobDef {
  name: string;
  intervalMs: number;
  /** Returns a count of what it did (logged when non-zero). */
  run(deps: JobDeps, now: number): Promise<number>;
}

/** The scheduled jobs. Exported functions so tests call them directly. */
export const JOBS: readonly JobDef[] = [
  {
    name: 'close-expired-orders',
    intervalMs: 5_000,
    run: ({ db }, now) => closeExpiredOrders(db, now),
  },
  {
    // Stored answers are kept for a day (IDEMPOTENCY_RETENTION_MS): longer than any client retries.
    name: 'purge-idempotency-keys',
    intervalMs: 15 * 60_000,
    run: ({ db }, now) => purgeIdempotencyKeys(db, now),
  },
];

export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Runs each job at start and then on its own interval timer. A run never overlaps the previous run of the same
 * job (a slow run delays the next tick instead); errors are logged, never thrown. stop()
 * clears the timers and waits for runs in flight.
 */
export function startJobs(deps: JobDeps, jobs: readonly JobDef[] = JOBS): Jobs {
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<void>>();

  for (const job of jobs) {
    let running = false;
    const tick = () => {
      if (stopped || running) return;
      running = true;
      const run = (async () => {
        try {
          const count = await job.run(deps, Date.now());
          if (count > 0) deps.log.info({ job: job.name, count }, 'job run');
        } catch (err) {
          deps.log.error({ err, job: job.name }, 'job failed');
        } finally {
          running = false;
        }
      })();
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    };
    // First run right away (orders that expired while the process was down), then on the interval.
    tick();
    const timer = setInterval(tick, job.intervalMs);
    timer.unref();
    timers.push(timer);
  }

  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.all([...inFlight]);
    },
  };
}
