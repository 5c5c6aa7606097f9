export { followTopic, realtimeClient, useLiveBoardTopic, useMerchantTopic, useRealtimeLive, useRealtimeStatus, wireRealtime } from './service';
export { merchantTopic, onMerchantOrdersPaid } from './merchant';
export type { RealtimeStatus } from './client';
export { liveTopic } from './protocol';
export { liveBoardTopic, onLiveEvent } from './live';
