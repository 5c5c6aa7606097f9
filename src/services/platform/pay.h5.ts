import type { Payment } from '@contract';
import { assetUrl } from '../http';
import { h5PageUrl } from './nav';
import { payInSandboxRedirect, unsupported } from './sandbox-pay';
import type { PayOptions, PayResult } from './types';

type Navigate = (url: string) => void;

const assign: Navigate = (url) => window.location.assign(url);

/**
 * WeChat Pay H5: h5_url takes a `redirect_url` the browser returns to after paying. The server
 * may already have appended one (it knows the payment's result page); otherwise add ours.
 */
export function wechatH5Url(h5Url: string, returnUrl: string): string {
  if (/[?&]redirect_url=/.test(h5Url)) return h5Url;
  return `${h5Url}${h5Url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(returnUrl)}`;
}

/**
 * H5: leave for the channel's web cashier in this window: Alipay wap pay's gateway URL
 * (its return_url was set by the server when it signed the request), WeChat Pay H5's h5_url
 * (with redirect_url back to the result page), or the local sandbox's cashier page. In
 * development these URLs point at the channel sandbox's hosted pages, real pages like the
 * channels' own, so H5 never confirms in-app.
 */
export function payH5(payment: Payment, opts: PayOptions, navigate: Navigate): Promise<PayResult> {
  const params = payment.clientParams;
  switch (params?.kind) {
    case 'alipay_wap':
      navigate(assetUrl(params.payUrl));
      return Promise.resolve({ outcome: 'submitted' });
    case 'wechatpay_h5':
      navigate(wechatH5Url(assetUrl(params.h5Url), h5PageUrl(opts.returnPath)));
      return Promise.resolve({ outcome: 'submitted' });
    case 'sandbox':
      return payInSandboxRedirect(payment, opts, navigate);
    default:
      return Promise.resolve(unsupported());
  }
}

export function pay(payment: Payment, opts: PayOptions): Promise<PayResult> {
  return payH5(payment, opts, assign);
}
