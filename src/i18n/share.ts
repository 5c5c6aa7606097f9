/**
 * UI strings of share posters (src/components/poster; Simplified Chinese). src/i18n/messages.ts
 * spreads this into the one catalog.
 */
export const shareMessages = {
  'share.posterTitle': '分享海报',
  'share.posterAlt': '{title}的分享海报',
  'share.sharer': '{name} 向你推荐',
  'share.scanHint': '长按识别或扫码查看',
  'share.save': '保存到相册',
  'share.close': '关闭',
  'share.drawing': '海报生成中…',
  'share.failed': '海报生成失败',
  'share.retry': '重试',
  'share.saved': '已保存到相册',
  'share.saveFailed': '保存失败，请稍后再试',
  'share.authTitle': '需要相册权限',
  'share.authContent': '保存海报需要授权访问相册，请在设置中打开“保存到相册”权限',
  'share.authConfirm': '去设置',
  'share.h5Hint': '长按图片保存到相册，或点击下载',
  'share.download': '下载海报',
  // the share sheet of a product (pages/product): a card to a chat, a link (H5), a poster
  'share.button': '分享',
  'share.sheetTitle': '分享给好友',
  'share.sendToChat': '发送给好友',
  'share.copyLink': '复制链接',
  'share.linkCopied': '链接已复制，粘贴发送给好友',
  'share.copyFailed': '复制失败，请长按地址栏复制',
  'share.makePoster': '生成海报',
  'share.preparing': '正在准备分享…',
  'share.loginForPoster': '登录后可生成分享海报',
  'share.anonymous': '好友',
  // WeChat's timeline opens a product page in single-page mode: nothing can be bought there
  'share.timelineHint': '点击下方「前往小程序」即可购买',
  // a promoter's estimated commission near the price (pages/product)
  'estimate.earn': '预估赚 {amount}',
  'estimate.earnRange': '预估赚 {min}-{max}',
  'estimate.note': '按当前价格与佣金规则估算，以实际成交为准',
} as const;
