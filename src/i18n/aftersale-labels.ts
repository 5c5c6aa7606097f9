import type { AfterSaleKind, AfterSaleReason, AfterSaleStatus } from '@contract/aftersale';

/**
 * The after-sale request's statuses, kinds and reasons as the shopper reads them. Part of the one
 * catalog (src/i18n), in a module of its own so that only the after-sale subpackage carries it.
 */
export const afterSaleStatusLabels: Record<AfterSaleStatus, string> = {
  requested: '待商家处理',
  awaiting_return: '待寄回商品',
  returning: '待商家收货',
  refunding: '退款中',
  refunded: '退款成功',
  refund_failed: '退款失败',
  rejected: '商家已拒绝',
  cancelled: '已撤销',
  closed: '已关闭',
};

/** One line under the status: what happens now. */
export const afterSaleStatusHints: Record<AfterSaleStatus, string> = {
  requested: '申请已提交，等待商家处理',
  awaiting_return: '商家已同意退货，请按下方地址寄回商品并填写物流信息',
  returning: '商品寄回中，商家收货后将为你退款',
  refunding: '商家已同意，退款处理中',
  refunded: '退款已按原支付方式退回',
  refund_failed: '退款未成功，商家将重新发起退款',
  rejected: '商家拒绝了你的申请，你可以重新申请',
  cancelled: '你已撤销申请，可重新申请',
  closed: '未在规定时间内寄回商品，申请已关闭',
};

export const afterSaleKindLabels: Record<AfterSaleKind, string> = {
  refund_only: '仅退款',
  return_refund: '退货退款',
};

export const afterSaleReasonLabels: Record<AfterSaleReason, string> = {
  no_longer_needed: '不想要了',
  ordered_by_mistake: '拍错/多拍',
  damaged: '商品破损',
  quality_issue: '质量问题',
  not_as_described: '与描述不符',
  missing_items: '少件/漏发',
  wrong_item: '发错货',
  not_shipped_in_time: '未按约定时间发货',
  other: '其他',
};

/** The reasons in the order the form lists them. */
export const AFTER_SALE_REASONS = Object.keys(afterSaleReasonLabels) as AfterSaleReason[];
