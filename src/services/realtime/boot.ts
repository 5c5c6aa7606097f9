import { wireRealtime } from './service';

/** Mini-programs: the realtime client is wired at launch (their code is in the package anyway). */
export function bootRealtime(): void {
  wireRealtime();
}
