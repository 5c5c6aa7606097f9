import { referralMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: referralMessages['centre.title'],
  enablePullDownRefresh: true,
});
