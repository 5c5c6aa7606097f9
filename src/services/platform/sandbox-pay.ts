import type { ClientParams, PayChannel, Payment } from '@contract';
import { formatPrice } from '@contract/money';
import Taro from '@tarojs/taro';
import { channelLabels, t } from '@/i18n/messages';
import { ApiError, assetUrl, rawRequest } from '../http';
import { h5PageUrl } from './nav';
import type { PayOptions, PayResult } from './types';

/**
 * Development and sandbox builds (TARO_APP_SANDBOX=1, the default; release builds set 0) cannot
 * reach the real channels' cashiers (no real merchant account, no real prepay ids). The pay
 * adapters then confirm in an in-app modal and tell the channel sandbox what the shopper chose,
 * as the channel's own cashier would; the sandbox then notifies the server in the channel's
 * wire format. The outcome is only a cue: the result page asks the server.
 */
export function sandboxPayEnabled(): boolean {
  return process.env.TARO_APP_SANDBOX === '1';
}

/**
 * The channel's own reference of the trade, which the channel sandbox knows it by: the
 * prepay_id (WeChat JSAPI: the `package` without "prepay_id="), the tradeNO (Alipay), or the
 * outOrderNo inside the signed `data` JSON (Douyin). Null for kinds the sandbox does not confirm in-app.
 */
export function channelSandboxRef(params: ClientParams): string | null {
  switch (params.kind) {
    case 'wechatpay_jsapi':
      return params.package.replace(/^prepay_id=/, '');
    case 'alipay_trade':
      return params.tradeNO;
    case 'douyin_order': {
      try {
        const data = JSON.parse(params.data) as { outOrderNo?: unknown };
        return typeof data.outOrderNo === 'string' && data.outOrderNo !== '' ? data.outOrderNo : null;
      } catch {
        return null;
      }
    }
    default:
      return null;
  }
}

/** The failure result for a payment this platform cannot open. */
export function unsupported(): PayResult {
  return { outcome: 'failed', message: t('payNotSupported') };
}

function failureMessage(e: unknown): string {
  return e instanceof ApiError ? e.message : t('payFailed');
}

function channelOf(payment: Payment): PayChannel | null {
  return payment.channel;
}

/**
 * Douyin creates its order on the device (tt.requestOrder) before its cashier opens; the
 * sandbox has a stand-in for that call, which checks the server's byteAuthorization as the
 * platform would. Answers `{ err_no, err_tips, data: { orderId, outOrderNo } }`.
 */
async function douyinSandboxRequestOrder(params: Extract<ClientParams, { kind: 'douyin_order' }>): Promise<void> {
  const res = await rawRequest<{ err_no?: unknown } | null>({
    method: 'POST',
    path: '/sandbox/douyin/client/requestOrder',
    body: { data: params.data, byteAuthorization: params.byteAuthorization },
  });
  if (res && typeof res === 'object' && res.err_no !== undefined && res.err_no !== 0) {
    throw new ApiError({ code: 'CHANNEL_UNAVAILABLE', status: 0, detail: `requestOrder err_no ${String(res.err_no)}` });
  }
}

/**
 * A real channel's payment in a sandbox build: confirm in a modal, then
 * `POST /sandbox/<channel>/confirm { ref, action: 'pay' | 'cancel' }` (Douyin: after the
 * sandbox's stand-in for tt.requestOrder has created the order).
 */
export async function payInChannelSandbox(payment: Payment): Promise<PayResult> {
  const channel = channelOf(payment);
  const params = payment.clientParams;
  const ref = params ? channelSandboxRef(params) : null;
  if (!channel || !params || !ref) return unsupported();
  const path = `/sandbox/${channel}/confirm`;
  if (params.kind === 'douyin_order') {
    try {
      await douyinSandboxRequestOrder(params);
    } catch (e) {
      return { outcome: 'failed', message: failureMessage(e) };
    }
  }
  const res = await Taro.showModal({
    title: t('sandboxChannelTitle', { channel: channelLabels[channel] }),
    content: t('sandboxPayContent', { amount: formatPrice(payment.channelAmount) }),
    confirmText: t('sandboxPayConfirm'),
    cancelText: t('cancel'),
  });
  if (!res.confirm) {
    try {
      await rawRequest({ method: 'POST', path, body: { ref, action: 'cancel' } });
    } catch {
      // Best effort: an unpaid channel trade expires by itself and the server closes it.
    }
    return { outcome: 'cancelled' };
  }
  try {
    await rawRequest({ method: 'POST', path, body: { ref, action: 'pay' } });
    return { outcome: 'submitted' };
  } catch (e) {
    return { outcome: 'failed', message: failureMessage(e) };
  }
}

/**
 * The local `sandbox` channel on a mini-program: it has a hosted cashier page but no in-app
 * sheet, so the shopper confirms in a modal and the adapter posts the page's confirm/cancel.
 */
export async function payInSandboxModal(payment: Payment): Promise<PayResult> {
  const params = payment.clientParams;
  if (!params || params.kind !== 'sandbox') return unsupported();
  const cashier = params.cashierUrl.replace(/\/+$/, '');
  const res = await Taro.showModal({
    title: t('sandboxPayTitle'),
    content: t('sandboxPayContent', { amount: formatPrice(payment.channelAmount) }),
    confirmText: t('sandboxPayConfirm'),
    cancelText: t('cancel'),
  });
  if (!res.confirm) {
    try {
      await rawRequest({ method: 'POST', path: `${cashier}/cancel`, body: {} });
    } catch {
      // Cancelling at the channel is best effort; the unpaid order closes on its own.
    }
    return { outcome: 'cancelled' };
  }
  try {
    await rawRequest({ method: 'POST', path: `${cashier}/confirm`, body: {} });
    return { outcome: 'submitted' };
  } catch (e) {
    return { outcome: 'failed', message: failureMessage(e) };
  }
}

/** H5: leave for the sandbox's hosted cashier page; it redirects back to returnPath. */
export function payInSandboxRedirect(
  payment: Payment,
  opts: PayOptions,
  navigate: (url: string) => void = (url) => window.location.assign(url),
): Promise<PayResult> {
  const params = payment.clientParams;
  if (!params || params.kind !== 'sandbox') return Promise.resolve(unsupported());
  const target = `${assetUrl(params.cashierUrl)}?return=${encodeURIComponent(h5PageUrl(opts.returnPath))}`;
  navigate(target);
  return Promise.resolve({ outcome: 'submitted' });
}
