export default defineAppConfig({
  pages: [
    'pages/home/index',
    'pages/category/index',
    'pages/cart/index',
    'pages/me/index',
    'pages/product/index',
    'pages/login/index',
    'pages/not-found/index',
  ],
  subPackages: [
    { root: 'pages/checkout', pages: ['index', 'cashier', 'result', 'address-list', 'address-edit'] },
    { root: 'pages/orders', pages: ['index', 'detail'] },
    { root: 'pages/search', pages: ['index'] },
    { root: 'pages/legal', pages: ['agreement', 'privacy'] },
    // The merchant workbench (staff only): its own subpackage, outside the main package's budget.
    { root: 'pages/merchant', pages: ['index', 'orders', 'order', 'after-sales', 'after-sale', 'products', 'stock-alerts', 'staff', 'audit', 'join',
      'referral', 'referral-rules', 'referral-applications', 'referral-report', 'referral-withdrawals', 'referral-holds',
      'live-sessions', 'live-edit', 'live-console'] },
    { root: 'pages/aftersale', pages: ['index', 'apply', 'detail'] },
    // The promoter centre (分销中心): earnings, team, commissions, leaderboard, posters, withdrawals.
    { root: 'pages/promoter', pages: ['index', 'team', 'commissions', 'leaderboard', 'posters', 'withdraw', 'withdrawals'] },
    // Live rooms as viewers see them (直播): the list and the room; mount is the Douyin live-room
    // mount entry (pages/live/mount?session=<id>) (docs/live.md).
    { root: 'pages/live', pages: ['index', 'room', 'mount'] },
  ],
  // WeChat 小程序直播's room plugin, declared only when the build names its version (an app id
  // must have added the plugin, or DevTools refuses the app): services/live/wechat-room.ts.
  ...(process.env.TARO_ENV === 'weapp' && process.env.TARO_APP_WECHAT_LIVE_PLUGIN
    ? { plugins: { 'live-player-plugin': { version: process.env.TARO_APP_WECHAT_LIVE_PLUGIN, provider: 'wx2b03c6e691cd7370' } } }
    : {}),
  // H5: pages switch without Taro's slide animation. Its router hides the page left behind by a
  // timer (duration + delay, 350 ms) that showing the page again does not cancel, so a Back
  // within that time left a blank screen (e2e/back-navigation.e2e.ts); the m-sites of the big
  // shops do not slide either.
  ...(process.env.TARO_ENV === 'h5' ? { animation: false } : {}),
  window: {
    navigationBarTitleText: '小店',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTextStyle: 'black',
    backgroundColor: '#f5f5f5',
    backgroundTextStyle: 'dark',
  },
  // Icons: 81x81 PNGs drawn by a small script (under 500 bytes each).
  tabBar: {
    color: '#666666',
    selectedColor: '#d12b30',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/home/index', text: '首页', iconPath: 'assets/tabbar/home.png', selectedIconPath: 'assets/tabbar/home-active.png' },
      { pagePath: 'pages/category/index', text: '分类', iconPath: 'assets/tabbar/category.png', selectedIconPath: 'assets/tabbar/category-active.png' },
      { pagePath: 'pages/cart/index', text: '购物车', iconPath: 'assets/tabbar/cart.png', selectedIconPath: 'assets/tabbar/cart-active.png' },
      { pagePath: 'pages/me/index', text: '我的', iconPath: 'assets/tabbar/me.png', selectedIconPath: 'assets/tabbar/me-active.png' },
    ],
  },
});
