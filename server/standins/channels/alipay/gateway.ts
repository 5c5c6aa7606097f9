import { randomInt } from 'node:crypto';
import { alipaySandboxKeys } from '../../../channels/alipay/sandbox-keys';
import { ALIPAY_NOTIFY_RETRY_SECONDS, cstTime } from '../../../channels/alipay/wire';
import type { StandInContext } from '../context';
import type { Notifier } from '../notifier';

/**
 * The Alipay gateway's state, shared by its operations: the app it serves and the keys, the
 * trades it keeps in memory, its notifier; and what several operations use (finding a trade,
 * the gateway's error answers).
 */
export const ALIPAY_GATEWAY_PATH = '/sandbox/alipay/gateway.do';

export interface AlipayStandInOptions {
  /** The app the gateway serves (default sandbox-keys/alipay/ids.json). */
  appId?: string;
  /** The merchant's seller id put on trades and notifications. */
  sellerId?: string;
  /** The app's public key that verifies requests. */
  appPublicKey?: string;
  /** Alipay's private key that signs answers and notifications. */
  alipayPrivateKey?: string;
  /** The simulated buyer of wap trades (2088 + 12 digits). */
  buyerId?: string;
  /** Send the trade notifications a refund causes (off: Alipay's default for refunds). */
  refundNotifications?: boolean;
}

export type TradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED';

export interface Refund {
  outRequestNo: string;
  amount: number;
  reason: string;
  at: number;
}

export interface Trade {
  tradeNo: string;
  outTradeNo: string;
  appId: string;
  sellerId: string;
  productCode: string;
  subject: string;
  /** Fen. */
  totalAmount: number;
  buyerId: string | null;
  buyerOpenId: string | null;
  notifyUrl: string | null;
  returnUrl: string | null;
  quitUrl: string | null;
  status: TradeStatus;
  createdAt: number;
  paidAt: number | null;
  closedAt: number | null;
  expiresAt: number | null;
  /** What a repeated create must match. */
  fingerprint: string;
  refunds: Map<string, Refund>;
  refundedAmount: number;
}

/** A fund transfer to an Alipay account (alipay.fund.trans.uni.transfer). */
export interface FundTransfer {
  outBizNo: string;
  orderId: string;
  payFundOrderId: string;
  /** Fen. */
  amount: number;
  identity: string;
  identityType: string;
  title: string;
  /** Where its messages go (the app's gateway address; the request's notify_url here). */
  notifyUrl: string | null;
  /** SUCCESS | DEALING | FAIL */
  status: string;
  errorCode: string | null;
  failReason: string | null;
  createdAt: number;
  payDate: number | null;
  fingerprint: string;
}

export interface AlipayGateway {
  ctx: StandInContext;
  appId: string;
  sellerId: string;
  appPublicKey: string;
  alipayPrivateKey: string;
  /** A key that is not Alipay's (the app's own), for corrupt_signature. */
  strangerKey: string;
  buyerId: string;
  refundNotifications: boolean;
  notifier: Notifier;
  /** By out_trade_no. */
  trades: Map<string, Trade>;
  /** trade_no -> out_trade_no. */
  byTradeNo: Map<string, string>;
  /** Fund transfers by out_biz_no. */
  transfers: Map<string, FundTransfer>;
  timers: Set<ReturnType<typeof setTimeout>>;
}

const SANDBOX_BUYER_ID = '2088102000000001';

export function createGateway(ctx: StandInContext, options: AlipayStandInOptions): AlipayGateway {
  const keys = alipaySandboxKeys();
  return {
    ctx,
    appId: options.appId ?? keys.appId,
    sellerId: options.sellerId ?? keys.sellerId,
    appPublicKey: options.appPublicKey ?? keys.appPublicKey,
    alipayPrivateKey: options.alipayPrivateKey ?? keys.alipayPrivateKey,
    strangerKey: keys.appPrivateKey,
    buyerId: options.buyerId ?? SANDBOX_BUYER_ID,
    refundNotifications: options.refundNotifications ?? false,
    notifier: ctx.notifier(ALIPAY_NOTIFY_RETRY_SECONDS),
    trades: new Map(),
    byTradeNo: new Map(),
    transfers: new Map(),
    timers: new Set(),
  };
}

export class GatewayError {
  constructor(
    readonly code: string,
    readonly msg: string,
    readonly subCode: string,
    readonly subMsg: string,
  ) {}
}
export const invalid = (subCode: string, subMsg: string) => new GatewayError('40002', 'Invalid Arguments', subCode, subMsg);
export const missing = (subCode: string, subMsg: string) => new GatewayError('40001', 'Missing Required Arguments', subCode, subMsg);
export const business = (subCode: string, subMsg: string) => new GatewayError('40004', 'Business Failed', subCode, subMsg);

export function newTradeNo(now: number): string {
  const day = cstTime(now).slice(0, 10).replace(/-/g, '');
  let digits = '';
  for (let i = 0; i < 15; i++) digits += String(randomInt(10));
  return `${day}22001${digits}`;
}

/** An open trade past its time_expire is closed (Alipay closes it without a notification by default). */
export function current(gw: AlipayGateway, trade: Trade): Trade {
  if (trade.status === 'WAIT_BUYER_PAY' && trade.expiresAt !== null && gw.ctx.now() >= trade.expiresAt) {
    trade.status = 'TRADE_CLOSED';
    trade.closedAt = trade.expiresAt;
  }
  return trade;
}

/** The trade a call names by out_trade_no or trade_no (both must agree when both are given). */
export function find(gw: AlipayGateway, biz: Record<string, unknown>): Trade | null {
  const outTradeNo = typeof biz.out_trade_no === 'string' ? biz.out_trade_no : null;
  const tradeNo = typeof biz.trade_no === 'string' ? biz.trade_no : null;
  const key = outTradeNo ?? (tradeNo ? gw.byTradeNo.get(tradeNo) : undefined);
  const trade = key ? gw.trades.get(key) : undefined;
  if (!trade || (tradeNo && trade.tradeNo !== tradeNo)) return null;
  return current(gw, trade);
}

/** The trade of a trade_no (the cashier's links). */
export function tradeByNo(gw: AlipayGateway, tradeNo: string): Trade | null {
  const key = gw.byTradeNo.get(tradeNo);
  const trade = key ? gw.trades.get(key) : undefined;
  return trade ? current(gw, trade) : null;
}

export function stringField(biz: Record<string, unknown>, name: string, max: number, required: boolean): string | null {
  const v = biz[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw business('ACQ.INVALID_PARAMETER', `参数无效: 缺少 ${name}`);
    return null;
  }
  if (typeof v !== 'string' || v.length > max) throw business('ACQ.INVALID_PARAMETER', `参数无效: ${name}`);
  return v;
}

export function tradeFields(trade: Trade): Record<string, string> {
  return {
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
  };
}
