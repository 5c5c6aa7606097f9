export default definePageConfig({
  navigationBarTitleText: '小店',
  enablePullDownRefresh: true,
  backgroundTextStyle: 'dark',
  onReachBottomDistance: 200,
  // The share handlers (services/share/page-share.ts): a card to a chat, the timeline on WeChat.
  enableShareAppMessage: true,
  enableShareTimeline: true,
});
