import { tradeKey } from '../gateway';
import { WxError } from '../signing';
import { refundView } from '../views';
import type { V3Operation } from './types';

/** GET /v3/refund/domestic/refunds/{out_refund_no}: the refund. */
export const queryRefund: V3Operation = (gw, req, merchant) => {
  const r = gw.refunds.get(tradeKey(merchant.mchId, (req.params as { no: string }).no));
  if (!r) throw new WxError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
  return { status: 200, body: refundView(r) };
};
