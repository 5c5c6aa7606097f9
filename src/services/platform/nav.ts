import Taro from '@tarojs/taro';

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
} as const;

export function isTabPage(url: string): boolean {
  const path = url.split('?')[0];
  return (TAB_PAGES as readonly string[]).includes(path.startsWith('/') ? path : `/${path}`);
}

/** Opens any page: tab pages with switchTab (their query is dropped), others with navigateTo. */
export function openPage(url: string): Promise<unknown> {
  return isTabPage(url) ? Taro.switchTab({ url: url.split('?')[0] }) : Taro.navigateTo({ url });
}

/** Replaces the current page with url (the login page after success). */
export function replacePage(url: string): Promise<unknown> {
  return isTabPage(url) ? Taro.switchTab({ url: url.split('?')[0] }) : Taro.redirectTo({ url });
}

/** Back to the previous page, or home when there is none (opened directly). */
export function goBack(): Promise<unknown> {
  return Taro.getCurrentPages().length > 1 ? Taro.navigateBack() : Taro.switchTab({ url: PAGES.home });
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
