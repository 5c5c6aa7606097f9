import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import { refundEndedOrder } from '../modules/order/consumer';
import { closeExpiredOrders } from '../modules/order/service';
import type { PaymentDeps } from '../modules/payment/deps';
import { refundDepsOf } from '../modules/payment/deps';
import { retryRefunds } from '../modules/payment/refunds';
import { expirePayments, reconcilePayments } from '../modules/payment/service';
import { buildPaymentDeps } from '../modules/payment/setup';
import type { Config } from './config';
import { purgeIdempotencyKeys } from './idempotency';
import { boundOutbox } from '../events/emit';
import { pruneMessages } from '../realtime';

export { closeExpiredOrders };

export interface JobDeps {
  db: Kysely<Database>;
  config: Config;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** The payment core's dependencies (the app's, so jobs and requests share one channel registry and outbox); built from db/config when absent. */
  payments?: PaymentDeps;
}

export interface JobDef {
  name: string;
  intervalMs: number;
  /** Returns a count of what it did (logged when non-zero). */
  run(deps: JobDeps, now: number): Promise<number>;
}

const built = new WeakMap<JobDeps, PaymentDeps>();
/** The payment dependencies of a job run: the ones given, or built once per JobDeps object. */
export function paymentDepsOf(deps: JobDeps): PaymentDeps {
  if (deps.payments) return deps.payments;
  let p = built.get(deps);
  if (!p) {
    // The outbox the app bound to this database, when there is one: one set of sinks per database.
    p = buildPaymentDeps({ db: deps.db, config: deps.config, log: deps.log, outbox: boundOutbox(deps.db) });
    built.set(deps, p);
  }
  return p;
}

/**
 * The scheduled jobs. Exported functions so tests call them directly. Every one is idempotent
 * and safe on several nodes at once (guarded updates, leased outbox deliveries).
 */
export const JOBS: readonly JobDef[] = [
  {
    // Partly paid children that close get their paid parts refunded.
    name: 'close-expired-orders',
    intervalMs: 5_000,
    run: (deps, now) => closeExpiredOrders(deps.db, now, 100, refundEndedOrder(paymentDepsOf(deps))),
  },
  {
    // paying past its deadline -> closing (expired); reconciliation asks the channel before releasing.
    name: 'expire-payments',
    intervalMs: 5_000,
    run: (deps, now) => expirePayments(paymentDepsOf(deps), now),
  },
  {
    // closing payments, and paying ones older than a minute whose next check is due: ask the channel.
    name: 'reconcile-payments',
    intervalMs: 10_000,
    run: (deps, now) => reconcilePayments(paymentDepsOf(deps), now),
  },
  {
    // Deliveries due for a retry (new events are kicked right after their commit).
    name: 'outbox-relay',
    intervalMs: 1_000,
    run: async (deps, now) => {
      const r = await paymentDepsOf(deps).outbox.relayOnce(now);
      return r.delivered + r.dead;
    },
  },
  {
    name: 'retry-refunds',
    intervalMs: 10_000,
    run: (deps, now) => retryRefunds(refundDepsOf(paymentDepsOf(deps)), now),
  },
  {
    // Stored answers are kept for a day (IDEMPOTENCY_RETENTION_MS): longer than any client retries.
    name: 'purge-idempotency-keys',
    intervalMs: 15 * 60_000,
    run: ({ db }, now) => purgeIdempotencyKeys(db, now),
  },
  {
    // Realtime messages are kept a week for replay (server/realtime/store.ts).
    name: 'prune-realtime-messages',
    intervalMs: 60 * 60_000,
    run: ({ db }, now) => pruneMessages(db, now),
  },
];

export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Runs each job at start and then on its own interval timer (intervalMs × JOB_INTERVAL_SCALE). A run never overlaps the previous run of the same
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
    const timer = setInterval(tick, Math.max(1, Math.round(job.intervalMs * deps.config.jobIntervalScale)));
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
