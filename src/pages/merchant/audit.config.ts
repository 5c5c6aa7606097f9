import { merchantMessages } from '../../i18n/merchant';

export default definePageConfig({
  navigationBarTitleText: merchantMessages['wb.audit.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
