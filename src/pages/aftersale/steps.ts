import type { AfterSale, AfterSaleStatus } from '@contract/aftersale';
import { afterSaleStatusLabels } from '@/i18n/aftersale-labels';
import { t } from '@/i18n/catalog';

export interface Step {
  label: string;
  state: 'done' | 'current' | 'todo' | 'ended';
}

/**
 * The request's progress as steps, like the big shops draw it: refund only 提交申请 -> 商家处理 ->
 * 退款成功; return 提交申请 -> 商家处理 -> 寄回商品 -> 商家收货 -> 退款成功. A request that ended
 * without a refund (rejected, withdrawn, closed) shows where it stopped.
 */
export function steps(a: Pick<AfterSale, 'kind' | 'status'>): Step[] {
  const labels =
    a.kind === 'return_refund'
      ? [t('aftersale.stepApplied'), t('aftersale.stepReview'), t('aftersale.stepReturn'), t('aftersale.stepReceive'), t('aftersale.stepRefund')]
      : [t('aftersale.stepApplied'), t('aftersale.stepReview'), t('aftersale.stepRefund')];
  const last = labels.length - 1;
  const ended: AfterSaleStatus[] = ['rejected', 'cancelled', 'closed'];
  if (ended.includes(a.status)) {
    // Where it stopped: a closed return never came back; a rejection or a withdrawal at the review.
    const at = a.status === 'closed' ? 2 : 1;
    return [...labels.slice(0, at).map((label) => ({ label, state: 'done' as const })), { label: afterSaleStatusLabels[a.status], state: 'ended' }];
  }
  const current: Record<AfterSaleStatus, number> = {
    requested: 1,
    awaiting_return: 2,
    returning: 3,
    refunding: last,
    refund_failed: last,
    refunded: last,
    rejected: 1,
    cancelled: 1,
    closed: 2,
  };
  const at = current[a.status];
  // Refunded: every step done, the last one shown as where it stands.
  if (a.status === 'refunded') return labels.map((label, i) => ({ label, state: i === last ? 'current' : 'done' }));
  return labels.map((label, i) => {
    if (i < at) return { label, state: 'done' };
    if (i === at) return { label: i === last ? afterSaleStatusLabels[a.status] : label, state: 'current' };
    return { label, state: 'todo' };
  });
}
