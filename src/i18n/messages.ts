import type { ErrorCode, LineIssue, OrderStatus, OrderTab, PayChannel, RefundStatus, TenderKind } from '@contract';
import { shareMessages } from './share';

/** Strings shared by the main package. Every UI string lives in this catalog. */
const common = {
  appName: '小店',
  // H5 document (config/index.html)
  appTitle: '小店 · 好物精选',
  appDescription: '小店：精选好物，多商家一站购齐，微信支付、支付宝、抖音支付与余额积分组合支付。',
  noScript: '请开启浏览器的 JavaScript 后使用小店',
  // generic
  retry: '重试',
  loading: '加载中…',
  loadMore: '上拉加载更多',
  loadMoreFailed: '加载失败，点击重试',
  noMore: '没有更多了',
  empty: '这里空空如也',
  offline: '网络不可用，请检查网络设置',
  offlineBanner: '当前网络不可用，显示的内容可能不是最新的',
  errorTitle: '加载失败',
  confirm: '确定',
  cancel: '取消',
  ok: '好的',
  // tab bar
  tabHome: '首页',
  tabCategory: '分类',
  tabCart: '购物车',
  tabMe: '我的',
  // home
  searchPlaceholder: '搜索商品',
  search: '搜索',
  clear: '清除',
  homeFeedTitle: '为你推荐',
  homeEmpty: '暂无商品',
  // The home page's 直播 entry (shown only while a session is on air or coming); the live pages' own text is i18n/live.ts.
  'live.entry': '直播',
  'live.entryOnAir': '直播中',
  'live.entryUpcoming': '{time} 开播',
  sold: '已售 {n}',
  // category
  categoryAll: '全部',
  sortDefault: '综合',
  sortSales: '销量',
  sortPriceAsc: '价格↑',
  sortPriceDesc: '价格↓',
  categoryEmpty: '没有找到相关商品',
  searchResultFor: '“{q}”的搜索结果',
  clearSearch: '清除搜索',
  // product
  productNotFound: '商品不存在或已删除',
  offShelf: '已下架',
  soldOut: '已售罄',
  stockLeft: '库存 {n} 件',
  selectSpec: '请选择 {names}',
  selected: '已选：{text}',
  quantity: '数量',
  quantityDecrease: '减少',
  quantityIncrease: '增加',
  addToCart: '加入购物车',
  buyNow: '立即购买',
  addedToCart: '已加入购物车',
  chooseFullSpec: '请先选择完整规格',
  merchant: '店铺：{name}',
  description: '商品详情',
  originalPrice: '原价',
  // cart
  cartTitle: '购物车',
  cartEmpty: '购物车还是空的',
  cartGoneItem: '商品已不存在',
  goShopping: '去逛逛',
  selectAll: '全选',
  total: '合计：',
  checkout: '结算',
  checkoutCount: '结算({n})',
  remove: '删除',
  removeConfirm: '确定删除这件商品吗？',
  priceChangedNotice: '部分商品价格有变动，请留意',
  priceWas: '加入时 {price}',
  invalidLines: '失效商品',
  nothingSelected: '请选择要结算的商品',
  cartLoginHint: '登录后可同步购物车',
  goLogin: '去登录',
  // login
  loginTitle: '登录',
  oneTapLogin: '一键登录',
  loginWelcome: '欢迎来到小店',
  loginHint: '登录后可下单、查看订单和同步购物车',
  phonePlaceholder: '请输入手机号',
  codePlaceholder: '请输入 6 位验证码',
  getCode: '获取验证码',
  resendIn: '{n} 秒后重发',
  codeSent: '验证码已发送',
  invalidPhone: '请输入正确的手机号',
  invalidCode: '请输入 6 位数字验证码',
  login: '登录',
  loggingIn: '登录中…',
  loginSuccess: '登录成功',
  loginCancelled: '登录已取消',
  mergeCartFailed: '购物车同步失败，请稍后在购物车中重试',
  // me
  meGuest: '点击登录',
  meGuestHint: '登录后查看订单与地址',
  myOrders: '我的订单',
  allOrders: '全部订单',
  addresses: '收货地址',
  logout: '退出登录',
  logoutConfirm: '确定退出登录吗？',
  sessionEnded: '已退出登录',
  loggedOut: '已退出登录',
  phoneMasked: '手机号 {phone}',
  // payment (shared pay adapter)
  sandboxPayTitle: '沙箱支付',
  sandboxPayContent: '沙箱支付 {amount}',
  sandboxPayConfirm: '确认支付',
  payNotSupported: '当前环境不支持该支付方式',
  payFailed: '支付未成功，请稍后重试',
  payUpgradeApp: '当前版本不支持支付，请升级到最新版本后重试',
  sandboxChannelTitle: '沙箱 · {channel}',
  // wallet (me page)
  walletBalance: '余额',
  walletPoints: '积分',
  // login adapter
  loginNotSupported: '当前环境不支持一键登录',
} as const;

