import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { wechatpaySandboxKeys } from '../../../channels/wechatpay/sandbox-keys';
import { rfc3339Cst } from '../../../channels/wechatpay/wire';
import type { StandInContext } from '../context';
import type { Notifier } from '../notifier';

/**
 * The WeChat Pay gateway's state, shared by its operations: the merchants it knows, WeChat
 * Pay's signing key, the trades and refunds it keeps in memory, its notifier and timers.
 */
export const WECHATPAY_RETRY_SCHEDULE_SECONDS: readonly number[] = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600];

export const PREFIX = '/sandbox/wechatpay';
const PREPAY_TTL_MS = 2 * 3600 * 1000;

export interface WechatpayStandInMerchant {
  mchId: string;
  /** Serial number of the merchant API certificate the requests name. */
  mchSerial: string;
  /** The merchant's public key (PEM); its private half (PEM) is accepted too. */
  mchPublicKey: string;
  apiV3Key: string;
  /** App ids bound to the merchant; omitted: any. */
  appIds?: string[];
}

export interface WechatpayStandInOptions {
  /** Merchants the stand-in knows; default: the one in sandbox-keys/wechatpay. */
  merchants?: WechatpayStandInMerchant[];
  /** WeChat Pay's private key and its PUB_KEY_ID_; default: sandbox-keys/wechatpay. */
  platformPrivateKey?: string;
  publicKeyId?: string;
}

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

export interface Merchant {
  mchId: string;
  mchSerial: string;
  publicKey: KeyObject;
  apiV3Key: string;
  appIds: string[] | null;
}

export interface Trade {
  mchid: string;
  appid: string;
  outTradeNo: string;
  prepayId: string;
  tradeType: 'JSAPI' | 'MWEB';
  description: string;
  attach: string | null;
  notifyUrl: string;
  total: number;
  currency: string;
  openid: string | null;
  clientIp: string | null;
  timeExpire: number | null;
  createdAt: number;
  state: TradeState;
  transactionId: string | null;
  successTime: number | null;
  /** The creating request's parameters that must match on a repeat. */
  fingerprint: string;
  refundNos: string[];
}

export interface Refund {
  mchid: string;
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  reason: string | null;
  notifyUrl: string;
  refund: number;
  total: number;
  status: RefundStatus;
  createdAt: number;
  successTime: number | null;
  fingerprint: string;
}

export type BillState = 'ACCEPTED' | 'PROCESSING' | 'WAIT_USER_CONFIRM' | 'TRANSFERING' | 'SUCCESS' | 'FAIL' | 'CANCELING' | 'CANCELLED';

/** A merchant transfer (商家转账) to a user's change. */
export interface Bill {
  mchid: string;
  appid: string;
  outBillNo: string;
  transferBillNo: string;
  sceneId: string;
  openid: string;
  amount: number;
  remark: string;
  notifyUrl: string | null;
  packageInfo: string;
  state: BillState;
  failReason: string | null;
  createdAt: number;
  updatedAt: number;
  /** The creating request's parameters that must match on a repeat. */
  fingerprint: string;
}

export interface WechatpayGateway {
  ctx: StandInContext;
  /** WeChat Pay's private key, which signs every answer and notification. */
  platformKey: KeyObject;
  publicKeyId: string;
  /** corrupt_signature signs with a key WeChat Pay never published. */
  strangerKey: KeyObject;
  merchants: Map<string, Merchant>;
  notifier: Notifier;
  /** By mchid:out_trade_no. */
  trades: Map<string, Trade>;
  byPrepayId: Map<string, Trade>;
  byTransactionId: Map<string, Trade>;
  /** By mchid:out_refund_no. */
  refunds: Map<string, Refund>;
  /** Merchant transfers, by mchid:out_bill_no. */
  bills: Map<string, Bill>;
  timers: Set<ReturnType<typeof setTimeout>>;
}

function publicKeyOfPem(pem: string): KeyObject {
  return pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
}

export function createGateway(ctx: StandInContext, options: WechatpayStandInOptions): WechatpayGateway {
  const keys = wechatpaySandboxKeys();
  const platformKey = createPrivateKey(options.platformPrivateKey ?? keys.platformPrivateKey);
  const publicKeyId = options.publicKeyId ?? keys.publicKeyId;
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const merchants = new Map<string, Merchant>();
  for (const m of options.merchants ?? [{ mchId: keys.mchId, mchSerial: keys.mchSerial, mchPublicKey: keys.mchPublicKey, apiV3Key: keys.apiV3Key }]) {
    merchants.set(m.mchId, { mchId: m.mchId, mchSerial: m.mchSerial, publicKey: publicKeyOfPem(m.mchPublicKey), apiV3Key: m.apiV3Key, appIds: m.appIds ?? null });
  }
  return {
    ctx,
    platformKey,
    publicKeyId,
    strangerKey,
    merchants,
    notifier: ctx.notifier(WECHATPAY_RETRY_SCHEDULE_SECONDS),
    trades: new Map(),
    byPrepayId: new Map(),
    byTransactionId: new Map(),
    refunds: new Map(),
    bills: new Map(),
    timers: new Set(),
  };
}

export const tradeKey = (mchid: string, no: string) => `${mchid}:${no}`;

export const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
export const nonceStr = (n = 32) => Array.from(randomBytes(n), (b) => '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'[b % 62]).join('');
export const ymd = (ms: number) => rfc3339Cst(ms).slice(0, 10).replace(/-/g, '');

export function later(gw: WechatpayGateway, ms: number, fn: () => void): void {
  const timer = setTimeout(() => {
    gw.timers.delete(timer);
    fn();
  }, ms);
  timer.unref?.();
  gw.timers.add(timer);
}

/** An unpaid trade past its time_expire, or older than a prepay id lives. */
export const expired = (t: Trade, at: number) => (t.timeExpire !== null && at > t.timeExpire) || at > t.createdAt + PREPAY_TTL_MS;
