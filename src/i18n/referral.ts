/**
 * UI strings of the referral pages (Simplified Chinese). src/i18n/messages.ts spreads these into
 * the one catalog. `holds.*`: the workbench's queue of commissions fraud controls held
 * (pages/merchant/referral-holds; docs/referral.md, "Fraud controls").
 */
export const referralHoldsMessages = {
  'holds.title': '佣金风控审核',
  'holds.tabOpen': '待审核',
  'holds.tabDecided': '已处理',
  'holds.empty': '暂无待审核的佣金',
  'holds.emptyDecided': '暂无已处理的记录',
  'holds.forbidden': '仅店主和运营可以审核佣金',
  'holds.orderNo': '订单 {no}',
  'holds.level': '{level} 级推广',
  'holds.promoter': '推广员',
  'holds.buyer': '买家',
  'holds.amount': '冻结佣金',
  'holds.earned': '原佣金 {amount}',
  'holds.goods': '商品',
  'holds.reasons': '冻结原因',
  'holds.createdAt': '{time} 冻结',
  'holds.decidedAt': '{time} 处理',
  'holds.note': '驳回原因：{note}',
  'holds.stateOpen': '待审核',
  'holds.stateReleased': '已放行',
  'holds.stateRejected': '已驳回',
  'holds.release': '放行',
  'holds.reject': '驳回',
  'holds.releaseConfirm': '放行后，这笔佣金将在结算期满后正常发放给推广员。确认放行？',
  'holds.rejectConfirm': '驳回后将撤销这笔佣金（{amount}），推广员不会获得。确认驳回？',
  'holds.releasedToast': '已放行',
  'holds.rejectedToast': '已驳回',
  'holds.reason.same_device': '买家与推广员使用同一设备',
  'holds.reason.same_payer': '买家与推广员使用同一付款账户',
  'holds.reason.same_address': '收货地址与推广员相同',
  'holds.reason.velocity': '推广员 {minutes} 分钟内新增 {bindings} 个下级（上限 {max} 个）',
  'holds.reason.risk_rank': '微信安全风控等级 {rank}',
  'holds.reason.risk_unavailable': '微信安全风控暂时无法查询',
} as const;
