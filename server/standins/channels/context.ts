import type { FaultController } from './faults';
import { Notifier, compressSchedule } from './notifier';

/**
 * What every channel's gateway stand-in gets: the shared fault controller, the time scale that
 * compresses the channel's retry schedule (0.001: a 15 s retry after 15 ms), a clock, a log and
 * the base URL it is served under (for the hosted confirmation pages it links to).
 *
 * Each gateway registers its routes under /sandbox/<channel>/ and keeps its trades in memory:
 * it stands in for the channel, which outlives our API process; run the gateways in their own
 * process (server/standins/channels/main.ts) when the API is to be killed and restarted.
 */
export interface StandInContext {
  faults: FaultController;
  timeScale: number;
  now(): number;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Base URL the stand-ins are reachable at (e.g. http://127.0.0.1:3000); read at call time. */
  baseUrl(): string;
  /** A notifier with the channel's published retry schedule (seconds), compressed by timeScale. */
  notifier(scheduleSeconds: readonly number[]): Notifier;
}

export function createStandInContext(options: {
  faults: FaultController;
  timeScale: number;
  baseUrl: () => string;
  log: StandInContext['log'];
  now?: () => number;
}): StandInContext & { stop(): void; notifiers: Notifier[] } {
  const notifiers: Notifier[] = [];
  return {
    faults: options.faults,
    timeScale: options.timeScale,
    now: options.now ?? Date.now,
    log: options.log,
    baseUrl: options.baseUrl,
    notifiers,
    notifier(scheduleSeconds) {
      const n = new Notifier({ faults: options.faults, schedule: compressSchedule(scheduleSeconds, options.timeScale), log: options.log });
      notifiers.push(n);
      return n;
    },
    stop() {
      for (const n of notifiers) n.stop();
    },
  };
}
