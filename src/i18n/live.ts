/**
 * UI strings of the live rooms as a viewer sees them (pages/live: the list and the room),
 * Simplified Chinese. Like the legal texts they live beside the one catalog but apart from it:
 * only the live subpackage imports this file, so its text stays out of the main package. The
 * home page's small 直播 entry uses the main catalog's `live.entry*` keys; the LIVE_* error
 * codes' messages are the main catalog's too (errorMessage).
 */
export const liveMessages = {
  'list.title': '直播',
  'list.empty': '暂时没有直播，晚点再来看看',
  'list.emptyAction': '去逛逛',
  'list.onAir': '直播中',
  'list.paused': '主播暂离',
  'list.upcoming': '预告',
  'list.startsAt': '{time} 开播',
  'list.viewers': '{n} 人在看',
  'room.title': '直播间',
  'room.missing': '直播不存在或已下线',
  'room.viewers': '{n} 人在看',
  'room.likes': '{n} 赞',
  'room.like': '点赞',
  'room.share': '分享',
  'room.goods': '商品',
  'room.goodsCount': '商品 {n}',
  'room.close': '关闭',
  'room.countdownTitle': '距离开播还有',
  'room.startsAt': '{time} 开播',
  'room.startingSoon': '马上开播，请稍候',
  'room.days': '天',
  'room.hours': '时',
  'room.minutes': '分',
  'room.seconds': '秒',
  'room.paused': '主播暂时离开，马上回来',
  'room.ended': '直播已结束',
  'room.endedHint': '本场商品仍可查看',
  'room.cancelled': '直播已取消',
  'room.unmute': '点击开启声音',
  'room.videoFailed': '视频加载失败，点击重试',
  'room.bought': '{buyer} 刚刚买了 {title}',
  'room.boughtMany': '{buyer} 刚刚买了 {title} ×{n}',
  'pin.badge': '讲解中',
  'pin.left': '剩 {n} 件',
  'pin.soldOut': '已抢光',
  'pin.buy': '马上抢',
  'pin.close': '收起讲解商品',
  'line.buy': '抢购',
  'line.soldOut': '已抢光',
  'line.limitReached': '已达限购',
  'line.left': '剩 {n} 件',
  'line.notOnSale': '开播后可抢',
  'line.ended': '直播已结束',
  'drawer.title': '本场商品',
  'drawer.empty': '本场还没有商品',
  'buy.title': '选择规格',
  'buy.limit': '每人限购 {limit} 件，还可买 {n} 件',
  'buy.quantity': '数量',
  'buy.confirm': '立即购买',
  'buy.busy': '太火爆了，请稍后再试',
  'buy.retry': '再试一次',
  'count.wan': '{n}万',
} as const;

export type LiveMessageKey = keyof typeof liveMessages;

/** A count as the rooms show it: 9999, then 1.2万. */
export function countText(n: number): string {
  if (n < 10_000) return String(n);
  const wan = Math.floor(n / 1000) / 10;
  return lt('count.wan', { n: wan % 1 === 0 ? wan.toFixed(0) : wan.toFixed(1) });
}

/** The live catalog's string for key, with `{name}` placeholders filled from params. */
export function lt(key: LiveMessageKey, params?: Record<string, string | number>): string {
  const template: string = liveMessages[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
