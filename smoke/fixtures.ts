import { routes, type RouteName, type RouteOutput } from '../contract/routes';

/**
 * Canned answers of the simulated host's `request` API, one per route of the contract, shaped
 * exactly like the server's responses (fixtures.test.ts parses each with the route's schema).
 * They describe a quiet shop: empty product pages, one demo product, an empty cart, no orders.
 */
export interface CannedCall {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}
type Canned = { [N in RouteName]: (call: CannedCall) => RouteOutput<N> | null };

// Timestamps relative to the run, so a pending order is still inside its payment window.
const NOW = Date.now();
/** A withdrawal of ¥200 to the balance waiting for review (the workbench's withdrawals page). */
const SMOKE_WITHDRAWAL = {
  id: 'wd_smoke',
  amount: 20000,
  fee: 0,
  payout: 20000,
  destination: 'balance' as const,
  status: 'requested' as const,
  review: 'manual' as const,
  reason: null,
  failReason: null,
  createdAt: NOW,
  decidedAt: null,
  settledAt: null,
  confirm: null,
};
const SMOKE_MERCHANT_WITHDRAWAL = { ...SMOKE_WITHDRAWAL, promoterId: 'u_smoke', nickname: '演示用户', phone: '138****0000' };
const DEMO_PRODUCT_ID = 'p_demo';
const user = { id: 'u_smoke', nickname: '体验用户', avatar: null, phone: null, platform: 'weapp' };
const demoAddress = {
  id: 'adr_smoke', name: '张三', phone: '13800000000', province: '上海市', city: '上海市', district: '浦东新区',
  detail: '世纪大道 1 号', isDefault: true,
};
const demoOrder = {
  id: 'o_smoke', orderNo: '2026120700000000001', parentId: 'po_smoke', merchantId: 'm_demo', merchantName: '示例商家', status: 'pending_payment' as const,
  lines: [{ skuId: 'sku_demo_1', productId: DEMO_PRODUCT_ID, title: '示例商品', specText: '红色 / M', image: '/images/demo.svg', unitPrice: 1990, quantity: 1, lineAmount: 1990 }],
  amounts: { itemsAmount: 1990, shippingAmount: 0, discountAmount: 0, payableAmount: 1990 },
  fulfilment: { type: 'delivery' as const, addressId: 'adr_smoke' },
  shipTo: '张三 13800000000 上海市上海市浦东新区世纪大道 1 号', remark: null, createdAt: NOW, expiresAt: NOW + 30 * 60_000,
  paidAt: null, paidAmount: 0, refundedAmount: 0, timeline: [{ status: 'pending_payment' as const, at: NOW, note: '订单已提交' }],
};
/** A shipped order of the same shopper: the after-sale apply page opens with it (仅退款 and 退货退款). */
const shippedOrder = {
  ...demoOrder, id: 'o_smoke_shipped', orderNo: '2026120700000000003', status: 'shipped' as const, paidAt: NOW, paidAmount: 1990,
  timeline: [{ status: 'pending_payment' as const, at: NOW, note: '订单已提交' }, { status: 'paid' as const, at: NOW, note: '' }, { status: 'shipped' as const, at: NOW, note: '' }],
};
/** A combined payment waiting at the channel: ¥5.00 of points, ¥14.90 through the platform's channel. */
const demoPayment = {
  id: 'pay_smoke', orderId: 'po_smoke', amount: 1990, status: 'paying' as const,
  tenders: [
    { kind: 'points' as const, amount: 500, points: 500, giftCard: null },
    { kind: 'channel' as const, amount: 1490, points: null, giftCard: null },
  ],
  channel: 'wechatpay' as const, channelAmount: 1490, expiresAt: NOW + 30 * 60_000, paidAt: null, endReason: null,
  clientParams: {
    kind: 'wechatpay_jsapi' as const, appId: 'wx_smoke', timeStamp: String(Math.floor(NOW / 1000)), nonceStr: 'smoke',
    package: 'prepay_id=wx_smoke_prepay', signType: 'RSA' as const, paySign: 'c21va2U=',
  },
};
const demoWallet = { balance: 1000, points: 800, pointsRule: { pointsPerYuan: 100, capPercent: 50 } };
const demoGiftCard = { maskedNumber: '**** **** **** 0001', balance: 5000, expiresAt: Date.UTC(2100, 0, 1) };
const demoWorkplace = { merchantId: 'm_demo', merchantName: '示例商家', merchantLogo: '/images/m_demo.svg', role: 'owner' as const, staffId: 'stf_smoke' };
const demoStaff = {
  id: 'stf_smoke', userId: user.id, phone: '13800000000', nickname: user.nickname, role: 'owner' as const, status: 'active' as const,
  invitedBy: null, inviteExpiresAt: null, createdAt: NOW, updatedAt: NOW,
};
/** An invite code of the demo merchant, as the join page opens from a shared link. */
const DEMO_INVITE_CODE = 'SMK2345Q';
const demoInvitePreview = { merchantId: demoWorkplace.merchantId, merchantName: demoWorkplace.merchantName, merchantLogo: demoWorkplace.merchantLogo, role: 'operator' as const, expiresAt: NOW + 72 * 3600_000, alreadyMember: false };
const demoAfterSale = {
  id: 'as_smoke', orderId: 'o_smoke', orderNo: '2026010112345678901', merchantId: 'm_demo', userId: user.id, kind: 'refund_only' as const,
  status: 'requested' as const, reason: 'no_longer_needed' as const, description: null, photos: [],
  lines: [{ lineNo: 0, skuId: 'sku_smoke', title: '示例商品', specText: '红色', image: '/images/p_demo.svg', quantity: 1, amount: 1990 }],
  amount: 1990, shippingAmount: 0, returnAddress: null, returnCarrier: null, returnTrackingNo: null, rejectReason: null,
  approvedBy: null, refundId: null, deadlineAt: NOW + 48 * 3_600_000, createdAt: NOW, updatedAt: NOW, refundedAt: null,
};
const afterSaleCounts = { requested: 1, awaiting_return: 0, returning: 0, refunding: 0, refunded: 0, refund_failed: 0, rejected: 0, cancelled: 0, closed: 0 };
const demoMerchantOrder = {
  id: 'o_smoke', orderNo: '2026010112345678901', parentId: 'po_smoke', status: 'paid' as const, fulfilmentType: 'delivery' as const,
  contactName: '张三', contactPhone: '13800138000', title: '示例商品', image: '/images/p_demo.svg', lineCount: 1, itemCount: 1,
  payableAmount: 1990, createdAt: NOW, paidAt: NOW, merchantRemark: null,
  lines: [{ skuId: 'sku_demo', productId: DEMO_PRODUCT_ID, title: '示例商品', specText: '', image: '/images/p_demo.svg', unitPrice: 1990, quantity: 1, lineAmount: 1990 }],
  amounts: { itemsAmount: 1990, shippingAmount: 0, discountAmount: 0, payableAmount: 1990 }, shipTo: '张三 13800138000 上海市', buyerRemark: null,
  payments: { paidAmount: 1990, refundedAmount: 0, paidAt: NOW }, shipments: [], shippedAt: null, pickedUpAt: null, completedAt: null, timeline: [],
};
const demoMerchantProduct = {
  id: DEMO_PRODUCT_ID, title: '示例商品', cover: '/images/p_demo.svg', onShelf: true, priceFrom: 1990, sales: 0, stock: 10,
  skus: [{ id: 'sku_demo', productId: DEMO_PRODUCT_ID, specText: '', price: 1990, originalPrice: null, stock: 10, sales: 0, updatedAt: NOW }],
};
const demoCommission = {
  id: 'rc_smoke', orderId: 'o_smoke', orderNo: '2026120700000000001', productTitle: '示例商品', quantity: 1, level: 1, amount: 540,
  reversedAmount: 0, state: 'pending' as const, placedAt: NOW, availableAt: null,
};
/** A held commission in the workbench's queue (fraud controls), in the state asked for. */
const smokeHold = (state: 'open' | 'released' | 'rejected') => ({
  id: 'rh_smoke', orderId: 'o_smoke', orderNo: '2026010112345678901', level: 1, state,
  reasons: [{ code: 'same_device' as const }, { code: 'velocity' as const, bindings: 30, max: 20, windowMinutes: 60 }],
  promoter: { nickname: '张*三', phone: '138****0000' }, buyer: { nickname: '李*四', phone: '139****0000' },
  earned: 199, amount: state === 'rejected' ? 0 : 199, titles: ['示例商品'], riskRank: null,
  createdAt: NOW, decidedAt: state === 'open' ? null : NOW, note: null,
});
/** The demo live session on air: the demo product pinned (讲解中) at its session price, two SKUs in the lineup. */
export const DEMO_LIVE_SESSION_ID = 'ls_demo';
const demoLiveLines = [
  { skuId: 'sku_demo_1', productId: DEMO_PRODUCT_ID, title: '示例商品', specText: '红色 / M', image: '/images/demo.svg', price: 1590, originalPrice: 1990, quota: 50, left: 12 },
  { skuId: 'sku_demo_2', productId: DEMO_PRODUCT_ID, title: '示例商品', specText: '蓝色 / L', image: '/images/demo.svg', price: 1690, originalPrice: 2190, quota: 20, left: 0 },
];
const demoLiveSession = {
  id: DEMO_LIVE_SESSION_ID, merchantId: demoWorkplace.merchantId, merchantName: demoWorkplace.merchantName, title: '秋冬上新直播专场', cover: '/images/demo.svg',
  startsAt: NOW - 600_000, status: 'live' as const, playbackUrl: '/media/demo-live/index.m3u8', perShopperLimit: 2, pinnedProductId: DEMO_PRODUCT_ID,
  lines: demoLiveLines, viewers: 1280, likes: 5600, startedAt: NOW - 600_000, endedAt: null, mine: null, wechatRoomId: null,
};
const demoLiveBoard = {
  orders: 3, paidOrders: 2, gmv: 3180, viewers: 1280, likes: 5600,
  lines: demoLiveLines.map((l) => ({ skuId: l.skuId, quota: l.quota, sold: l.quota - l.left, paid: 2, left: l.left, gmv: 3180 })),
};
/** The demo session as its host runs it (the workbench's live pages). */
const demoHostLiveSession = {
  ...demoLiveSession, hostStaffId: demoStaff.id, wechatPushedAt: null, board: demoLiveBoard,
  lines: demoLiveLines.map((l) => ({ ...l, sold: l.quota - l.left, paid: 2, gmv: 3180, returned: 0 })),
  timeline: [{ type: 'started', note: '开播', at: NOW - 600_000 }, { type: 'pinned', note: '讲解 示例商品', at: NOW - 300_000 }],
};
const emptyCart = { lines: [], totals: { selectedQuantity: 0, selectedLines: 0, itemsAmount: 0, totalLines: 0 } };
/** The smoke promoter's share token (20 base62 characters, as the server makes them). */
export const SMOKE_TOKEN = 'AbCdEf012345GhIjKlMn';
/** A share link as POST /api/referral/links answers it: the target's page with the token as `rt`. */
function referralLinkFor(target: string) {
  const productId = target.includes(':') ? target.slice(target.indexOf(':') + 1) : null;
  const path = productId ? `/pages/product/index?id=${encodeURIComponent(productId)}&rt=${SMOKE_TOKEN}` : `/pages/home/index?rt=${SMOKE_TOKEN}`;
  return { token: SMOKE_TOKEN, path, expiresAt: NOW + 30 * 86_400_000 };
}
// Far in the future: the client drops a session whose expiry has passed (real clock).
const session = { token: 'smoke-token', expiresAt: Date.UTC(2100, 0, 1), user };

