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
} as const;