/**
 * Shopper features block: title bar, search, login consent and legal pages, cart groups,
 * address region picker and paste, icons' labels, order numbers.
 */
const features = {
  back: '返回',
  productTitle: '商品详情',
  /** A product opened from a live session (WeChat room goods, Douyin mount): its session price. */
  livePrice: '直播价',
  /** pages/live/mount while it finds where the session's entry leads. */
  liveMountOpening: '正在进入直播…',
  liveMountTitle: '直播',
  liveMountNotFound: '这场直播不存在或已结束',
  // search page
  searchTitle: '搜索',
  searchHistory: '搜索历史',
  searchClearHistory: '清空',
  searchClearConfirm: '确定清空全部搜索历史吗？',
  searchHot: '热门搜索',
  searchSuggestions: '搜索建议',
  searchNoResult: '没有找到“{q}”相关的商品',
  searchCancel: '取消',
  // login consent and legal pages
  consentPrefix: '我已阅读并同意',
  consentAnd: '和',
  agreementLink: '《用户服务协议》',
  privacyLink: '《隐私政策》',
  agreementTitle: '用户服务协议',
  privacyTitle: '隐私政策',
  consentRequired: '请先阅读并勾选同意《用户服务协议》和《隐私政策》',
  consentCheckbox: '同意用户服务协议和隐私政策',
  consentTitle: '服务协议及隐私保护',
  consentAgree: '同意',
  // cart groups
  shopSelectAll: '选择 {name} 的全部商品',
  // address: region picker and paste
  regionTitle: '选择所在地区',
  regionChoose: '请选择',
  regionLabel: '所在地区',
  regionPlaceholder: '省、市、区',
  pasteTitle: '智能填写',
  pastePlaceholder: '粘贴或输入整段地址，自动识别姓名、电话和地址，如：张三 13800138000 浙江省杭州市西湖区文三路90号',
  pasteFromClipboard: '粘贴并识别',
  pasteRecognize: '识别',
  pasteFilled: '已识别并填入，请核对',
  pasteNothing: '未能识别出地址信息，请手动填写',
  pasteClipboardEmpty: '剪贴板中没有文字',
  // order numbers
  orderNumber: '订单编号：{no}',
  copy: '复制',
  copied: '已复制',
} as const;

