import { merchantMessages } from '../../i18n/merchant';

export default definePageConfig({
  navigationBarTitleText: merchantMessages['wb.order.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
