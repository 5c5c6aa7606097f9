import type { AuditEntry, DashboardFigures, MerchantOrderDetail, MerchantOrderRow, MerchantProduct, StaffMember, StockAlert, Workplace } from '@contract';
import type { AfterSale } from '@contract/aftersale';
import type { HostLiveSession } from '@contract/live';
import type { CommissionReport, ReferralRules } from '@contract/referral-commission';
import type { MerchantReferralApplication } from '@/services/merchant/referral';

export const NOW = Date.UTC(2026, 11, 7, 4, 0, 0);

export const workplace = (role: Workplace['role'] = 'owner', merchantId = 'm_1'): Workplace => ({
  merchantId, merchantName: '山野小铺', merchantLogo: '/images/m_1.svg', role, staffId: 'stf_me',
});

export const figures = (over: Partial<DashboardFigures> = {}): DashboardFigures => ({
  date: '2026-12-07', timeZone: 'Asia/Shanghai', paidOrders: 12, gmv: 345_600, refunds: { count: 2, amount: 5_000 },
  toShip: 4, toPickup: 1, afterSalesWaiting: 3, computedAt: NOW, ...over,
});

export const orderRow = (over: Partial<MerchantOrderRow> = {}): MerchantOrderRow => ({
  id: 'o_1', orderNo: '2026120712345678901', status: 'paid', fulfilmentType: 'delivery', contactName: '张三', contactPhone: '13800138000',
  title: '纯棉T恤', image: '/images/p_1.svg', lineCount: 2, itemCount: 3, payableAmount: 10_600, createdAt: NOW, paidAt: NOW, merchantRemark: null, ...over,
});

export const orderDetail = (over: Partial<MerchantOrderDetail> = {}): MerchantOrderDetail => ({
  ...orderRow(),
  parentId: 'po_1',
  lines: [
    { skuId: 'sku_1', productId: 'p_1', title: '纯棉T恤', specText: '白色 L', image: '/images/p_1.svg', unitPrice: 4_900, quantity: 2, lineAmount: 9_800 },
    { skuId: 'sku_2', productId: 'p_2', title: '帆布袋', specText: '', image: '/images/p_2.svg', unitPrice: 800, quantity: 1, lineAmount: 800 },
  ],
  amounts: { itemsAmount: 10_600, shippingAmount: 0, discountAmount: 0, payableAmount: 10_600 },
  shipTo: '张三 13800138000 上海市浦东新区世纪大道 100 号',
  buyerRemark: '请尽快发货',
  payments: { paidAmount: 10_600, refundedAmount: 0, paidAt: NOW },
  shipments: [], shippedAt: null, pickedUpAt: null, completedAt: null, timeline: [],
  ...over,
});

export const product = (over: Partial<MerchantProduct> = {}): MerchantProduct => ({
  id: 'p_1', title: '纯棉T恤', cover: '/images/p_1.svg', onShelf: true, priceFrom: 4_900, sales: 30, stock: 8,
  skus: [{ id: 'sku_1', productId: 'p_1', specText: '白色 L', price: 4_900, originalPrice: null, stock: 8, sales: 30, updatedAt: NOW }],
  ...over,
});

export const counts = { all: 1, to_ship: 1, to_pickup: 0, shipped: 0, completed: 0, closed: 0 };

/** A buyer's 仅退款 request waiting for the merchant. */
export const afterSaleRequest = (over: Partial<AfterSale> = {}): AfterSale => ({
  id: 'as_1', orderId: 'o_1', orderNo: '2026120712345678901', merchantId: 'm_1', userId: 'u_9', kind: 'refund_only', status: 'requested',
  reason: 'damaged', description: '外包装破损', photos: [{ id: 'img_1', url: '/uploads/img_1.jpg' }],
  lines: [{ lineNo: 0, skuId: 'sku_1', title: '纯棉T恤', specText: '白色 L', image: '/images/p_1.svg', quantity: 1, amount: 4_900 }],
  amount: 4_900, shippingAmount: 0, returnAddress: null, returnCarrier: null, returnTrackingNo: null, rejectReason: null,
  approvedBy: null, refundId: null, deadlineAt: NOW + 86_400_000, createdAt: NOW, updatedAt: NOW, refundedAt: null,
  ...over,
});

