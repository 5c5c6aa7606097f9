import { afterSaleMessages } from '../../i18n/aftersale';

export default definePageConfig({
  navigationBarTitleText: afterSaleMessages['aftersale.listTitle'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
});
