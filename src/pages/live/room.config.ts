import { liveMessages } from '../../i18n/live';

export default definePageConfig({
  navigationBarTitleText: liveMessages['room.title'],
  navigationBarBackgroundColor: '#000000',
  navigationBarTextStyle: 'white',
  backgroundColor: '#000000',
  // The share handlers (services/share/page-share.ts): a card to a chat, the timeline on WeChat.
  enableShareAppMessage: true,
  enableShareTimeline: true,
  disableScroll: true,
});
