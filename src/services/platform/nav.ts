import Taro from '@tarojs/taro';
import { goBack as goBackOnPlatform, openTab, replaceWithTab } from './history';

/** Pages on the tab bar: reached with switchTab (navigateTo cannot open them). */
export const TAB_PAGES = ['/pages/home/index', '/pages/category/index', '/pages/cart/index', '/pages/me/index'] as const;

export const PAGES = {
  home: '/pages/home/index',
  category: '/pages/category/index',
  cart: '/pages/cart/index',
  me: '/pages/me/index',
  product: (id: string) => `/pages/product/index?id=${encodeURIComponent(id)}`,
  login: (redirect?: string) => (redirect ? `/pages/login/index?redirect=${encodeURIComponent(redirect)}` : '/pages/login/index'),
  orders: (status: string) => `/pages/orders/index?status=${encodeURIComponent(status)}`,
  addresses: '/pages/checkout/address-list',
  notFound: '/pages/not-found/index',
  search: (q?: string) => (q ? `/pages/search/index?q=${encodeURIComponent(q)}` : '/pages/search/index'),
  agreement: '/pages/legal/agreement',
  privacy: '/pages/legal/privacy',
  workbench: (merchantId?: string) => (merchantId ? `/pages/merchant/index?merchantId=${encodeURIComponent(merchantId)}` : '/pages/merchant/index'),
  /** Joining a merchant's staff with an invite code (the link an owner shares). */
  joinMerchant: (code?: string) => (code ? `/pages/merchant/join?code=${encodeURIComponent(code)}` : '/pages/merchant/join'),
  afterSales: '/pages/aftersale/index',
  afterSaleApply: (orderId: string) => `/pages/aftersale/apply?orderId=${encodeURIComponent(orderId)}`,
  afterSale: (id: string) => `/pages/aftersale/detail?id=${encodeURIComponent(id)}`,
  /** The promoter centre (pages/promoter) and its pages. */
  promoter: '/pages/promoter/index',
  promoterTeam: (level?: number) => (level ? `/pages/promoter/team?level=${level}` : '/pages/promoter/team'),
  promoterCommissions: (state?: string) => (state ? `/pages/promoter/commissions?state=${encodeURIComponent(state)}` : '/pages/promoter/commissions'),
  promoterLeaderboard: '/pages/promoter/leaderboard',
  promoterPosters: '/pages/promoter/posters',
  /** The commission withdrawal (form and history). */
  promoterWithdraw: '/pages/promoter/withdraw',
  promoterWithdrawals: '/pages/promoter/withdrawals',
  /** Live rooms (pages/live): the list, and a room by its session. */
  live: '/pages/live/index',
  liveRoom: (sessionId: string) => `/pages/live/room?id=${encodeURIComponent(sessionId)}`,
} as const;

export function isTabPage(url: string): boolean {
  const path = url.split('?')[0];
  return (TAB_PAGES as readonly string[]).includes(path.startsWith('/') ? path : `/${path}`);
}

/**
 * Opens any page: tab pages as a tab switch (their query is dropped; on H5 a new history entry,
 * so Back returns here), others with navigateTo.
 */
export function openPage(url: string): Promise<unknown> {
  return isTabPage(url) ? openTab(url.split('?')[0]) : Taro.navigateTo({ url });
}

/** Replaces the current page with url (the login page after success). */
export function replacePage(url: string): Promise<unknown> {
  return isTabPage(url) ? replaceWithTab(url.split('?')[0]) : Taro.redirectTo({ url });
}

/** Back to the previous page, or home when there is none (opened directly). */
export function goBack(): Promise<unknown> {
  return goBackOnPlatform();
}

/** A safe in-app redirect target from a query parameter (only our own page paths). */
export function safeRedirect(raw: string | undefined): string | null {
  if (!raw) return null;
  let url: string;
  try {
    url = decodeURIComponent(raw);
  } catch {
    return null;
  }
  return /^\/pages\/[a-z0-9/_-]+(\?.*)?$/i.test(url) ? url : null;
}

/** The H5 URL of a page path (hash router): a link to share, a cashier's return address. H5 only. */
export function h5PageUrl(path: string, location: { origin: string; pathname: string } = window.location): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return `${location.origin}${location.pathname}#${p}`;
}
