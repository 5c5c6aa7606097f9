import { merchantMessages } from '../../i18n/merchant';

export default definePageConfig({
  navigationBarTitleText: merchantMessages['wb.referral.apps.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
