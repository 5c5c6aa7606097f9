import { referralHoldsMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: referralHoldsMessages['holds.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
