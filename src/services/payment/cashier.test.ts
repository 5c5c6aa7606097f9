import { payment } from '@/services/checkout/test-support';
import { heldTenders, tenderNames } from './cashier';

const tender = (kind: 'points' | 'gift_card' | 'balance' | 'channel', amount: number, extra: { points?: number; giftCard?: string } = {}) => ({
  kind,
  amount,
  points: extra.points ?? null,
  giftCard: extra.giftCard ?? null,
});

describe('tenders of open payments', () => {
  it('names exactly the internal tenders a payment used, in the order shoppers read them', () => {
    expect(tenderNames(payment())).toBe('');
    expect(tenderNames(payment({ tenders: [tender('points', 500, { points: 500 }), tender('channel', 100)] }))).toBe('积分');
    expect(tenderNames(payment({ tenders: [tender('points', 500, { points: 500 }), tender('balance', 300)] }))).toBe('余额和积分');
    expect(tenderNames(payment({ tenders: [tender('gift_card', 100, { giftCard: '**** 1' }), tender('balance', 300), tender('points', 1, { points: 1 })] }))).toBe('余额、积分和礼品卡');
  });

  it('adds up what open payments hold: balance, points and each gift card', () => {
    const a = payment({ tenders: [tender('points', 500, { points: 500 }), tender('balance', 300), tender('channel', 100)] });
    const b = payment({ id: 'pay_2', tenders: [tender('gift_card', 2000, { giftCard: '**** **** **** 0050' }), tender('balance', 200)] });
    expect(heldTenders([a, b])).toEqual({ balance: 500, points: 500, giftCards: [{ card: '**** **** **** 0050', amount: 2000 }] });
    expect(heldTenders([])).toEqual({ balance: 0, points: 0, giftCards: [] });
  });
});
