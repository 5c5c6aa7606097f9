import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useRef } from 'react';
import { isApiError } from '../http';
import { PAGES } from '../platform/nav';

/** The API said the shopper must sign in (no token, or it expired and was cleared). */
export function isLoginRequired(error: unknown): boolean {
  return isApiError(error) && error.status === 401;
}

/**
 * Trade pages need a signed-in shopper. When a page's data answers 401, open the login page
 * once (its back returns here) and ask again when the page shows. A shopper who backs out of
 * the login page sees the page's error state with its retry, not the login page again.
 */
export function useLoginGate(error: unknown, refetch: () => unknown): boolean {
  const needLogin = isLoginRequired(error);
  const opened = useRef(false);
  useEffect(() => {
    if (needLogin && !opened.current) {
      opened.current = true;
      void Taro.navigateTo({ url: PAGES.login() });
    }
  }, [needLogin]);
  useDidShow(() => {
    if (needLogin) void refetch();
  });
  return needLogin;
}
