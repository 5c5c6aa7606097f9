import type { ReferralMe } from '@contract/referral';
import type { CommissionItem, ReferralEarnings, ReferralLeaderboard, WithdrawRules } from '@contract/referral-commission';

export const NOW = Date.UTC(2026, 11, 7, 4, 0, 0);

export const promoterMe = (over: Partial<ReferralMe> = {}): ReferralMe => ({
  isPromoter: true,
  policy: 'everyone',
  minSpend: null,
  spent: null,
  canApply: false,
  application: null,
  promoter: { nickname: '张**丰', boundAt: NOW - 30 * 86_400_000 },
  maxLevels: 2,
  team: [
    { level: 1, count: 3 },
    { level: 2, count: 1 },
  ],
  ...over,
});

export const earnings = (over: Partial<ReferralEarnings> = {}): ReferralEarnings => ({
  pending: 1_200,
  frozen: 3_450,
  available: 12_850,
  withdrawing: 0,
  withdrawn: 50_000,
  owed: 0,
  withdraw: withdrawRules(),
  ...over,
});

export const withdrawRules = (over: Partial<WithdrawRules> = {}): WithdrawRules => ({
  minimum: 100,
  feeFen: 0,
  feeBp: 0,
  dailyLimit: 500_000,
  remainingToday: 500_000,
  autoApproveMax: 20_000,
  channelMinPayout: 10,
  wechatPayoutBelow: 200_000,
  ...over,
});

export const commission = (over: Partial<CommissionItem> = {}): CommissionItem => ({
  id: 'c_1',
  orderId: 'o_1',
  orderNo: '2026120712345678901',
  productTitle: '纯棉T恤',
  quantity: 2,
  level: 1,
  amount: 540,
  reversedAmount: 0,
  state: 'pending',
  placedAt: NOW,
  availableAt: null,
  ...over,
});

export const board = (over: Partial<ReferralLeaderboard> = {}): ReferralLeaderboard => ({
  period: 'month',
  from: NOW - 6 * 86_400_000,
  items: [
    { rank: 1, nickname: '李*', amount: 10_000, isMe: false },
    { rank: 2, nickname: '小**明', amount: 5_400, isMe: true },
    { rank: 2, nickname: '王**二', amount: 5_400, isMe: false },
    { rank: 4, nickname: '赵*', amount: 500, isMe: false },
  ],
  me: { rank: 2, amount: 5_400 },
  computedAt: NOW,
  ...over,
});
