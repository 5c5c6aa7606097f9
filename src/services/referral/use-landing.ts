import { useDidShow, useRouter } from '@tarojs/taro';
import { useMemo } from 'react';
import { enterInfo } from '../platform/launch';
import { landingOf, landingParams, reportLanding, type Landing } from './landing';

/**
 * A page a shared link may open (home, a product): what its query carries (landing.ts), and the
 * visit reported when the page shows with a token (once per token and run of the app, so showing
 * the page again, or the app's own launch report, adds nothing).
 */
export function useLanding(): Landing {
  const router = useRouter();
  const params = router.params as Record<string, string | undefined>;
  const path = router.path ?? '';
  // Keyed by the query's text: hosts may hand a new params object on every render.
  const key = JSON.stringify(params);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- key stands for params
  const landing = useMemo(() => landingOf(landingParams(params, path)), [key, path]);
  useDidShow(() => {
    if (landing.token) void reportLanding(landing.token, enterInfo().scene);
  });
  return landing;
}
