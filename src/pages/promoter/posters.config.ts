import { referralMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: referralMessages['posters.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
