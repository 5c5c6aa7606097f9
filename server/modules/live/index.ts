/** The live module's public surface (docs/live.md): live sessions, their lineup and flash stock. */
export type { LiveTables } from './tables';
export { liveAfterCommit, livePricing, liveSkusOf, payLiveOrder, retakeLiveOrder, returnLiveOrder, takeLiveLines, type LivePricing, type LivePriceLine, type LiveRetake, type LiveReturn, type LiveTake, type LiveTakeLine } from './flash';
export { bindLiveAdmission, createLiveAdmission, LIVE_RESTOCKED_SUBJECT, LIVE_SOLD_OUT_SUBJECT, type LiveAdmission, type LiveAdmissionSettings } from './flash-admission';

export const TABLES = ['live_sessions', 'live_lines', 'live_purchases', 'live_order_lines', 'live_events'] as const;
