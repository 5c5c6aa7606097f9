import { installAbortController } from '@/services/platform/abort-controller';
import { installHistoryGuard } from '@/services/platform/history';
import { QueryClientProvider } from '@tanstack/react-query';
import Taro, { useLaunch, usePageNotFound } from '@tarojs/taro';
import type { PropsWithChildren } from 'react';
import { PAGES } from '@/services/platform/nav';
import { queryClient, wireMiniProgramLifecycle, wireSessionToCache } from '@/services/query-client';
import { bootRealtime } from '@/services/realtime/boot';
import { wireLandingReports } from '@/services/referral/landing';
import { wireSessionEndNotice } from '@/services/session-notice';
import { isLoggedIn, useSession } from '@/stores/session';
import './app.css';

// H5: runs before Taro's router reads the location (history.h5.ts); nothing on mini-programs.
installHistoryGuard();
installAbortController();
wireMiniProgramLifecycle();
wireSessionToCache();
wireSessionEndNotice();
// One realtime socket while signed in: pushed order and payment changes land in the cache
// (H5: loaded after the first page, boot.h5.ts).
bootRealtime();

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // A token that expired while the app was closed is dropped at launch, so the pages start
    // as a guest instead of meeting a 401.
    const s = useSession.getState();
    if (s.token && !isLoggedIn(s)) s.clear();
    // A shared link or code the app was opened with: its visit reported once (docs/share.md).
    wireLandingReports();
  });
  // An unknown route (a stale link, a typo) would show an empty screen: show the missing-page
  // screen in its place (the URL is replaced, so back leads where the shopper came from).
  usePageNotFound(() => {
    void Taro.redirectTo({ url: PAGES.notFound });
  });
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

export default App;
