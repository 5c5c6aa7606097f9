import type { LineInput, MerchantOrderTab, OrderTab, ProductSort } from '@contract';
import type { AfterSaleStatus } from '@contract/aftersale';
import type { ReferralHoldTab } from '@contract/referral-holds';
import type { ReferralApplicationStatus } from '@contract/referral';
import type { CommissionState, LeaderboardPeriod } from '@contract/referral-commission';
import type { WithdrawalStatus } from '@contract/referral-withdrawal';
import type { LiveSessionStatus } from '@contract/live';

/**
 * Query key factories: every cache entry's key comes from here, and every variable a fetch
 * uses is part of its key. Invalidate by the broadest factory that covers what changed
 * (e.g. `keys.orders.all()` after paying).
 */

export interface ProductListFilter {
  q?: string;
  categoryId?: string;
  merchantId?: string;
  sort?: ProductSort;
  limit?: number;
}

export interface CartDraftKeyLine {
  skuId: string;
  quantity: number;
  selected: boolean;
  addedPrice?: number;
}

export interface CheckoutKeyInput {
  items: LineInput[];
  fulfilment?: unknown;
}

export const keys = {
  catalog: {
    all: () => ['catalog'] as const,
    home: () => ['catalog', 'home'] as const,
    categories: () => ['catalog', 'categories'] as const,
    productLists: () => ['catalog', 'products', 'list'] as const,
    productList: (filter: ProductListFilter) =>
      [
        'catalog',
        'products',
        'list',
        {
          q: filter.q ?? '',
          categoryId: filter.categoryId ?? '',
          merchantId: filter.merchantId ?? '',
          sort: filter.sort ?? 'default',
          limit: filter.limit ?? 20,
        },
      ] as const,
    searchSuggest: (q: string) => ['catalog', 'search', 'suggest', q] as const,
    hotSearches: () => ['catalog', 'search', 'hot'] as const,
    products: () => ['catalog', 'products', 'detail'] as const,
    product: (id: string) => ['catalog', 'products', 'detail', id] as const,
  },
  me: {
    all: () => ['me'] as const,
    user: () => ['me', 'user'] as const,
  },
  cart: {
    all: () => ['cart'] as const,
    /** The signed-in user's server cart. */
    server: () => ['cart', 'server'] as const,
    /** A guest draft priced by quoteCart: the lines are the variables. */
    quote: (lines: readonly CartDraftKeyLine[]) =>
      ['cart', 'quote', lines.map((l) => [l.skuId, l.quantity, l.selected, l.addedPrice ?? null] as const)] as const,
  },
  addresses: {
    all: () => ['addresses'] as const,
    list: () => ['addresses', 'list'] as const,
    detail: (id: string) => ['addresses', 'detail', id] as const,
  },
  checkout: {
    all: () => ['checkout'] as const,
    preview: (input: CheckoutKeyInput) =>
      ['checkout', 'preview', { items: input.items.map((i) => [i.skuId, i.quantity] as const), fulfilment: input.fulfilment ?? null }] as const,
  },
  orders: {
    all: () => ['orders'] as const,
    lists: () => ['orders', 'list'] as const,
    list: (tab: OrderTab, limit = 20) => ['orders', 'list', { status: tab, limit }] as const,
    details: () => ['orders', 'detail'] as const,
    detail: (id: string) => ['orders', 'detail', id] as const,
    counts: () => ['orders', 'counts'] as const,
    parents: () => ['orders', 'parent'] as const,
    parent: (id: string) => ['orders', 'parent', id] as const,
  },
  payments: {
    all: () => ['payments'] as const,
    detail: (id: string) => ['payments', 'detail', id] as const,
    /** Open payments of every order (invalidated whenever a payment changes). */
    opens: () => ['payments', 'open'] as const,
    /** An order's payments that still hold tenders (parent or child order id). */
    open: (orderId: string) => ['payments', 'open', orderId] as const,
  },
  wallet: {
    all: () => ['wallet'] as const,
    /** The shopper's balance, points and points rule. */
    detail: () => ['wallet', 'detail'] as const,
  },
  refunds: {
    all: () => ['refunds'] as const,
    /** A child order's refunds with what is still refundable. */
    list: (orderId: string) => ['refunds', 'list', orderId] as const,
  },
  /** The merchant workbench (pages/merchant): everything under one merchant's id. */
  merchant: {
    all: () => ['merchant'] as const,
    workplaces: () => ['merchant', 'workplaces'] as const,
    /** An invite as its code's holder sees it (pages/merchant/join). */
    invite: (code: string) => ['merchant', 'invites', code] as const,
    scope: (merchantId: string) => ['merchant', merchantId] as const,
    workplace: (merchantId: string) => ['merchant', merchantId, 'workplace'] as const,
    dashboard: (merchantId: string) => ['merchant', merchantId, 'dashboard'] as const,
    orderLists: (merchantId: string) => ['merchant', merchantId, 'orders', 'list'] as const,
    orderList: (merchantId: string, tab: MerchantOrderTab, q: string) => ['merchant', merchantId, 'orders', 'list', { tab, q }] as const,
    orderDetail: (merchantId: string, orderId: string) => ['merchant', merchantId, 'orders', 'detail', orderId] as const,
    afterSaleLists: (merchantId: string) => ['merchant', merchantId, 'after-sales', 'list'] as const,
    afterSaleList: (merchantId: string, status: AfterSaleStatus | 'all') => ['merchant', merchantId, 'after-sales', 'list', { status }] as const,
    afterSaleDetail: (merchantId: string, id: string) => ['merchant', merchantId, 'after-sales', 'detail', id] as const,
    /** Commissions fraud controls held (pages/merchant/referral-holds), open or decided. */
    referralHoldLists: (merchantId: string) => ['merchant', merchantId, 'referral-holds', 'list'] as const,
    referralHoldList: (merchantId: string, tab: ReferralHoldTab) => ['merchant', merchantId, 'referral-holds', 'list', { tab }] as const,
    productLists: (merchantId: string) => ['merchant', merchantId, 'products', 'list'] as const,
    productList: (merchantId: string, q: string) => ['merchant', merchantId, 'products', 'list', { q }] as const,
    stockAlerts: (merchantId: string, threshold: number) => ['merchant', merchantId, 'stock-alerts', { threshold }] as const,
    staff: (merchantId: string) => ['merchant', merchantId, 'staff'] as const,
    audit: (merchantId: string) => ['merchant', merchantId, 'audit'] as const,
    /** The referral network's levels (REFERRAL_MAX_LEVELS, from GET /api/referral/me): the same for every merchant. */
    referralLevels: () => ['merchant', 'referral-levels'] as const,
    referral: (merchantId: string) => ['merchant', merchantId, 'referral'] as const,
    referralRules: (merchantId: string) => ['merchant', merchantId, 'referral', 'rules'] as const,
    referralReport: (merchantId: string, from: number, to: number, groupBy: 'day' | 'total') =>
      ['merchant', merchantId, 'referral', 'report', { from, to, groupBy }] as const,
    referralApplicationLists: (merchantId: string) => ['merchant', merchantId, 'referral', 'applications'] as const,
    referralApplicationList: (merchantId: string, status: ReferralApplicationStatus) => ['merchant', merchantId, 'referral', 'applications', { status }] as const,
    /** The pending applications' count on the hub (one page of at most 50). */
    referralPendingCount: (merchantId: string) => ['merchant', merchantId, 'referral', 'applications', 'pending-count'] as const,
    /** Promoters' withdrawals the operating merchant reviews (pages/merchant/referral-withdrawals). */
    withdrawalLists: (merchantId: string) => ['merchant', merchantId, 'referral-withdrawals', 'list'] as const,
    withdrawalList: (merchantId: string, status: WithdrawalStatus) => ['merchant', merchantId, 'referral-withdrawals', 'list', { status }] as const,
    /** The merchant's live sessions as their host runs them (pages/merchant/live-*). */
    liveLists: (merchantId: string) => ['merchant', merchantId, 'live', 'list'] as const,
    liveList: (merchantId: string, status: LiveSessionStatus | 'all') => ['merchant', merchantId, 'live', 'list', { status }] as const,
    liveSession: (merchantId: string, sessionId: string) => ['merchant', merchantId, 'live', 'detail', sessionId] as const,
  },
  /** Live sessions as viewers see them (pages/live); `mine` depends on who is signed in, so the session is dropped at login and logout too. */
  live: {
    all: () => ['live'] as const,
    lists: () => ['live', 'list'] as const,
    /** Sessions on air, then upcoming, `limit` a page (the list page; the home entry asks for 1). */
    list: (limit: number) => ['live', 'list', { limit }] as const,
    session: (sessionId: string) => ['live', 'session', sessionId] as const,
  },
  /** The promoter's own withdrawals (the promoter centre). */
  withdrawals: {
    all: () => ['withdrawals'] as const,
    lists: () => ['withdrawals', 'list'] as const,
    list: (status: WithdrawalStatus | 'all') => ['withdrawals', 'list', { status }] as const,
    detail: (id: string) => ['withdrawals', 'detail', id] as const,
  },
  afterSales: {
    all: () => ['afterSales'] as const,
    lists: () => ['afterSales', 'list'] as const,
    list: (limit = 20) => ['afterSales', 'list', { limit }] as const,
    details: () => ['afterSales', 'detail'] as const,
    detail: (id: string) => ['afterSales', 'detail', id] as const,
  },
  /** The promoter centre (pages/promoter): the shopper's own network and commissions. */
  referral: {
    all: () => ['referral'] as const,
    /** Whether the shopper may promote, the policy, the application, who referred him, the team's counts. */
    me: () => ['referral', 'me'] as const,
    earnings: () => ['referral', 'earnings'] as const,
    teams: () => ['referral', 'team'] as const,
    team: (level: number, limit: number) => ['referral', 'team', { level, limit }] as const,
    commissionLists: () => ['referral', 'commissions'] as const,
    commissions: (state: CommissionState | 'all', limit: number) => ['referral', 'commissions', { state, limit }] as const,
    leaderboard: (period: LeaderboardPeriod) => ['referral', 'leaderboard', period] as const,
    /** A share link (token and path) for a target: the server answers the same link while it has 7 days left. */
    link: (target: string) => ['referral', 'link', target] as const,
    /** A promoter's estimated level-1 commission per SKU of a product. */
    estimate: (productId: string) => ['referral', 'estimate', productId] as const,
  },
  share: {
    all: () => ['share'] as const,
    code: (platform: string, page: string, scene: string) => ['share', 'code', platform, page, scene] as const,
    /** What a share link's token opens (anyone may ask; the answer never changes). */
    resolved: (token: string) => ['share', 'resolved', token] as const,
  },
  /** The signed-in shopper's referral data: whether they promote, their share links, estimates. */
} as const;

/** Roots of the data that belongs to the signed-in user: dropped at logout and login. */
export const userScopedRoots = [
  keys.me.all(),
  keys.cart.all(),
  keys.addresses.all(),
  keys.checkout.all(),
  keys.orders.all(),
  keys.payments.all(),
  keys.wallet.all(),
  keys.refunds.all(),
  keys.merchant.all(),
  keys.afterSales.all(),
  keys.referral.all(),
  keys.withdrawals.all(),
  keys.live.all(),
] as const;
