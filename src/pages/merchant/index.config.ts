import { merchantMessages } from '../../i18n/merchant';

export default definePageConfig({
  navigationBarTitleText: merchantMessages['wb.home.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