/** Problem codes (contract/errors.ts) and client-side failures -> what the shopper reads. */
export const errorMessages: Record<ErrorCode | 'NETWORK' | 'TIMEOUT' | 'ABORTED' | 'UNKNOWN', string> = {
  VALIDATION_FAILED: '提交的信息有误，请检查后重试',
  MALFORMED_JSON: '请求格式错误',
  UNAUTHORIZED: '请先登录',
  LOGIN_FAILED: '登录失败，请重试',
  ACCOUNT_DISABLED: '账号已停用，如有疑问请联系客服',
  OTP_INVALID: '验证码错误或已过期',
  OTP_TOO_FREQUENT: '验证码发送太频繁，请稍后再试',
  NOT_FOUND: '内容不存在或已删除',
  ROUTE_NOT_FOUND: '请求的接口不存在',
  METHOD_NOT_ALLOWED: '不支持的请求方式',
  ILLEGAL_TRANSITION: '当前状态不允许此操作',
  IDEMPOTENCY_IN_PROGRESS: '请求正在处理中，请稍候',
  IDEMPOTENCY_KEY_REUSED: '请求重复，请刷新后重试',
  IDEMPOTENCY_KEY_REQUIRED: '请求缺少幂等键',
  PAYLOAD_TOO_LARGE: '提交的内容过大',
  UNSUPPORTED_MEDIA_TYPE: '不支持的内容格式',
  SKU_UNAVAILABLE: '商品规格已失效或已下架',
  OUT_OF_STOCK: '库存不足',
  CART_EMPTY: '没有可结算的商品',
  CART_FULL: '购物车已满，请先清理部分商品',
  ORDER_NOT_PAYABLE: '订单当前不可支付',
  ADDRESS_REQUIRED: '请选择收货地址',
  PAYMENT_EXPIRED: '支付已超时',
  NOTIFY_REJECTED: '支付通知校验失败',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  UPGRADE_REQUIRED: '连接方式不受支持，请更新应用后再试',
  ADDRESS_LIMIT_REACHED: '收货地址已达上限，请先删除不用的地址',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
  GIFT_CARD_INVALID: '礼品卡卡号或密码错误',
  GIFT_CARD_EXPIRED: '礼品卡已过期',
  GIFT_CARD_LOCKED: '密码错误次数过多，礼品卡已暂时锁定',
  INSUFFICIENT_FUNDS: '余额、积分或礼品卡余额有变动，请重新选择',
  CHANNEL_REQUIRED: '请选择支付方式支付剩余金额',
  CHANNEL_UNAVAILABLE: '支付渠道暂时不可用，请稍后再试',
  PAYMENT_AMOUNT_INVALID: '支付金额不正确',
  PAYMENT_NOT_OPEN: '该支付已结束',
  REFUND_NOT_ALLOWED: '该订单暂不能退款',
  REFUND_AMOUNT_EXCEEDED: '退款金额超出可退金额',
  FORBIDDEN_ROLE: '当前身份无权进行此操作',
  STAFF_EXISTS: '该手机号已是店铺员工或已在邀请中',
  STAFF_LAST_OWNER: '店铺至少需要保留一位店主',
  STAFF_SELF_REMOVAL: '不能将自己移出店铺',
  STAFF_ALREADY_MEMBER: '你已是该店铺的员工',
  INVITE_NOT_FOUND: '邀请码无效或已过期，请向店主索取新的邀请码',
  INVITE_CODE_LOCKED: '邀请码错误次数过多，请稍后再试',
  AFTER_SALE_ORDER_NOT_PAID: '订单尚未付款，暂不能申请售后',
  AFTER_SALE_NOTHING_TO_REFUND: '该订单已全部退款，无需再申请',
  AFTER_SALE_QUANTITY_EXCEEDED: '申请数量超出可售后数量',
  AFTER_SALE_KIND_NOT_ALLOWED: '订单尚未发货，请申请仅退款',
  AFTER_SALE_KIND_MISMATCH: '该售后类型不支持此操作',
  AFTER_SALE_PHOTO_INVALID: '凭证图片无效，请重新上传',
  IMAGE_INVALID: '仅支持 JPG、PNG、WebP 格式的图片',
  ORDER_ALREADY_SHIPPED: '该订单已发货，无需重复发货',
  ORDER_NOT_SHIPPABLE: '该订单当前不能发货',
  SHIPMENT_LINES_INVALID: '包裹中的商品有误，请检查后重试',
  PICKUP_CODE_INVALID: '核销码不正确',
  PICKUP_CODE_LOCKED: '核销码错误次数过多，请稍后再试',
  ORDER_NOT_PICKUP_READY: '该订单当前不能核销',
  STOCK_BELOW_ZERO: '库存不能少于 0',
  STOCK_CHANGED: '库存已变化，请刷新后重试',
  NOT_A_PROMOTER: '暂时还不能推广，请先成为推广员',
  REFERRAL_ALREADY_PROMOTER: '你已经是推广员了',
  REFERRAL_APPLICATIONS_CLOSED: '当前无需申请即可推广',
  REFERRAL_APPLICATION_OPEN: '你的申请正在审核中',
  WITHDRAWAL_BELOW_MINIMUM: '提现金额低于最低提现金额',
  WITHDRAWAL_EXCEEDS_AVAILABLE: '提现金额超过可提现佣金',
  WITHDRAWAL_DAILY_LIMIT: '已超过今日提现额度，请明天再试',
  WITHDRAWAL_CLAWBACK_OWED: '你有待扣回的佣金，暂时不能提现',
  WITHDRAWAL_DESTINATION_UNAVAILABLE: '暂不支持提现到该账户，请在对应小程序中登录后再试',
  WITHDRAWAL_CHANNEL_LIMIT: '单笔提现金额过大，请分次提现或提现到余额',
  SHARE_CODE_FAILED: '小程序码生成失败，请稍后再试',
  SHARE_CODE_UNAVAILABLE: '暂不支持生成该平台的小程序码',
  LIVE_SOLD_OUT: '直播专享库存已抢光',
  LIVE_LIMIT_REACHED: '已达到本场直播的限购数量',
  LIVE_BUSY: '太火爆了，请稍后再试',
  LIVE_PRICE_INVALID: '直播价不能低于 0 或高于商品原价',
  LIVE_QUOTA_INVALID: '直播库存不能少于已售数量，也不能超过商品可用库存',
  LIVE_LINEUP_INVALID: '该商品不在本场直播的商品列表中',
  LIVE_WECHAT_UNAVAILABLE: '暂不支持关联微信直播间',
  LIVE_WECHAT_FAILED: '同步商品到微信直播间失败，请稍后再试',
  INTERNAL: '服务器开小差了，请稍后再试',
  NETWORK: '网络不可用，请检查网络后重试',
  TIMEOUT: '请求超时，请稍后再试',
  ABORTED: '请求已取消',
  UNKNOWN: '出错了，请稍后再试',
};

