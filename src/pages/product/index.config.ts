export default definePageConfig({
  navigationBarTitleText: '商品详情',
  // The share handlers (services/share/page-share.ts): a card to a chat on every mini-program,
  // the timeline on WeChat (opened there in single-page mode).
  enableShareAppMessage: true,
  enableShareTimeline: true,
});
