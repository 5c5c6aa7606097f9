import { parseCstTime, yuanToFen } from '../../../../channels/alipay/wire';
import type { AlipayParams } from '../../../../infra/alipay';
import { business, current, newTradeNo, stringField, type AlipayGateway, type Trade } from '../gateway';

/** alipay.trade.create and alipay.trade.wap.pay: a new trade, or the same one again. */
const MAX_TRADES = 100_000;

export function createTrade(gw: AlipayGateway, params: AlipayParams, biz: Record<string, unknown>, productCode: 'JSAPI_PAY' | 'QUICK_WAP_WAY'): Trade {
  const outTradeNo = stringField(biz, 'out_trade_no', 64, true) as string;
  if (!/^[A-Za-z0-9_\-.]{1,64}$/.test(outTradeNo)) throw business('ACQ.INVALID_PARAMETER', '参数无效: out_trade_no');
  const amount = yuanToFen(biz.total_amount);
  if (amount === null || amount < 1 || amount > 10_000_000_000) throw business('ACQ.TOTAL_FEE_EXCEED', '订单金额超过限额或不合法');
  const subject = stringField(biz, 'subject', 256, true) as string;
  const given = typeof biz.product_code === 'string' ? biz.product_code : productCode;
  if (given !== productCode) throw business('ACQ.PRODUCT_CODE_INVALID', `product_code 应为 ${productCode}`);
  const seller = stringField(biz, 'seller_id', 28, false);
  if (seller && seller !== gw.sellerId) throw business('ACQ.SELLER_NOT_EXIST', '卖家不存在');
  let buyer: string | null = null;
  let buyerOpen: string | null = null;
  if (productCode === 'JSAPI_PAY') {
    buyer = stringField(biz, 'buyer_id', 28, false);
    buyerOpen = stringField(biz, 'buyer_open_id', 128, false);
    if (!buyer && !buyerOpen) throw business('ACQ.INVALID_PARAMETER', 'buyer_id 和 buyer_open_id 不能同时为空');
  } else {
    buyer = gw.buyerId;
  }
  const timeExpire = stringField(biz, 'time_expire', 32, false);
  const expiresAt = timeExpire === null ? null : parseCstTime(timeExpire);
  if (timeExpire !== null && expiresAt === null) throw business('ACQ.INVALID_PARAMETER', '参数无效: time_expire');
  const fingerprint = JSON.stringify([amount, subject, productCode, buyer, buyerOpen]);

  const existing = gw.trades.get(outTradeNo);
  if (existing) {
    current(gw, existing);
    if (existing.fingerprint !== fingerprint) throw business('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改');
    if (existing.status === 'TRADE_SUCCESS' || existing.status === 'TRADE_FINISHED') throw business('ACQ.TRADE_HAS_SUCCESS', '交易已被支付');
    if (existing.status === 'TRADE_CLOSED') throw business('ACQ.TRADE_HAS_CLOSE', '交易已经关闭');
    return existing;
  }
  const now = gw.ctx.now();
  if (expiresAt !== null && expiresAt <= now) throw business('ACQ.INVALID_PARAMETER', '参数无效: time_expire 已过');
  const trade: Trade = {
    tradeNo: newTradeNo(now),
    outTradeNo,
    appId: params.app_id,
    sellerId: gw.sellerId,
    productCode,
    subject,
    totalAmount: amount,
    buyerId: buyer,
    buyerOpenId: buyerOpen,
    notifyUrl: params.notify_url || null,
    returnUrl: params.return_url || null,
    quitUrl: typeof biz.quit_url === 'string' && biz.quit_url !== '' ? biz.quit_url : null,
    status: 'WAIT_BUYER_PAY',
    createdAt: now,
    paidAt: null,
    closedAt: null,
    expiresAt,
    fingerprint,
    refunds: new Map(),
    refundedAmount: 0,
  };
  if (gw.trades.size >= MAX_TRADES) {
    const oldest = gw.trades.keys().next().value;
    if (oldest !== undefined) {
      gw.byTradeNo.delete(gw.trades.get(oldest)?.tradeNo ?? '');
      gw.trades.delete(oldest);
    }
  }
  gw.trades.set(outTradeNo, trade);
  gw.byTradeNo.set(trade.tradeNo, outTradeNo);
  return trade;
}
