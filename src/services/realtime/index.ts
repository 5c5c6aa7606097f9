export { realtimeClient, useRealtimeLive, useRealtimeStatus, wireRealtime } from './service';
export type { RealtimeStatus } from './client';
