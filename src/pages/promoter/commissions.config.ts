import { referralMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: referralMessages['commissions.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
