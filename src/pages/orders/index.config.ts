import { tradeMessages } from '../../i18n/trade';

export default definePageConfig({
  navigationBarTitleText: tradeMessages['orders.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
