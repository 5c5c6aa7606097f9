import { withdrawMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: withdrawMessages['withdraw.reviewTitle'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