export const staffMember = (over: Partial<StaffMember> = {}): StaffMember => ({
  id: 'stf_me', userId: 'u_1', phone: '13500000000', nickname: '演示店主', role: 'owner', status: 'active', invitedBy: null, inviteExpiresAt: null, createdAt: 1, updatedAt: 1, ...over,
});

export const auditEntry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 'aud_1', actorId: 'u_1', actorName: '演示店主', action: 'product.shelf_changed', target: 'product:p_1', detail: { from: true, to: false }, at: NOW, ...over,
});

export const stockAlert = (over: Partial<StockAlert> = {}): StockAlert => ({
  skuId: 'sku_1', productId: 'p_1', title: '纯棉T恤', specText: '白色 L', cover: '/images/p_1.svg', stock: 0, onShelf: true, ...over,
});

/** The rules in force: version 3, on, two levels at 10 % and 5 %, a product's own rate. */
export const referralRules = (over: Partial<ReferralRules> = {}): ReferralRules => ({
  merchantId: 'm_1', version: 3, enabled: true, levels: 2, mode: 'rate', amounts: [1_000, 500], freezeDays: 7,
  overrides: [{ target: 'product', targetId: 'p_1', mode: 'rate', amounts: [1_500, 500] }], createdAt: NOW - 86_400_000, createdBy: 'u_1', ...over,
});

export const noReferralRules = (): ReferralRules => ({
  merchantId: 'm_1', version: 0, enabled: false, levels: 2, mode: 'rate', amounts: [0, 0], freezeDays: 7, overrides: [], createdAt: null, createdBy: null,
});

/** What GET /api/referral/me answers (the rules page reads only maxLevels). */
export const referralMe = (maxLevels = 2) => ({
  isPromoter: false, policy: 'approved' as const, minSpend: null, spent: null, canApply: true, application: null, promoter: null, maxLevels,
  team: Array.from({ length: maxLevels }, (_, i) => ({ level: i + 1, count: 0 })),
});

export const commissionReport = (over: Partial<CommissionReport> = {}): CommissionReport => ({
  merchantId: 'm_1', total: { paid: 12_345, reversed: 2_345, commissions: 9 }, days: [], ...over,
});

export const referralApplication = (over: Partial<MerchantReferralApplication> = {}): MerchantReferralApplication => ({
  id: 'rap_1', status: 'pending', note: '我有 300 人的宝妈群', reason: null, createdAt: NOW, decidedAt: null, userId: 'u_9', nickname: '小林', phone: '138****0000', ...over,
});

type HostLive = HostLiveSession;
type HostLiveLine = HostLive['lines'][number];

/** A lineup SKU as the host sees it (live-console). */
export const hostLine = (over: Partial<HostLiveLine> = {}): HostLiveLine => ({
  skuId: 'sku_1', productId: 'p_1', title: '纯棉T恤', specText: '白色 L', image: '/images/p_1.svg', price: 3_900, originalPrice: 4_900, quota: 20, left: 15,
  sold: 5, paid: 4, gmv: 15_600, returned: 0, ...over,
});

/** A session of m_1, live, two products (p_1 with one SKU, p_2 with one), p_1 pinned. */
export const hostSession = (over: Partial<HostLive> = {}): HostLive => {
  const lines = over.lines ?? [hostLine(), hostLine({ skuId: 'sku_2', productId: 'p_2', title: '帆布袋', specText: '', image: '/images/p_2.svg', price: 600, originalPrice: 800, quota: 10, left: 10, sold: 0, paid: 0, gmv: 0 })];
  return {
    id: 'ls_1', merchantId: 'm_1', merchantName: '山野小铺', title: '周末专场', cover: '/images/p_1.svg', startsAt: NOW, status: 'live', playbackUrl: 'https://cdn.example.com/1.m3u8',
    perShopperLimit: 3, pinnedProductId: 'p_1', viewers: 88, likes: 321, startedAt: NOW, endedAt: null, wechatRoomId: null, hostStaffId: 'stf_me',
    board: { orders: 6, paidOrders: 4, gmv: 15_600, viewers: 88, likes: 321, lines: lines.map(({ skuId, quota, sold, paid, left, gmv }) => ({ skuId, quota, sold, paid, left, gmv })) },
    timeline: [], wechatPushedAt: null,
    ...over,
    lines,
  };
};
