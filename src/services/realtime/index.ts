export { realtimeClient, useMerchantTopic, useRealtimeLive, useRealtimeStatus, wireRealtime } from './service';
export { merchantTopic, onMerchantOrderPaid } from './merchant';
export type { RealtimeStatus } from './client';
