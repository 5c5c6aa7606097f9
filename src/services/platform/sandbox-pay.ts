import type { Payment } from '@contract';
import { formatPrice } from '@contract/money';
import Taro from '@tarojs/taro';
import { t } from '@/i18n/messages';
import { ApiError, assetUrl, rawRequest } from '../http';
import type { PayOptions, PayResult } from './types';

/**
 * The server's sandbox channel, the only channel today. Mini-programs have no web cashier
 * sheet, so the shopper confirms in a modal and the adapter posts the same confirm/cancel the
 * sandbox cashier page would. The outcome is only a cue: the result page asks the server.
 */
export async function payInSandboxModal(payment: Payment): Promise<PayResult> {
  const cashier = payment.clientParams.cashierUrl.replace(/\/+$/, '');
  const res = await Taro.showModal({
    title: t('sandboxPayTitle'),
    content: t('sandboxPayContent', { amount: formatPrice(payment.amount) }),
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
    return { outcome: 'failed', message: e instanceof ApiError ? e.message : t('payNotSupported') };
  }
}

/** The H5 URL of a page path, for the sandbox cashier's `return` redirect (hash router). */
export function h5PageUrl(path: string, location: { origin: string; pathname: string } = window.location): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return `${location.origin}${location.pathname}#${p}`;
}

/** H5: leave for the sandbox's hosted cashier page; it redirects back to returnPath. */
export function payInSandboxRedirect(
  payment: Payment,
  opts: PayOptions,
  navigate: (url: string) => void = (url) => window.location.assign(url),
): Promise<PayResult> {
  const target = `${assetUrl(payment.clientParams.cashierUrl)}?return=${encodeURIComponent(h5PageUrl(opts.returnPath))}`;
  navigate(target);
  return Promise.resolve({ outcome: 'submitted' });
}
