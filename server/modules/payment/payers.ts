import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';

type Db = Kysely<Database>;

/**
 * Who paid, as the channels say (payments.payer_id, migration 021): WeChat Pay's payer openid,
 * Alipay's buyer open id (or buyer id), DevPay's payer. A payer is named per channel: the same
 * string at two channels is two payers. The referral module's fraud controls compare the payer
 * of a buyer's order with the promoter's (docs/referral.md, "Fraud controls").
 */
export interface ChannelPayer {
  channel: string;
  payerId: string;
}

/** At most this many payers of one order, and accounts per look-up. */
const LIMIT = 50;

/**
 * The payers of a child order's paid payments (those the channel named one for), and the
 * address the latest of them was created from (null when none recorded one).
 */
export async function payersOfOrder(db: Db, orderId: string): Promise<{ payers: ChannelPayer[]; clientIp: string | null }> {
  const rows = await db
    .selectFrom('payment_orders as po')
    .innerJoin('payments as p', 'p.id', 'po.payment_id')
    .select(['p.channel', 'p.payer_id', 'p.client_ip'])
    .where('po.order_id', '=', orderId)
    .where('p.status', '=', 'paid')
    .orderBy('p.paid_at', 'desc')
    .limit(LIMIT)
    .execute();
  const payers: ChannelPayer[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (!r.payer_id || !r.channel) continue;
    const key = `${r.channel}:${r.payer_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    payers.push({ channel: r.channel, payerId: r.payer_id });
  }
  return { payers, clientIp: rows.find((r) => r.client_ip)?.client_ip ?? null };
}

/** The accounts any of these payers paid for (paid payments, by the payer index), without repeats. */
export async function accountsPaidBy(db: Db, payers: readonly ChannelPayer[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const p of payers.slice(0, LIMIT)) {
    const rows = await db
      .selectFrom('payments')
      .select('user_id')
      .distinct()
      .where('payer_id', '=', p.payerId)
      .where('channel', '=', p.channel)
      .where('status', '=', 'paid')
      .limit(LIMIT)
      .execute();
    for (const r of rows) out.add(r.user_id);
  }
  return out;
}

/**
 * The payer an account of a mini-program is at its platform's channel: a WeChat mini-program
 * account pays at WeChat Pay with its openid (the JSAPI payer, and the payer.openid of a
 * payment under the same app id), an Alipay account at Alipay with its user id or open id, a
 * Douyin account at Douyin Pay; an H5 account has none.
 */
export function accountPayer(account: { platform: string; openid: string }): ChannelPayer | null {
  const channel = ({ weapp: 'wechatpay', alipay: 'alipay', tt: 'douyin' } as Record<string, string | undefined>)[account.platform];
  return channel && account.openid ? { channel, payerId: account.openid } : null;
}
