import { liveMessages } from '../../i18n/live';

export default definePageConfig({
  navigationBarTitleText: liveMessages['list.title'],
  enablePullDownRefresh: true,
  onReachBottomDistance: 200,
});
