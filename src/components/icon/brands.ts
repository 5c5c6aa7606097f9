/**
 * Payment channel logos for the cashier: the brands' marks from simple-icons (CC0 paths, the
 * brands' own colours; the marks stay their owners' trademarks), imported one by one so only
 * these three are bundled. Douyin Pay shows Douyin's note (TikTok's mark, the same logo).
 * The sandbox channel has no brand and no logo.
 */
import { siAlipay, siTiktok, siWechat } from 'simple-icons';
import { asciiBase64 } from './svg';

type Channel = 'wechatpay' | 'alipay' | 'douyin' | 'sandbox';

const BRANDS: Partial<Record<Channel, { path: string; hex: string }>> = {
  wechatpay: siWechat,
  alipay: siAlipay,
  douyin: siTiktok,
};

const cache = new Map<Channel, string | null>();

/** The channel's logo as a data URI for <Image>, or null for a channel without one. */
export function channelLogo(channel: Channel): string | null {
  const hit = cache.get(channel);
  if (hit !== undefined) return hit;
  const brand = BRANDS[channel];
  const uri = brand
    ? `data:image/svg+xml;base64,${asciiBase64(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#${brand.hex}" d="${brand.path}"/></svg>`)}`
    : null;
  cache.set(channel, uri);
  return uri;
}
