/**
 * The live module's public surface (docs/live.md): live sessions, their lifecycle and lineup,
 * the host's and the viewers' routes, and the volatile pushes the order path calls after its
 * commits.
 */
export { liveModule, type LiveDeps } from './routes';
export { actSession, createSession, pinProduct } from './sessions';
export { liveBought, liveLinesChanged, type BoughtNotice, type LivePushes } from './pushes';
export { liveSessionMachine } from './machine';
export { liveSessionMerchant } from './reads';
export { liveGoodsPath, type WechatLiveGood, type WechatLiveGoods } from './wechat';
export type { LiveTables } from './tables';
export { liveAfterCommit, livePricing, liveSkusOf, payLiveOrder, retakeLiveOrder, returnLiveOrder, takeLiveLines, type LivePricing, type LivePriceLine, type LiveRetake, type LiveReturn, type LiveTake, type LiveTakeLine } from './flash';
export { bindLiveAdmission, createLiveAdmission, LIVE_RESTOCKED_SUBJECT, LIVE_SOLD_OUT_SUBJECT, type LiveAdmission, type LiveAdmissionSettings } from './flash-admission';

export const TABLES = ['live_sessions', 'live_lines', 'live_purchases', 'live_order_lines', 'live_events'] as const;
