import type { AfterSale } from '@contract/aftersale';
import { decideWithRefund } from './decisions';
import { getAfterSale, insertRequest, type AfterSaleDeps, type CreateAfterSaleInput } from './service';

/**
 * The shopper asks (service.ts insertRequest). A refund only of an order that has not shipped is
 * approved at once when AFTERSALE_AUTO_APPROVE_UNSHIPPED is on (the default): nothing left the
 * shop, so there is nothing for the merchant to check. Should that approval fail (an outage),
 * the request waits as requested and the overdue job approves it at the merchant's deadline.
 */
export async function createAfterSale(deps: AfterSaleDeps, input: CreateAfterSaleInput, now = Date.now()): Promise<AfterSale> {
  const { row, order } = await insertRequest(deps, input, now);
  if (row.kind === 'refund_only' && !order.shipped && deps.config.autoApproveUnshipped) {
    try {
      return await decideWithRefund(deps, row.id, 'approve', { kind: 'auto', approvedBy: 'auto_unshipped' }, now);
    } catch (err) {
      deps.log.error({ err, afterSaleId: row.id }, 'automatic approval of an unshipped order failed; the request waits for the merchant');
    }
  }
  return getAfterSale(deps.db, row.id, { userId: input.userId });
}
