import { referralMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: referralMessages['team.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
