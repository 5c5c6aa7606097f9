import { withdrawMessages } from '../../i18n/referral';

export default definePageConfig({
  navigationBarTitleText: withdrawMessages['withdraw.historyTitle'],
  enablePullDownRefresh: true,
});
