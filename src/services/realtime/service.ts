import { onlineManager, type QueryClient } from '@tanstack/react-query';
import Taro from '@tarojs/taro';
import { useEffect, useSyncExternalStore } from 'react';
import { queryClient as appQueryClient } from '../query-client';
import { currentToken, useSession } from '@/stores/session';
import { applyCacheOps } from './cache-ops';
import { RealtimeClient, type RealtimeStatus } from './client';
import { followLiveBoard, liveBoardTopic } from './live';
import { merchantTopic } from './merchant';
import { openSocket } from './socket';
import { realtimeUrl } from './url';

let client: RealtimeClient | null = null;
let wiredQueryClient: QueryClient = appQueryClient;

/** The app's one realtime client (created on first use; connects only when wired and signed in). */
export function realtimeClient(): RealtimeClient {
  if (!client) {
    client = new RealtimeClient({
      openSocket,
      url: () => realtimeUrl(),
      token: () => currentToken(),
      apply: (ops) => applyCacheOps(wiredQueryClient, ops),
    });
  }
  return client;
}

let wired = false;

/**
 * Runs the realtime client at app level (app.tsx): connected while a shopper is signed in,
 * restarted for another account, stopped at logout; closed while the app is in the background
 * (mini-programs: onAppHide/onAppShow; H5: the page's visibility) and resubscribed from the
 * versions it has when it comes back; a reconnect wait is cut short when the network returns.
 */
export function wireRealtime(queryClient: QueryClient = appQueryClient): () => void {
  if (wired) return () => undefined;
  wired = true;
  wiredQueryClient = queryClient;
  const rt = realtimeClient();
  const cleanups: (() => void)[] = [];

  cleanups.push(
    useSession.subscribe((state, prev) => {
      if (!state.token) {
        if (prev.token) rt.stop();
        return;
      }
      if (!prev.token || (state.user?.id ?? null) !== (prev.user?.id ?? null)) {
        rt.stop();
        rt.start();
      } else if (state.token !== prev.token) {
        rt.tokenChanged();
      }
    }),
  );

  if (process.env.TARO_ENV === 'h5') {
    if (typeof document !== 'undefined') {
      const onVisibility = () => (document.visibilityState === 'hidden' ? rt.pause() : rt.resume());
      document.addEventListener('visibilitychange', onVisibility);
      cleanups.push(() => document.removeEventListener('visibilitychange', onVisibility));
    }
  } else {
    const onHide = () => rt.pause();
    const onShow = () => rt.resume();
    Taro.onAppHide(onHide);
    Taro.onAppShow(onShow);
    cleanups.push(() => {
      Taro.offAppHide(onHide);
      Taro.offAppShow(onShow);
    });
  }

  cleanups.push(
    onlineManager.subscribe((online) => {
      if (online) rt.kick();
    }),
  );

  if (currentToken()) rt.start();
  // Nobody signed in and a live room open: a guest connection follows it.
  rt.enableGuests(true);

  return () => {
    wired = false;
    rt.enableGuests(false);
    rt.stop();
    for (const c of cleanups) c();
  };
}

/** Re-renders on every status change of the app's realtime client. */
export function useRealtimeStatus(): RealtimeStatus {
  const rt = realtimeClient();
  return useSyncExternalStore(
    (onChange) => rt.subscribe(onChange),
    () => rt.status,
    () => rt.status,
  );
}

/**
 * Whether pushes arrive right now (connected and subscribed): a page may then poll less often.
 * When it is false the page keeps polling as it would without realtime.
 */
export function useRealtimeLive(): boolean {
  return useRealtimeStatus() === 'live';
}

const extraTopicCounts = new Map<string, number>();

/**
 * Follows a topic beside the user's until the returned function is called (the pages' hooks):
 * several may follow one topic; the last to go unsubscribes.
 */
export function followTopic(topic: string): () => void {
  extraTopicCounts.set(topic, (extraTopicCounts.get(topic) ?? 0) + 1);
  realtimeClient().setExtraTopics([...extraTopicCounts.keys()]);
  let followed = true;
  return () => {
    if (!followed) return;
    followed = false;
    const n = (extraTopicCounts.get(topic) ?? 1) - 1;
    if (n > 0) extraTopicCounts.set(topic, n);
    else extraTopicCounts.delete(topic);
    realtimeClient().setExtraTopics([...extraTopicCounts.keys()]);
  };
}

/**
 * Follows a merchant's realtime topic while the calling page is mounted (the workbench's
 * pages): new paid orders, order changes, sold-out SKUs and the dashboard's figures come into
 * the cache (cache-ops.ts, merchant.ts). Several pages may follow one topic; the last to go
 * unsubscribes.
 */
export function useMerchantTopic(merchantId: string): void {
  useEffect(() => {
    if (!merchantId) return undefined;
    return followTopic(merchantTopic(merchantId));
  }, [merchantId]);
}

/**
 * Follows a live session's board (`liveboard:{sessionId}`) while the calling page is mounted (the
 * host's console; owners, operators and live hosts of the session's merchant may): `live.board`
 * writes the board and the lines' counts into `keys.merchant.liveSession(merchantId, sessionId)`,
 * and every (re)subscription or reset refetches that entry, boards missed meanwhile being gone.
 * `live`: the socket is live, so the board is pushed (the page may drop its fallback refresh).
 */
export function useLiveBoardTopic(merchantId: string, sessionId: string): { live: boolean } {
  useEffect(() => {
    if (!merchantId || !sessionId) return undefined;
    // The merchant first: the subscription's refetch and the pushes need it.
    const forget = followLiveBoard(merchantId, sessionId);
    const unfollow = followTopic(liveBoardTopic(sessionId));
    return () => {
      unfollow();
      forget();
    };
  }, [merchantId, sessionId]);
  return { live: useRealtimeLive() && !!merchantId && !!sessionId };
}
