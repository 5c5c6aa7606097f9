import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HoldReason } from '@contract/referral-holds';
import type { Database } from '../../db/types';
import { newId } from '../../infra/ids';
import { listAddresses } from '../address';
import { payerOf } from '../identity';
import { deliveriesOf, deliveryOf, type DeliveryAddress } from '../order';
import { accountPayer, accountsPaidBy, payersOfOrder, type ChannelPayer } from '../payment';

type Db = Kysely<Database>;

/**
 * Fraud controls' signals (docs/referral.md, "Fraud controls"; decision 0031): at earn time,
 * each promoter of an order is compared with its buyer. Every signal is a read of this and the
 * other modules' surfaces; what matched (a device id, a payer, an address) is never stored or
 * shown, only which signal it was.
 */
export interface FraudSettings {
  /** More new bindings of one promoter than this within the window hold; null: off. */
  velocityMax: number | null;
  velocityWindowMs: number;
  /** WeChat's risk rank at or above which a weapp buyer's commissions hold; null: no risk check (off, or no WeChat credentials). */
  riskMinRank: number | null;
}

/** The configured defaults (REFERRAL_VELOCITY_MAX, REFERRAL_VELOCITY_WINDOW, REFERRAL_RISK_RANK). */
export const FRAUD_DEFAULTS: FraudSettings = { velocityMax: 20, velocityWindowMs: 3_600_000, riskMinRank: 3 };

/** Device ids and addresses read per account (the newest). */
const PER_ACCOUNT = 200;

// ---------------------------------------------------------------------------------------------
// Devices

/**
 * Records that an account used a device (at sign-in, or on a shared-link visit while signed in):
 * the device signal compares these. One upsert; a failure is the caller's to swallow.
 */
export async function recordDevice(db: Db, userId: string, deviceId: string, now = Date.now()): Promise<void> {
  await db
    .insertInto('referral_devices')
    .values({ user_id: userId, device_id: deviceId, first_at: now, last_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'device_id']).doUpdateSet({ last_at: now }))
    .execute();
}

