import { withdrawMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: withdrawMessages['withdraw.title'],
  enablePullDownRefresh: true,
});
