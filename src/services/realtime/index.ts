export { followTopic, realtimeClient, useMerchantTopic, useRealtimeLive, useRealtimeStatus, wireRealtime } from './service';
export { merchantTopic, onMerchantOrdersPaid } from './merchant';
export type { RealtimeStatus } from './client';
export { liveTopic } from './protocol';
export { onLiveEvent } from './live';
