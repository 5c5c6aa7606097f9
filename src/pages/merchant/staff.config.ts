import { merchantMessages } from '../../i18n/merchant';

export default definePageConfig({
  navigationBarTitleText: merchantMessages['wb.staff.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 100,
  // The invite result's share button (mini-programs): a card that opens the join page with the code.
  enableShareAppMessage: true,
});
