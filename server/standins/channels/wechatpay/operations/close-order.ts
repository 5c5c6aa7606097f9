import { z } from 'zod';
import { WxError, paramError, parseBody } from '../signing';
import { tradeOf } from './query-order';
import type { V3Operation } from './types';

/** POST /v3/pay/transactions/out-trade-no/{no}/close { mchid } -> 204 (ORDERPAID when paid). */
const closeSchema = z.object({ mchid: z.string().min(1).max(32) });

export const closeOrder: V3Operation = (gw, req, merchant) => {
  const body = parseBody(req, closeSchema);
  if (body.mchid !== merchant.mchId) throw paramError('请求体中的mchid与Authorization中的mchid不一致');
  const t = tradeOf(gw, merchant, (req.params as { no: string }).no);
  if (t.state === 'SUCCESS' || t.state === 'REFUND') throw new WxError(400, 'ORDERPAID', '订单已支付，不能关单');
  t.state = 'CLOSED';
  return { status: 204, body: null };
};
