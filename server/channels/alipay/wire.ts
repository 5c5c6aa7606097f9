import { alipayTimestamp } from '../../infra/alipay';

/**
 * Alipay wire details shared by the adapter and the gateway stand-in: yuan strings at the edge
 * (our code uses integer fen), China Standard Time timestamps, the gateway's answer nodes, the
 * notification retry schedule.
 */

/** Alipay retries an unacknowledged notification about 4m, 10m, 10m, 1h, 2h, 6h, 15h later (8 deliveries in ~25 h). */
export const ALIPAY_NOTIFY_RETRY_SECONDS: readonly number[] = [240, 600, 600, 3600, 7200, 21600, 54000];

/** The gateway methods the payment channel uses. */
export const ALIPAY_TRADE_METHODS = [
  'alipay.trade.create',
  'alipay.trade.wap.pay',
  'alipay.trade.query',
  'alipay.trade.close',
  'alipay.trade.refund',
  'alipay.trade.fastpay.refund.query',
] as const;
export type AlipayTradeMethod = (typeof ALIPAY_TRADE_METHODS)[number];

export function isTradeMethod(method: string | undefined): method is AlipayTradeMethod {
  return (ALIPAY_TRADE_METHODS as readonly string[]).includes(method ?? '');
}

/** Parameters that travel in the gateway URL's query; the rest (biz_content) in the form body. */
export const URL_PARAMS = [
  'app_id', 'method', 'format', 'charset', 'sign_type', 'sign', 'timestamp', 'version',
  'notify_url', 'return_url', 'auth_token', 'app_auth_token', 'app_cert_sn', 'alipay_root_cert_sn', 'ws_service_url',
];

/** "alipay.trade.query" -> "alipay_trade_query_response". */
export function responseKey(method: string): string {
  return `${method.replace(/\./g, '_')}_response`;
}

/** Integer fen -> "12.34". */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`amount must be a non-negative integer of fen, got ${fen}`);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** "12.34" | "12.3" | "12" -> 1234; null for anything else. */
export function yuanToFen(yuan: unknown): number | null {
  if (typeof yuan !== 'string') return null;
  const m = /^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/.exec(yuan);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Epoch ms -> "yyyy-MM-dd HH:mm:ss" in China Standard Time. */
export function cstTime(ms: number): string {
  return alipayTimestamp(ms);
}

/** "yyyy-MM-dd HH:mm:ss" in China Standard Time -> epoch ms; null when malformed. */
export function parseCstTime(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  return Date.UTC(y, mo - 1, d, h, mi, s) - 8 * 3600 * 1000;
}

/**
 * The sorted `k=v&...` content Alipay signs a notification or return over: every parameter
 * received except sign and sign_type, empty values included (unlike request signing).
 */
export function notifySignContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && params[k] !== undefined)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}
