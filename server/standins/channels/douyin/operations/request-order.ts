import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DOUYIN_ERR } from '../../../../channels/douyin/errors';
import { REQUEST_ORDER_URI, parseByteAuthorization, requestSignContent, rsaVerify } from '../../../../channels/douyin/wire';
import { DEFAULT_PAY_EXPIRE_SECONDS, MAX_PAY_EXPIRE_SECONDS, REQUEST_WINDOW_MS, digits, later, type DouyinGateway, type Trade } from '../gateway';
import { parseObject, rawBody } from '../signing';
import { refresh } from '../trades';

/**
 * POST /client/requestOrder { data, byteAuthorization }: stands in for the mini-program's
 * tt.requestOrder, which creates the order (the trade system has no server API for that):
 * answers { orderId, outOrderNo }. The same data again is the same order. An unpaid order times
 * out when payExpireSeconds (counted from the byteAuthorization timestamp) elapse.
 */
const requestOrderData = z.object({
  skuList: z
    .array(
      z.object({
        skuId: z.string().min(1).max(64),
        price: z.number().int().min(1),
        quantity: z.number().int().min(1).max(100),
        title: z.string().min(1).refine((t) => Buffer.byteLength(t, 'utf8') <= 256, 'title longer than 256 bytes'),
        imageList: z.array(z.string().min(1).max(512)).length(1),
        type: z.number().int().optional(),
        tagGroupId: z.string().optional(),
      }),
    )
    .length(1),
  outOrderNo: z.string().min(1).max(64),
  totalAmount: z.number().int().min(1),
  payExpireSeconds: z.number().int().min(0).max(MAX_PAY_EXPIRE_SECONDS).optional(),
  payNotifyUrl: z.string().url().optional(),
  merchantUid: z.string().optional(),
  orderEntrySchema: z.object({ path: z.string().min(1).max(512), params: z.string().max(512).optional() }),
  limitPayWayList: z.array(z.number().int()).optional(),
});

export async function requestOrder(gw: DouyinGateway, req: FastifyRequest, reply: FastifyReply) {
  const body = parseObject(rawBody(req));
  const fail = (errNo: number, tips: string) => reply.code(400).type('application/json').send(JSON.stringify({ err_no: errNo, err_tips: tips, data: null }));
  if (!body || typeof body.data !== 'string' || typeof body.byteAuthorization !== 'string') return fail(DOUYIN_ERR.badParams, 'data and byteAuthorization are required strings');
  const auth = parseByteAuthorization(body.byteAuthorization);
  if (!auth) return fail(DOUYIN_ERR.badSignature, 'byteAuthorization is malformed');
  if (auth.keyVersion !== gw.keyVersion) return fail(DOUYIN_ERR.badSignature, `unknown key_version ${auth.keyVersion}`);
  if (!rsaVerify(requestSignContent('POST', REQUEST_ORDER_URI, auth.timestamp, auth.nonce, body.data), auth.signature, gw.appPublicKey)) {
    return fail(DOUYIN_ERR.badSignature, 'byteAuthorization signature does not verify');
  }
  if (!/^\d{1,12}$/.test(auth.timestamp) || Number(auth.timestamp) * 1000 > gw.ctx.now() + REQUEST_WINDOW_MS) return fail(DOUYIN_ERR.badSignature, 'timestamp is in the future');
  let dataJson: unknown;
  try {
    dataJson = JSON.parse(body.data);
  } catch {
    return fail(DOUYIN_ERR.badParams, 'data is not JSON');
  }
  const parsed = requestOrderData.safeParse(dataJson);
  if (!parsed.success) return fail(DOUYIN_ERR.badParams, `data invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  const d = parsed.data;
  const sku = d.skuList[0];
  if (sku.price * sku.quantity !== d.totalAmount) return fail(DOUYIN_ERR.badParams, 'totalAmount must equal price × quantity');
  const existing = gw.trades.get(d.outOrderNo);
  if (existing) {
    if (existing.appId !== auth.appId || existing.data !== body.data) return fail(DOUYIN_ERR.orderConflict, 'outOrderNo exists with other parameters');
    refresh(gw, existing);
    return reply.code(200).type('application/json').send(JSON.stringify({ err_no: 0, err_tips: 'success', data: { orderId: existing.orderId, outOrderNo: existing.outOrderNo } }));
  }
  const expiresAt = Number(auth.timestamp) * 1000 + (d.payExpireSeconds || DEFAULT_PAY_EXPIRE_SECONDS) * 1000;
  if (gw.ctx.now() >= expiresAt) return fail(DOUYIN_ERR.orderExpired, 'the order pay window has passed');
  const t: Trade = {
    appId: auth.appId,
    orderId: `ot${digits(19)}`,
    outOrderNo: d.outOrderNo,
    data: body.data,
    skuId: sku.skuId,
    title: sku.title,
    itemOrderId: `it${digits(19)}`,
    totalAmount: d.totalAmount,
    merchantUid: d.merchantUid || gw.defaultMerchantId,
    payNotifyUrl: d.payNotifyUrl ?? gw.defaultNotifyUrl(),
    createdAt: gw.ctx.now(),
    expiresAt,
    status: 'PROCESS',
    message: null,
    payTime: null,
    payChannel: null,
    channelPayId: null,
    refunds: [],
  };
  gw.trades.set(t.outOrderNo, t);
  later(gw, expiresAt - gw.ctx.now(), () => refresh(gw, t));
  gw.ctx.log.info({ channel: 'douyin', outOrderNo: t.outOrderNo, orderId: t.orderId, amount: t.totalAmount }, 'sandbox douyin order created');
  return reply.code(200).type('application/json').send(JSON.stringify({ err_no: 0, err_tips: 'success', data: { orderId: t.orderId, outOrderNo: t.outOrderNo } }));
}
