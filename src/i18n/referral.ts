/**
 * UI strings of the referral module's pages (Simplified Chinese). src/i18n/messages.ts spreads
 * these into the one catalog. Withdrawals: the `withdraw.` keys (the workbench's review page;
 * the promoter centre's labels of a withdrawal's state and destination).
 */
export const withdrawMessages = {
  'withdraw.reviewTitle': '佣金提现审核',
  'withdraw.tab.requested': '待审核',
  'withdraw.tab.transferring': '打款中',
  'withdraw.tab.succeeded': '已到账',
  'withdraw.tab.rejected': '已驳回',
  'withdraw.tab.failed': '打款失败',
  'withdraw.status.requested': '待审核',
  'withdraw.status.approved': '已通过',
  'withdraw.status.rejected': '已驳回',
  'withdraw.status.transferring': '打款中',
  'withdraw.status.succeeded': '已到账',
  'withdraw.status.failed': '打款失败',
  'withdraw.destination.balance': '提现到余额',
  'withdraw.destination.wechat': '提现到微信零钱',
  'withdraw.destination.alipay': '提现到支付宝',
  'withdraw.promoter': '推广员 {name}',
  'withdraw.amountLine': '申请 {amount} · 手续费 {fee} · 实付 {payout}',
  'withdraw.requestedAt': '申请时间 {time}',
  'withdraw.reason': '驳回原因：{reason}',
  'withdraw.failReason': '失败原因：{reason}',
  'withdraw.approve': '通过',
  'withdraw.reject': '驳回',
  'withdraw.approveConfirm': '确认通过这笔提现？通过后将立即打款，不可撤回。',
  'withdraw.rejectTitle': '驳回提现',
  'withdraw.rejectPlaceholder': '请填写驳回原因（推广员可见）',
  'withdraw.rejectNeedReason': '请填写驳回原因',
  'withdraw.rejectConfirm': '确认驳回？佣金将退回推广员的可提现余额。',
  'withdraw.submit': '提交',
  'withdraw.approved': '已通过',
  'withdraw.rejected': '已驳回',
  'withdraw.empty': '暂无提现申请',
  'withdraw.notOperator': '仅平台运营店铺可审核佣金提现',
} as const;