export const canned: Canned = {
  health: () => ({ status: 'ok', db: 'sqlite', uptimeSeconds: 1 }),
  getHome: () => ({
    banners: [{ id: 'b_demo', title: '新品上市', image: '/images/banner.svg', productId: DEMO_PRODUCT_ID }],
    categories: [{ id: 'c_demo', name: '服饰', icon: '/images/c_demo.svg', sort: 1 }],
  }),
  listCategories: () => ({ items: [{ id: 'c_demo', name: '服饰', icon: '/images/c_demo.svg', sort: 1 }] }),
  listProducts: () => ({ items: [], nextCursor: null }),
  suggestSearch: () => ({ items: ['示例商品'] }),
  getHotSearches: () => ({ items: ['示例商品', '服饰'] }),
  getProduct: ({ params }) => (params.id === DEMO_PRODUCT_ID ? {
    id: DEMO_PRODUCT_ID, merchantId: 'm_demo', merchantName: '示例商家', categoryId: 'c_demo', title: '示例商品',
    subtitle: '冒烟测试用', cover: '/images/demo.svg', priceFrom: 1990, originalPrice: 2990, sales: 12, stock: 5,
    images: ['/images/demo.svg'], description: '示例商品描述', onShelf: true,
    specs: [{ name: '颜色', values: ['红色', '蓝色'] }, { name: '尺码', values: ['M'] }],
    skus: [
      { id: 'sku_demo_1', specValues: ['红色', 'M'], price: 1990, originalPrice: 2990, stock: 5 },
      { id: 'sku_demo_2', specValues: ['蓝色', 'M'], price: 2190, originalPrice: null, stock: 0 },
    ],
  } : null),
  loginMini: () => session,
  requestOtp: () => ({ retryAfterSeconds: 60, expiresInSeconds: 300 }),
  loginPhone: () => session,
  getMe: () => user,
  listAddresses: () => ({ items: [demoAddress] }),
  createAddress: () => demoAddress,
  updateAddress: () => demoAddress,
  deleteAddress: () => ({ ok: true }),
  getCart: () => emptyCart,
  addCartItem: () => emptyCart,
  updateCartItem: () => emptyCart,
  removeCartItem: () => emptyCart,
  selectAllCart: () => emptyCart,
  mergeCart: () => emptyCart,
  quoteCart: () => emptyCart,
  previewCheckout: () => ({
    groups: [{
      merchantId: 'm_demo', merchantName: '示例商家',
      lines: [{ ...demoOrder.lines[0], issue: null }],
      amounts: demoOrder.amounts,
      pickupStore: { name: '示例门店', address: '上海市浦东新区世纪大道 1 号', hours: '09:00-21:00' },
    }],
    amounts: demoOrder.amounts,
    fulfilment: { type: 'delivery', addressId: demoAddress.id },
    address: demoAddress,
    canSubmit: true,
    freeShippingThreshold: 9900,
  }),
  createOrder: () => ({ id: 'po_smoke', orderNo: '2026120700000000002', status: 'pending_payment', amounts: demoOrder.amounts, createdAt: NOW, expiresAt: demoOrder.expiresAt, children: [demoOrder] }),
  listOrders: () => ({ items: [], nextCursor: null }),
  getOrderCounts: () => ({ pending_payment: 0, paid: 0, shipped: 0 }),
  getOrder: ({ params }) => (params.id === demoOrder.id ? demoOrder : params.id === shippedOrder.id ? shippedOrder : null),
  getParentOrder: ({ params }) => (params.id === 'po_smoke'
    ? { id: 'po_smoke', orderNo: '2026120700000000002', status: 'pending_payment', amounts: demoOrder.amounts, createdAt: NOW, expiresAt: demoOrder.expiresAt, children: [demoOrder] }
    : null),
  cancelOrder: () => ({ ...demoOrder, status: 'cancelled' }),
  confirmReceipt: () => ({ ...demoOrder, status: 'completed' }),
  getWallet: () => demoWallet,
  verifyGiftCard: () => demoGiftCard,
  createPayment: () => demoPayment,
  getPayment: ({ params }) => (params.id === demoPayment.id ? demoPayment : null),
  cancelPayment: ({ params }) => (params.id === demoPayment.id ? { ...demoPayment, status: 'closing', endReason: 'cancelled' } : null),
  listOpenPayments: ({ params }) => (params.id === demoOrder.id || params.id === demoOrder.parentId ? { items: [] } : null),
  listRefunds: ({ params }) =>
    params.id === demoOrder.id ? { items: [], paidAmount: 0, refundableAmount: 0 } : params.id === shippedOrder.id ? { items: [], paidAmount: 1990, refundableAmount: 1990 } : null,
  // The smoke shopper is nobody's staff; the workbench's answers are shaped for its own pages to come.
  listWorkplaces: () => ({ items: [] }),
  getWorkplace: () => demoWorkplace,
  listStaff: () => ({ items: [demoStaff] }),
  inviteStaff: () => ({ ...demoStaff, id: 'stf_smoke_invite', userId: null, phone: null, nickname: null, role: 'operator' as const, status: 'invited' as const, inviteExpiresAt: NOW + 72 * 3600_000, inviteCode: DEMO_INVITE_CODE }),
  updateStaff: () => demoStaff,
  removeStaff: () => ({ ok: true }),
  listAudit: () => ({ items: [], nextCursor: null }),
  getStaffInvite: () => demoInvitePreview,
  acceptStaffInvite: () => ({ ...demoWorkplace, role: 'operator' as const }),
  createAfterSale: () => demoAfterSale,
  listAfterSales: () => ({ items: [demoAfterSale], nextCursor: null }),
  getAfterSale: () => demoAfterSale,
  cancelAfterSale: () => ({ ...demoAfterSale, status: 'cancelled' as const }),
  shipAfterSaleReturn: () => demoAfterSale,
  listMerchantAfterSales: () => ({ items: [demoAfterSale], nextCursor: null, counts: afterSaleCounts }),
  getMerchantAfterSale: () => demoAfterSale,
  approveAfterSale: () => demoAfterSale,
  approveAfterSaleReturn: () => demoAfterSale,
  rejectAfterSale: () => demoAfterSale,
  receiveAfterSaleReturn: () => demoAfterSale,
  retryAfterSaleRefund: () => demoAfterSale,
  listMerchantOrders: () => ({ items: [], nextCursor: null, counts: { all: 0, to_ship: 0, to_pickup: 0, shipped: 0, completed: 0, closed: 0 } }),
  getMerchantOrder: () => demoMerchantOrder,
  shipMerchantOrder: () => ({ ...demoMerchantOrder, status: 'shipped' as const }),
  verifyPickup: () => ({ ...demoMerchantOrder, status: 'completed' as const }),
  remarkMerchantOrder: () => demoMerchantOrder,
  listMerchantProducts: () => ({ items: [demoMerchantProduct], nextCursor: null }),
  setProductShelf: () => demoMerchantProduct,
  setSkuPrice: () => demoMerchantProduct.skus[0],
  changeSkuStock: () => demoMerchantProduct.skus[0],
  listStockAlerts: () => ({ items: [], nextCursor: null }),
  getDashboard: () => ({ date: '2026-01-01', timeZone: 'Asia/Shanghai' as const, paidOrders: 0, gmv: 0, refunds: { count: 0, amount: 0 }, toShip: 0, toPickup: 0, afterSalesWaiting: 0, computedAt: NOW }),
  createReferralLink: ({ body }) => referralLinkFor(String((body as { target?: unknown } | undefined)?.target ?? 'home')),
  resolveReferralLink: ({ params }) => (params.token === SMOKE_TOKEN ? { target: `poster:${DEMO_PRODUCT_ID}`, path: `/pages/product/index?id=${DEMO_PRODUCT_ID}&rt=${SMOKE_TOKEN}` } : null),
  recordReferralVisit: () => null,
  bindReferral: () => ({ bound: false }),
  getReferralMe: () => ({
    isPromoter: true, policy: 'everyone' as const, minSpend: null, spent: null, canApply: false, application: null, promoter: null, maxLevels: 2,
    team: [{ level: 1, count: 1 }, { level: 2, count: 0 }],
  }),
  getReferralEstimate: ({ query }) => ({ productId: query.productId ?? DEMO_PRODUCT_ID, enabled: true, skus: [{ skuId: 'sku_demo_1', amount: 199 }, { skuId: 'sku_demo_2', amount: 219 }] }),
  listReferralTeam: () => ({ items: [{ nickname: '张**丰', joinedAt: NOW }], nextCursor: null }),
  applyReferralPromoter: () => ({ id: 'rap_smoke', status: 'pending' as const, note: null, reason: null, createdAt: NOW, decidedAt: null }),
  // The workbench's referral pages show a row, a rule with an override of the demo product, and a day with commissions.
  listReferralApplications: () => ({ items: [{ id: 'rap_smoke', status: 'pending' as const, note: '想分享给朋友', reason: null, createdAt: NOW, decidedAt: null, userId: 'u_smoke', nickname: '演示用户', phone: '138****0000' }], nextCursor: null }),
  approveReferralApplication: () => ({ id: 'rap_smoke', status: 'approved' as const, note: null, reason: null, createdAt: NOW, decidedAt: NOW, userId: 'u_smoke', nickname: '演示用户', phone: '138****0000' }),
  rejectReferralApplication: () => ({ id: 'rap_smoke', status: 'rejected' as const, note: null, reason: '资料不完整', createdAt: NOW, decidedAt: NOW, userId: 'u_smoke', nickname: '演示用户', phone: '138****0000' }),
  getReferralRules: () => ({
    merchantId: 'm_01', version: 2, enabled: true, levels: 2, mode: 'rate' as const, amounts: [1000, 500], freezeDays: 7,
    overrides: [{ target: 'product' as const, targetId: DEMO_PRODUCT_ID, mode: 'rate' as const, amounts: [1500, 500] }], createdAt: NOW, createdBy: 'u_smoke',
  }),
  setReferralRules: () => ({ merchantId: 'm_01', version: 1, enabled: true, levels: 2, mode: 'rate' as const, amounts: [1000, 500], freezeDays: 7, overrides: [], createdAt: NOW, createdBy: null }),
  getCommissionReport: () => ({ merchantId: 'm_01', total: { paid: 1234, reversed: 200, commissions: 3 }, days: [{ day: '2026-01-01', paid: 1234, reversed: 200, commissions: 3 }] }),
  // The promoter centre's pages (pages/promoter) show the smoke shopper as a promoter with a little of everything.
  getReferralEarnings: () => ({ pending: 1200, frozen: 3450, available: 12850, withdrawing: 0, withdrawn: 50000, owed: 0,
    withdraw: { minimum: 100, feeFen: 0, feeBp: 60, dailyLimit: 500000, remainingToday: 500000, autoApproveMax: 20000, channelMinPayout: 10, wechatPayoutBelow: 200000 } }),
  listReferralCommissions: () => ({ items: [demoCommission], nextCursor: null }),
  getReferralLeaderboard: ({ query }) => ({
    period: query.period === 'all' ? 'all' as const : 'month' as const, from: query.period === 'all' ? null : NOW,
    items: [{ rank: 1, nickname: '体**户', amount: 540, isMe: true }], me: { rank: 1, amount: 540 }, computedAt: NOW,
  }),
  createReferralWithdrawal: () => SMOKE_WITHDRAWAL,
  listReferralWithdrawals: () => ({ items: [SMOKE_WITHDRAWAL], nextCursor: null }),
  getReferralWithdrawal: () => SMOKE_WITHDRAWAL,
  listMerchantWithdrawals: () => ({ items: [SMOKE_MERCHANT_WITHDRAWAL], nextCursor: null }),
  approveReferralWithdrawal: () => ({ ...SMOKE_MERCHANT_WITHDRAWAL, status: 'succeeded' as const, decidedAt: NOW, settledAt: NOW }),
  rejectReferralWithdrawal: () => ({ ...SMOKE_MERCHANT_WITHDRAWAL, status: 'rejected' as const, reason: '账户信息有误', decidedAt: NOW, settledAt: NOW }),
  listReferralHolds: () => ({ items: [smokeHold('open')], nextCursor: null }),
  releaseReferralHold: () => smokeHold('released'),
  rejectReferralHold: () => smokeHold('rejected'),
  // Live: one session on air (the list, the room with its pinned card); the host's routes answer it as the host runs it.
  listLiveSessions: () => ({ items: [{ id: demoLiveSession.id, merchantId: demoLiveSession.merchantId, merchantName: demoLiveSession.merchantName, title: demoLiveSession.title,
    cover: demoLiveSession.cover, startsAt: demoLiveSession.startsAt, status: demoLiveSession.status, pinnedProductId: demoLiveSession.pinnedProductId, viewers: demoLiveSession.viewers }], nextCursor: null }),
  getLiveSession: ({ params }) => (params.sessionId === DEMO_LIVE_SESSION_ID ? demoLiveSession : null),
  likeLiveSession: ({ body }) => ({ likes: demoLiveSession.likes + Number((body as { count?: unknown } | undefined)?.count ?? 0) }),
  listHostLiveSessions: () => ({ items: [{ id: demoHostLiveSession.id, title: demoHostLiveSession.title, cover: demoHostLiveSession.cover, startsAt: demoHostLiveSession.startsAt,
    status: demoHostLiveSession.status, pinnedProductId: demoHostLiveSession.pinnedProductId, viewers: demoHostLiveSession.viewers, board: demoLiveBoard }], nextCursor: null }),
  createLiveSession: () => ({ ...demoHostLiveSession, status: 'scheduled' as const, startsAt: NOW + 3_600_000, startedAt: null, pinnedProductId: null }),
  getHostLiveSession: () => demoHostLiveSession,
  updateLiveSession: () => demoHostLiveSession,
  actLiveSession: () => demoHostLiveSession,
  pinLiveProduct: () => demoHostLiveSession,
  addLiveLine: () => demoHostLiveSession,
  updateLiveLine: () => demoHostLiveSession,
  linkLiveWechatRoom: () => ({ ...demoHostLiveSession, wechatRoomId: 1001, wechatPushedAt: NOW }),
  // A 1x1 PNG: the smoke hosts draw whatever image the code is.
  shareCode: () => ({ image: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' }),
};

/**
 * Storage of a signed-in shopper: the client's persisted session store (zustand persist,
 * key `shop.session` in src/stores/session.ts) holding the canned session's token.
 */
/** Storage holding a persisted session, as the client's session store writes it (src/stores/session.ts). */
export function sessionStorageOf(s: { token: string; user: unknown; expiresAt: number | null }): Record<string, unknown> {
  return { 'shop.session': JSON.stringify({ state: { token: s.token, user: s.user, expiresAt: s.expiresAt }, version: 1 }) };
}

export const SIGNED_IN_STORAGE: Record<string, unknown> = sessionStorageOf(session);

/** Query strings the host opens pages with, so pages that need an id find the demo records. */
export const DEFAULT_PAGE_QUERIES: Record<string, Record<string, string>> = {
  // Opened from a promoter's share: its visit is reported (a guest's) or bound (signed in).
  product: { id: DEMO_PRODUCT_ID, rt: SMOKE_TOKEN },
  checkout: { items: 'sku_demo_1:1' },
  'orders/detail': { id: demoOrder.id },
  'checkout/result': { parentId: 'po_smoke', paymentId: demoPayment.id, orderId: 'po_smoke' },
  'checkout/cashier': { orderId: 'po_smoke' },
  'checkout/address-edit': { id: demoAddress.id },
  // The workbench's pages name their merchant (the smoke session has no remembered one).
  merchant: { merchantId: demoWorkplace.merchantId },
  'merchant/orders': { merchantId: demoWorkplace.merchantId },
  'merchant/order': { merchantId: demoWorkplace.merchantId, id: demoMerchantOrder.id },
  'merchant/after-sales': { merchantId: demoWorkplace.merchantId },
  'merchant/after-sale': { merchantId: demoWorkplace.merchantId, id: demoAfterSale.id },
  'merchant/products': { merchantId: demoWorkplace.merchantId },
  'merchant/stock-alerts': { merchantId: demoWorkplace.merchantId },
  'merchant/staff': { merchantId: demoWorkplace.merchantId },
  'merchant/audit': { merchantId: demoWorkplace.merchantId },
  'merchant/referral': { merchantId: demoWorkplace.merchantId },
  'merchant/referral-rules': { merchantId: demoWorkplace.merchantId },
  'merchant/referral-applications': { merchantId: demoWorkplace.merchantId },
  'merchant/referral-report': { merchantId: demoWorkplace.merchantId },
  'merchant/live-sessions': { merchantId: demoWorkplace.merchantId },
  'merchant/live-edit': { merchantId: demoWorkplace.merchantId },
  'merchant/live-console': { merchantId: demoWorkplace.merchantId, id: DEMO_LIVE_SESSION_ID },
  // The join page as a shared link opens it: the code rides in the URL.
  'merchant/join': { code: DEMO_INVITE_CODE },
  'aftersale/apply': { orderId: shippedOrder.id },
  'aftersale/detail': { id: demoAfterSale.id },
  // The demo session's room, opened from a promoter's share.
  'live/room': { id: DEMO_LIVE_SESSION_ID, rt: SMOKE_TOKEN },
};

export interface RouteMatch {
  name: RouteName;
  params: Record<string, string>;
}

/** Finds the contract route a request hits (method and path pattern with :params). */
export function matchRoute(method: string, pathname: string): RouteMatch | null {
  let best: RouteMatch | null = null;
  let bestStatic = -1;
  for (const name of Object.keys(routes) as RouteName[]) {
    const def = routes[name];
    if (def.method !== method.toUpperCase()) continue;
    const want = def.path.split('/');
    const got = pathname.split('/');
    if (want.length !== got.length) continue;
    const params: Record<string, string> = {};
    let statics = 0;
    let ok = true;
    for (let i = 0; i < want.length; i++) {
      if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(got[i]);
      else if (want[i] === got[i]) statics++;
      else { ok = false; break; }
    }
    // /api/orders/counts beats /api/orders/:id: the most literal segments win.
    if (ok && statics > bestStatic) { best = { name, params }; bestStatic = statics; }
  }
  return best;
}
