import { randomBytes } from 'node:crypto';
import { douyinSandboxKeys } from '../../../channels/douyin/sandbox-keys';
import type { StandInContext } from '../context';
import type { Notifier } from '../notifier';

/**
 * The Douyin trade system's state, shared by its operations: the app's keys, the access tokens
 * it issued, the orders and refunds it keeps in memory, its notifier and timers.
 */
export const DOUYIN_NOTIFY_SCHEDULE_SECONDS = [15, 30, 60, 120, 240, 480, 960, 1920, 3840, 7680] as const;
export const DEFAULT_PAY_EXPIRE_SECONDS = 300;
export const MAX_PAY_EXPIRE_SECONDS = 48 * 3600;
/** Requests signed more than this far from the stand-in's clock are refused (replays). */
export const REQUEST_WINDOW_MS = 5 * 60 * 1000;
export const PREFIX = '/sandbox/douyin';

export interface DouyinStandInOptions {
  /** The app public key Douyin holds (default: sandbox-keys/douyin/app_public_key.pem). */
  appPublicKey?: string;
  /** Douyin's ("platform") private key that signs answers and callbacks (default: sandbox-keys/douyin). */
  platformPrivateKey?: string;
  /** The app secret client_token accepts (default: ids.json appSecret). */
  appSecret?: string;
  /** The key_version the uploaded app key has (default: ids.json keyVersion). */
  keyVersion?: string;
  /** merchant_uid when the order data names none (default: ids.json merchantId). */
  defaultMerchantId?: string;
  /** The app's console-configured callback URL (default: <baseUrl>/notify/douyin). */
  defaultNotifyUrl?: () => string;
}

export type TradeStatus = 'PROCESS' | 'SUCCESS' | 'FAIL' | 'TIMEOUT';
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'FAIL';

export interface Refund {
  refundId: string;
  outRefundNo: string;
  orderId: string;
  outOrderNo: string;
  amount: number;
  reason: string;
  notifyUrl: string;
  cpExtra: string;
  status: RefundStatus;
  createdAt: number;
  refundAt: number | null;
  itemOrderId: string;
}

export interface Trade {
  appId: string;
  orderId: string;
  outOrderNo: string;
  /** The exact data text tt.requestOrder was called with (same data again: same order). */
  data: string;
  skuId: string;
  title: string;
  itemOrderId: string;
  totalAmount: number;
  merchantUid: string;
  payNotifyUrl: string;
  createdAt: number;
  expiresAt: number;
  status: TradeStatus;
  /** USER_CANCEL / TIME_OUT for cancelled orders. */
  message: string | null;
  payTime: number | null;
  payChannel: number | null;
  channelPayId: string | null;
  refunds: Refund[];
}

export interface DouyinGateway {
  ctx: StandInContext;
  appPublicKey: string;
  /** Douyin's private key, which signs answers and callbacks. */
  platformPrivateKey: string;
  appSecret: string;
  keyVersion: string;
  defaultMerchantId: string;
  defaultNotifyUrl: () => string;
  notifier: Notifier;
  /** By out_order_no. */
  trades: Map<string, Trade>;
  /** By appId:out_refund_no. */
  refunds: Map<string, Refund>;
  tokens: Map<string, { appId: string; expiresAt: number }>;
  timers: Set<ReturnType<typeof setTimeout>>;
  /** corrupt_signature signs with this key (made on first use). */
  wrongKey: string | null;
}

export function createGateway(ctx: StandInContext, options: DouyinStandInOptions): DouyinGateway {
  const keys = douyinSandboxKeys();
  return {
    ctx,
    appPublicKey: options.appPublicKey ?? keys.appPublicKey,
    platformPrivateKey: options.platformPrivateKey ?? keys.platformPrivateKey,
    appSecret: options.appSecret ?? keys.appSecret,
    keyVersion: options.keyVersion ?? keys.keyVersion,
    defaultMerchantId: options.defaultMerchantId ?? keys.merchantId,
    defaultNotifyUrl: options.defaultNotifyUrl ?? (() => `${ctx.baseUrl()}/notify/douyin`),
    notifier: ctx.notifier(DOUYIN_NOTIFY_SCHEDULE_SECONDS),
    trades: new Map(),
    refunds: new Map(),
    tokens: new Map(),
    timers: new Set(),
    wrongKey: null,
  };
}

export function later(gw: DouyinGateway, ms: number, fn: () => void): void {
  const t = setTimeout(() => {
    gw.timers.delete(t);
    fn();
  }, Math.max(0, Math.min(ms, 2_147_000_000)));
  t.unref?.();
  gw.timers.add(t);
}

export function digits(n: number): string {
  let out = String(1 + (randomBytes(1)[0] % 9));
  while (out.length < n) out += String(randomBytes(1)[0] % 10);
  return out;
}