/** Every device an account used: at sign-in and on visits (the account's own visit row names its last device). */
export async function devicesOf(db: Db, userId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('referral_devices').select('device_id').where('user_id', '=', userId).orderBy('last_at', 'desc').limit(PER_ACCOUNT).execute();
  const visit = await db.selectFrom('referral_visits').select('device_id').where('visitor', '=', `u:${userId}`).executeTakeFirst();
  const out = new Set(rows.map((r) => r.device_id));
  if (visit?.device_id) out.add(visit.device_id);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Addresses

/** Digits only, without China's +86. */
const normalPhone = (phone: string) => {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
};
/** Full-width to half-width, lower case, no spaces or punctuation (上海市 浦东新区 世纪大道100号 == 上海市浦东新区世纪大道 100 号). */
const normalText = (text: string) => text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');

/** An address's fingerprint: the recipient's phone and the address text, normalised and hashed. */
export function addressFingerprint(a: DeliveryAddress): string {
  return createHash('sha256').update(`${normalPhone(a.phone)}|${normalText(a.address)}`).digest('base64url');
}

/** The fingerprints of an account's addresses: its address book and where its own latest orders went. */
async function addressesOf(db: Db, userId: string): Promise<Set<string>> {
  const book = await listAddresses(db, userId);
  const shipped = await deliveriesOf(db, userId, PER_ACCOUNT);
  return new Set([...book.map((a) => addressFingerprint({ phone: a.phone, address: `${a.province}${a.city}${a.district}${a.detail}` })), ...shipped.map(addressFingerprint)]);
}

// ---------------------------------------------------------------------------------------------
// Velocity

/** How many accounts the promoter bound in (until − window, until] (referral_bindings_promoter_idx). */
async function bindingsWithin(db: Db, promoterId: string, until: number, windowMs: number): Promise<number> {
  const row = await db
    .selectFrom('referral_bindings')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('promoter_id', '=', promoterId)
    .where('bound_at', '>', until - windowMs)
    .where('bound_at', '<=', until)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------------------------------------
// The assessment

export interface BuyerAssessment {
  /** Per promoter: why its commissions hold (empty: nothing found). */
  reasons: Map<string, HoldReason[]>;
  /** The buyer is a WeChat mini-program account and the risk check is on: it waits for WeChat's rank. */
  riskCheck: boolean;
}

const samePayer = (a: ChannelPayer, b: ChannelPayer) => a.channel === b.channel && a.payerId === b.payerId;

/**
 * Compares an order's buyer with each of its promoters (at earn time, in the consumer's
 * transaction): a device both used; a payer of the order that is the promoter's own account or
 * paid for him; the order's delivery address in his address book or on his orders; more new
 * bindings of his than allowed within the window ending when the order was paid, or when the
 * buyer was bound (a burst the buyer arrived in). Whether the buyer waits for WeChat's risk
 * rank is decided here too; the rank itself is asked outside any transaction (holds.ts).
 */
export async function assessBuyer(
  db: Db,
  input: { orderId: string; buyerId: string; promoterIds: readonly string[]; paidAt: number },
  settings: FraudSettings,
): Promise<BuyerAssessment> {
  const reasons = new Map<string, HoldReason[]>(input.promoterIds.map((p) => [p, []]));
  if (input.promoterIds.length === 0) return { reasons, riskCheck: false };

  const buyerDevices = await devicesOf(db, input.buyerId);
  const { payers } = await payersOfOrder(db, input.orderId);
  const paidFor = payers.length > 0 ? await accountsPaidBy(db, payers) : new Set<string>();
  const delivery = await deliveryOf(db, input.orderId);
  const deliveryPrint = delivery ? addressFingerprint(delivery) : null;
  const buyerBinding = await db.selectFrom('referral_bindings').select('bound_at').where('user_id', '=', input.buyerId).executeTakeFirst();

  for (const promoterId of input.promoterIds) {
    const found = reasons.get(promoterId)!;
    if (buyerDevices.size > 0) {
      const theirs = await devicesOf(db, promoterId);
      if ([...buyerDevices].some((d) => theirs.has(d))) found.push({ code: 'same_device' });
    }
    if (payers.length > 0) {
      const own = await payerOf(db, promoterId);
      const ownPayer = own ? accountPayer(own) : null;
      const match = payers.find((p) => ownPayer && samePayer(p, ownPayer)) ?? (paidFor.has(promoterId) ? payers[0] : undefined);
      if (match) found.push({ code: 'same_payer', channel: match.channel });
    }
    if (deliveryPrint && (await addressesOf(db, promoterId)).has(deliveryPrint)) found.push({ code: 'same_address' });
    if (settings.velocityMax !== null) {
      const moments = [input.paidAt, ...(buyerBinding ? [Number(buyerBinding.bound_at)] : [])];
      let most = 0;
      for (const t of moments) most = Math.max(most, await bindingsWithin(db, promoterId, t, settings.velocityWindowMs));
      if (most > settings.velocityMax) found.push({ code: 'velocity', bindings: most, max: settings.velocityMax, windowMinutes: Math.round(settings.velocityWindowMs / 60_000) });
    }
  }

  let riskCheck = false;
  if (settings.riskMinRank !== null) {
    const buyer = await payerOf(db, input.buyerId);
    riskCheck = buyer?.platform === 'weapp' && buyer.openid !== '';
  }
  return { reasons, riskCheck };
}

// ---------------------------------------------------------------------------------------------
// Holding at earn time

/** A hold's states: checking (only the risk check is awaited), open (reasons: a decision is awaited), cleared (the check found nothing), released, rejected. */
export type HoldState = 'checking' | 'open' | 'cleared' | 'released' | 'rejected';
/** Its risk check: none (not a weapp buyer, or off), pending (the job asks WeChat), done, failed (gave up: risk_unavailable). */
export type RiskState = 'none' | 'pending' | 'done' | 'failed';

/** What holding needs of a commission just earned. */
export interface EarnedCommission {
  id: string;
  promoter_id: string;
  level: number;
  amount: number;
}

/**
 * After the order's commissions were earned (in the same transaction, after the order's
 * commission rows were locked): assesses the buyer against each promoter and, for a promoter
 * with reasons or a buyer awaiting the risk check, writes a hold (one per order and promoter:
 * open with reasons, checking without) and flags his commissions held, so the unfreeze job
 * skips them. They keep earning, freezing and reversing as any other. A promoter whose
 * commissions on the order earned nothing is not held. Answers the hold of each commission held.
 */
export async function holdSuspicious(
  trx: Db,
  order: { id: string; orderNo: string; merchantId: string; buyerId: string; paidAt: number },
  earned: readonly EarnedCommission[],
  settings: FraudSettings,
  now: number,
): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  const byPromoter = new Map<string, EarnedCommission[]>();
  for (const c of earned) if (c.amount > 0) byPromoter.set(c.promoter_id, [...(byPromoter.get(c.promoter_id) ?? []), c]);
  if (byPromoter.size === 0) return held;
  const assessed = await assessBuyer(trx, { orderId: order.id, buyerId: order.buyerId, promoterIds: [...byPromoter.keys()], paidAt: order.paidAt }, settings);
  for (const [promoterId, commissions] of byPromoter) {
    const reasons = assessed.reasons.get(promoterId) ?? [];
    if (reasons.length === 0 && !assessed.riskCheck) continue;
    const id = newId('rh', now);
    const state: HoldState = reasons.length > 0 ? 'open' : 'checking';
    const riskState: RiskState = assessed.riskCheck ? 'pending' : 'none';
    const inserted = await trx
      .insertInto('referral_holds')
      .values({
        id,
        order_id: order.id,
        order_no: order.orderNo,
        merchant_id: order.merchantId,
        promoter_id: promoterId,
        buyer_id: order.buyerId,
        level: Math.min(...commissions.map((c) => c.level)),
        state,
        reasons: JSON.stringify(reasons),
        risk_state: riskState,
        risk_rank: null,
        risk_attempts: 0,
        risk_next_at: assessed.riskCheck ? now : null,
        risk_error: null,
        created_at: now,
        updated_at: now,
        decided_at: null,
        decided_by: null,
        decision_note: null,
      })
      .onConflict((oc) => oc.columns(['order_id', 'promoter_id']).doNothing())
      .executeTakeFirst();
    // A hold of this order and promoter exists already (it cannot: earning happens once); keep the first.
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) continue;
    const ids = commissions.map((c) => c.id);
    await trx.updateTable('referral_commissions').set({ held: 1, hold_id: id, updated_at: now }).where('id', 'in', ids).execute();
    for (const c of ids) held.set(c, id);
  }
  return held;
}
