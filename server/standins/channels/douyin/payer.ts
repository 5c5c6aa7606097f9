import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DouyinGateway } from './gateway';
import { notifyPayment } from './notify';
import { parseObject, problem, rawBody } from './signing';
import { refresh, tradeView } from './trades';

/**
 * The stand-in's own hooks (not Douyin's API): the payer paying or cancelling in the Douyin app
 * (development builds and tests), and the order as the stand-in holds it.
 *
 *   POST /sandbox/douyin/confirm               { ref: out_order_no, action: pay | cancel }
 *   GET  /sandbox/douyin/trades/:paymentNo     the order as the stand-in holds it
 */
const confirmBody = z.strictObject({ ref: z.string().min(1), action: z.enum(['pay', 'cancel']) });

export async function confirm(gw: DouyinGateway, req: FastifyRequest, reply: FastifyReply) {
  const parsed = confirmBody.safeParse(parseObject(rawBody(req)));
  if (!parsed.success) return problem(reply, 400, 'VALIDATION_FAILED', 'Body must be { ref, action: "pay" | "cancel" }');
  const found = gw.trades.get(parsed.data.ref);
  if (!found) return problem(reply, 404, 'NOT_FOUND', `No Douyin sandbox order ${parsed.data.ref} (call /sandbox/douyin/client/requestOrder first)`);
  const t = refresh(gw, found);
  if (parsed.data.action === 'pay') {
    if (t.status === 'PROCESS') {
      t.status = 'SUCCESS';
      t.payTime = gw.ctx.now();
      t.payChannel = 10;
      t.channelPayId = `DY${createHash('sha256').update(t.orderId).digest('hex').slice(0, 24).toUpperCase()}`;
      notifyPayment(gw, t);
    } else if (t.status !== 'SUCCESS') {
      return problem(reply, 409, 'ILLEGAL_TRANSITION', `Order ${t.outOrderNo} is ${t.status}; it can no longer be paid`);
    }
  } else if (t.status === 'PROCESS') {
    t.status = 'FAIL';
    t.message = 'USER_CANCEL';
    notifyPayment(gw, t);
  } else if (t.status === 'SUCCESS') {
    return problem(reply, 409, 'ILLEGAL_TRANSITION', `Order ${t.outOrderNo} is paid; it cannot be cancelled`);
  }
  return { ok: true, paymentNo: t.outOrderNo };
}

export async function showTrade(gw: DouyinGateway, req: FastifyRequest<{ Params: { paymentNo: string } }>, reply: FastifyReply) {
  const t = gw.trades.get(req.params.paymentNo);
  if (!t) return problem(reply, 404, 'NOT_FOUND', `No Douyin sandbox order ${req.params.paymentNo}`);
  return tradeView(refresh(gw, t));
}