export const orderStatusLabels: Record<OrderStatus, string> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  closed: '已关闭',
};

export const orderTabLabels: Record<OrderTab, string> = {
  all: '全部',
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
};

/** Payment channels as the shopper knows them. */
export const channelLabels: Record<PayChannel, string> = {
  wechatpay: '微信支付',
  alipay: '支付宝',
  douyin: '抖音支付',
  sandbox: '沙箱支付',
};

/** How a payment was paid, or how a refund goes back, per tender. */
export const tenderLabels: Record<TenderKind, string> = {
  balance: '余额',
  points: '积分',
  gift_card: '礼品卡',
  channel: '原路退回',
};

export const refundStatusLabels: Record<RefundStatus, string> = {
  processing: '处理中',
  succeeded: '已退款',
  failed: '失败',
};

export const lineIssueLabels: Record<LineIssue, string> = {
  off_shelf: '已下架',
  out_of_stock: '已售罄',
  insufficient_stock: '库存不足',
  sku_missing: '商品规格已失效',
  price_changed: '价格已变动',
};

/** The merchant workbench's entry on the 我的 page (the workbench's own strings: workbench.ts). */
const workbenchEntryMessages = {
  'wb.entry': '商家工作台',
  'wb.entryHint': '管理订单、商品与售后',
} as const;

/**
 * Page errors, offline, missing pages and failed images: one block, so it merges on its own.
 * Spread into the catalog below.
 */
const recoveryMessages = {
  'pageError.offlineTitle': '网络不可用',
  'pageError.offlineHint': '请检查网络设置后重试，恢复联网后会自动刷新',
  'pageError.notFoundHint': '去首页看看别的吧',
  'pageError.goHome': '返回首页',
  'pageError.pageNotFound': '页面不存在',
  'pageError.pageNotFoundHint': '链接可能有误，或页面已经下线',
  'pageError.pageLoadFailed': '页面没有打开',
  'pageError.pageLoadFailedHint': '网络不可用，页面未能加载。请检查网络后重试，恢复联网后会自动重试',
  'pageError.pageLoadRetrying': '正在重新加载…',
  'pageError.imageFailed': '图片加载失败',
  offShelfHint: '商品已下架，看看其他商品吧',
} as const;

/**
 * The first chapter of the one catalog: what the first pages and the shared components say
 * (the H5 first load carries it). The other chapters travel with the pages that use them:
 * checkout, orders, after-sales and referral (catalog.ts), the merchant workbench
 * (workbench.ts); those pages take `t` from there, and a key of another chapter does not
 * type-check against this `t`.
 */
export const messages = { ...common, ...workbenchEntryMessages, ...recoveryMessages, ...features, ...shareMessages };
export type MessageKey = keyof typeof messages;

/** A catalog template with `{name}` placeholders filled from params. */
function fill(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** `t` over one chapter's table and those below it (this file's, catalog.ts's, workbench.ts's). */
export function translator<K extends string>(table: Record<K, string>): (key: K, params?: Record<string, string | number>) => string {
  return (key, params) => fill(table[key], params);
}

/** The catalog string for key, with `{name}` placeholders filled from params. */
export const t = translator<MessageKey>(messages);

/** The message for a problem code; unknown codes get the generic message. */
export function errorMessage(code: string): string {
  return Object.prototype.hasOwnProperty.call(errorMessages, code)
    ? errorMessages[code as keyof typeof errorMessages]
    : errorMessages.UNKNOWN;
}
