import type { CreatePaymentBody, GiftCardCredential, GiftCardView, Order, ParentOrder, PayChannel, Payment, PayScene, Wallet } from '@contract';
import { splitTenders, type TenderSplit } from '@contract/tender-split';
import { tenderLabels } from '@/i18n/messages';
import { t } from '@/i18n/catalog';

/** A parent order id (what one checkout created) as opposed to a child order id. */
export function isParentOrderId(id: string): boolean {
  return id.startsWith('po_');
}

export interface DueLine {
  orderId: string;
  merchantName: string;
  /** Fen still to pay on this child order: payable - paidAmount. */
  due: number;
}

/** Every child still waiting for money, with what it still needs (a child may be part-paid). */
export function dueLines(source: Order | ParentOrder): DueLine[] {
  const children = 'children' in source ? source.children : [source];
  return children
    .filter((c) => c.status === 'pending_payment')
    .map((c) => ({ orderId: c.id, merchantName: c.merchantName, due: Math.max(0, c.amounts.payableAmount - c.paidAmount) }))
    .filter((l) => l.due > 0);
}

export function amountDue(lines: readonly DueLine[]): number {
  return lines.reduce((sum, l) => sum + l.due, 0);
}

type Env = string | undefined;

/**
 * The channels this platform can pay the remainder with: its own (WeChat Pay on weapp, Alipay
 * on alipay, Douyin Pay on tt); on H5 a choice of Alipay wap and WeChat Pay H5 (Alipay first).
 */
export function channelsFor(env: Env): PayChannel[] {
  switch (env) {
    case 'weapp':
      return ['wechatpay'];
    case 'alipay':
      return ['alipay'];
    case 'tt':
      return ['douyin'];
    case 'h5':
      return ['alipay', 'wechatpay'];
    default:
      return ['sandbox'];
  }
}

export function sceneFor(env: Env): PayScene {
  return env === 'h5' ? 'h5' : 'mini';
}

/** A gift card the shopper added: what they typed, and what the server said about it. */
export interface AddedGiftCard {
  credential: GiftCardCredential;
  view: GiftCardView;
}

export interface TenderUse {
  balance: boolean;
  points: boolean;
  giftCards: readonly AddedGiftCard[];
}

/**
 * The live split as the shopper toggles: the same function the server runs authoritatively,
 * fed with the wallet and the verified gift card balances (gift cards keyed by their number).
 */
export function liveSplit(amount: number, wallet: Wallet, use: TenderUse): TenderSplit {
  return splitTenders({
    amount,
    rule: wallet.pointsRule,
    wallet: { balance: wallet.balance, points: wallet.points },
    use: {
      balance: use.balance,
      points: use.points,
      giftCards: use.giftCards.map((c) => ({ id: c.credential.number, balance: c.view.balance })),
    },
  });
}

/**
 * The createPayment body for what the shopper chose. The channel is sent only when a remainder
 * is left for it; the server recomputes the split and refuses (CHANNEL_REQUIRED) if its own
 * numbers leave a remainder after all.
 */
export function paymentBody(orderId: string, use: TenderUse, split: TenderSplit, channel: PayChannel, scene: PayScene): CreatePaymentBody {
  return {
    orderId,
    tenders: {
      balance: use.balance,
      points: use.points,
      giftCards: use.giftCards.map((c) => ({ number: c.credential.number, pin: c.credential.pin })),
    },
    ...(split.channel > 0 ? { channel } : {}),
    scene,
  };
}

/** What open payments hold of the shopper's wallet: balance (fen), points, and gift cards by masked number. */
export interface HeldTenders {
  balance: number;
  points: number;
  giftCards: { card: string; amount: number }[];
}

export function heldTenders(payments: readonly Payment[]): HeldTenders {
  const held: HeldTenders = { balance: 0, points: 0, giftCards: [] };
  for (const p of payments) {
    for (const t of p.tenders) {
      if (t.kind === 'balance') held.balance += t.amount;
      else if (t.kind === 'points') held.points += t.points ?? 0;
      else if (t.kind === 'gift_card') held.giftCards.push({ card: t.giftCard ?? '', amount: t.amount });
    }
  }
  return held;
}

/** The internal tenders a payment used, in the order the shopper reads them: 余额, 积分, 礼品卡. */
export function internalTenderKinds(payment: Pick<Payment, 'tenders'>): ('balance' | 'points' | 'gift_card')[] {
  return (['balance', 'points', 'gift_card'] as const).filter((kind) => payment.tenders.some((t) => t.kind === kind && t.amount > 0));
}

/** The internal tenders a payment used, as the shopper reads them: "余额", "余额和积分", "余额、积分和礼品卡"; '' for none. */
export function tenderNames(payment: Pick<Payment, 'tenders'>): string {
  const names = internalTenderKinds(payment).map((kind) => tenderLabels[kind]);
  if (names.length < 2) return names.join('');
  return t('result.tenderList', { list: names.slice(0, -1).join('、'), last: names[names.length - 1] });
}
