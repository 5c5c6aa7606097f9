import { referralMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: referralMessages['leaderboard.title'],
  enablePullDownRefresh: true,
});
