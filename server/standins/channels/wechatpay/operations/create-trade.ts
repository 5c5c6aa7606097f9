import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseRfc3339, rfc3339Cst } from '../../../../channels/wechatpay/wire';
import { tradeKey, type Merchant, type Trade, type WechatpayGateway } from '../gateway';
import { WxError, paramError } from '../signing';

/** What the JSAPI and H5 prepay operations share: the order's fields, and opening the trade (or finding it again). */
const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;

export const notifyUrlSchema = z.string().max(255).refine((u) => /^https?:\/\/[^\s]+$/.test(u), 'notify_url must be an http(s) URL');
const amountSchema = z.object({ total: z.number().int().min(1).max(100_000_000_00), currency: z.literal('CNY').optional() });
export const prepayBase = z.object({
  appid: z.string().min(1).max(32),
  mchid: z.string().min(1).max(32),
  description: z.string().min(1).max(127),
  out_trade_no: z.string().regex(OUT_TRADE_NO, 'out_trade_no: 6-32 of [0-9A-Za-z_-|*]'),
  time_expire: z.string().optional(),
  attach: z.string().max(128).optional(),
  notify_url: notifyUrlSchema,
  goods_tag: z.string().max(32).optional(),
  amount: amountSchema,
});

export function createTrade(
  gw: WechatpayGateway,
  merchant: Merchant,
  tradeType: 'JSAPI' | 'MWEB',
  req: z.infer<typeof prepayBase>,
  extra: { openid: string | null; clientIp: string | null; sceneType: string | null },
): Trade {
  if (req.mchid !== merchant.mchId) throw paramError('请求体中的mchid与Authorization中的mchid不一致');
  if (merchant.appIds && !merchant.appIds.includes(req.appid)) throw new WxError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
  let timeExpire: number | null = null;
  if (req.time_expire !== undefined) {
    timeExpire = parseRfc3339(req.time_expire);
    if (timeExpire === null) throw paramError('time_expire格式错误，应为RFC 3339格式，如2018-06-08T10:34:56+08:00');
  }
  const fingerprint = JSON.stringify([tradeType, req.appid, req.description, req.attach ?? null, req.amount.total, req.amount.currency ?? 'CNY', extra.openid, extra.sceneType, timeExpire]);
  const key = tradeKey(merchant.mchId, req.out_trade_no);
  const existing = gw.trades.get(key);
  const at = gw.ctx.now();
  if (existing) {
    if (existing.state === 'SUCCESS' || existing.state === 'REFUND') throw new WxError(400, 'ORDERPAID', '该订单已支付');
    if (existing.state === 'CLOSED') throw new WxError(400, 'ORDER_CLOSED', '当前订单已关闭，请重新下单');
    if (existing.fingerprint !== fingerprint) throw new WxError(403, 'OUT_TRADE_NO_USED', '商户订单号重复，请核实商户订单号是否重复提交');
    existing.notifyUrl = req.notify_url;
    return existing;
  }
  if (timeExpire !== null && timeExpire <= at) throw paramError('time_expire已过期');
  const trade: Trade = {
    mchid: merchant.mchId,
    appid: req.appid,
    outTradeNo: req.out_trade_no,
    prepayId: `wx${rfc3339Cst(at).slice(8, 19).replace(/\D/g, '')}${randomBytes(13).toString('hex')}`,
    tradeType,
    description: req.description,
    attach: req.attach ?? null,
    notifyUrl: req.notify_url,
    total: req.amount.total,
    currency: req.amount.currency ?? 'CNY',
    openid: extra.openid,
    clientIp: extra.clientIp,
    timeExpire,
    createdAt: at,
    state: 'NOTPAY',
    transactionId: null,
    successTime: null,
    fingerprint,
    refundNos: [],
  };
  gw.trades.set(key, trade);
  gw.byPrepayId.set(trade.prepayId, trade);
  return trade;
}
