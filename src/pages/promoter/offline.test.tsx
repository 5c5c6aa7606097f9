import { type OfflinePage, offlinePageTests } from '@/test/offline';
import { ok, type Route } from '@/test/render';
import { summary } from '@/test/fixtures';
import CommissionsPage from './commissions';
import PromoterCentre from './index';
import LeaderboardPage from './leaderboard';
import PostersPage from './posters';
import TeamPage from './team';
import WithdrawPage from './withdraw';
import WithdrawalsPage from './withdrawals';
import { board, commission, earnings, NOW, promoterMe } from './test-data';

/**
 * The promoter centre offline, as the shop's pages are (decision 0014): opened offline, the
 * banner and 网络不可用 with 重试 and 返回首页 (never an empty team or list); already shown, it
 * stays on screen under the banner when a refetch fails.
 */
const ROUTES: Record<string, Route> = {
  'GET /api/referral/me': () => ok(promoterMe()),
  'GET /api/referral/earnings': () => ok(earnings()),
  'GET /api/referral/team': () => ok({ items: [{ nickname: '张**丰', joinedAt: NOW }], nextCursor: null }),
  'GET /api/referral/commissions': () => ok({ items: [commission()], nextCursor: null }),
  'GET /api/referral/leaderboard': () => ok(board()),
  'GET /api/products': () => ok({ items: [summary(1)], nextCursor: null }),
  'GET /api/referral/withdrawals': () => ok({ items: [{ id: 'wd_1', amount: 10_000, fee: 0, payout: 10_000, destination: 'balance', status: 'succeeded', review: 'auto', reason: null, failReason: null, createdAt: NOW, decidedAt: NOW, settledAt: NOW, confirm: null }], nextCursor: null }),
};

const PAGES: OfflinePage[] = [
  ['index', PromoterCentre, {}, 'pm-tool-team'],
  ['team', TeamPage, {}, 'pm-member'],
  ['commissions', CommissionsPage, {}, 'pm-commission'],
  ['leaderboard', LeaderboardPage, {}, 'pm-rank'],
  ['posters', PostersPage, {}, 'pm-make-home'],
  ['withdraw', WithdrawPage, {}, 'pm-wd-form'],
  ['withdrawals', WithdrawalsPage, {}, 'pm-withdrawal'],
];

describe('promoter centre offline', () => {
  offlinePageTests(PAGES, ROUTES, { home: true });
});
