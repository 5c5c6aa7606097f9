import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config';

/** What every job run gets: the process's configuration and log, and whatever its owner's jobs need. */
export interface JobBase {
  config: Config;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
}

/**
 * A scheduled job, declared by the module (or infrastructure part) that owns the work, as routes
 * are; the app assembles them (server/compose.ts). Every one is idempotent and safe on several
 * nodes at once (guarded updates, leased outbox deliveries).
 */
export interface JobDef<D = JobBase> {
  name: string;
  intervalMs: number;
  /** Returns a count of what it did (logged when non-zero). */
  run(deps: D, now: number): Promise<number>;
}

/** A job of an owner whose context is taken from the app's (the app maps its context onto the owner's). */
export function mapJob<D, E>(job: JobDef<E>, from: (deps: D) => E): JobDef<D> {
  return { name: job.name, intervalMs: job.intervalMs, run: (deps, now) => job.run(from(deps), now) };
}

export interface Jobs {
  stop(): Promise<void>;
}

/**
 * Runs each job at start and then on its own interval timer (intervalMs × JOB_INTERVAL_SCALE). A run never overlaps the previous run of the same
 * job (a slow run delays the next tick instead); errors are logged, never thrown. stop()
 * clears the timers and waits for runs in flight.
 */
export function startJobs<D extends JobBase>(deps: D, jobs: readonly JobDef<D>[]): Jobs {
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
