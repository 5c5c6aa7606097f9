import { liveHostMessages } from '../../i18n/live-host';

export default definePageConfig({
  navigationBarTitleText: liveHostMessages['wb.live.console.title'],
  enablePullDownRefresh: true,
});
