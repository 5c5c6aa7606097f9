import type { LiveSession } from '@contract/live';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { request } from '../http';
import { keys } from '../keys';

export const likeLiveSession = (sessionId: string, count: number): Promise<{ likes: number }> =>
  request('likeLiveSession', { params: { sessionId }, body: { count } });

/** contract/live.ts MAX_LIKES_PER_REQUEST (the client takes only types from the contract; a test checks they agree). */
export const MAX_LIKES_PER_REQUEST = 50;

/** Taps are gathered for this long, then sent as one request. */
export const LIKE_BATCH_MS = 1000;

/**
 * The heart: each tap counts at once on screen (the cached session's likes + 1), and the taps of
 * about a second go to the server as one POST (at most MAX_LIKES_PER_REQUEST; more wait for the
 * next one). The server's total then stands, plus taps not yet sent. A refusal (a rate limit,
 * offline) is quiet: the taps are dropped and the next `live.stats` sets the count right.
 * What is still gathered when the room closes is sent then.
 */
export function useLikeTaps(sessionId: string): () => void {
  const client = useQueryClient();
  const pending = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const sessionRef = useRef(sessionId);
  sessionRef.current = sessionId;

  const setLikes = useCallback(
    (id: string, next: (likes: number) => number) =>
      client.setQueryData<LiveSession>(keys.live.session(id), (s) => (s ? { ...s, likes: next(s.likes) } : s)),
    [client],
  );

  const flush = useCallback(() => {
    timer.current = null;
    const id = sessionRef.current;
    const count = Math.min(pending.current, MAX_LIKES_PER_REQUEST);
    if (!id || count <= 0) return;
    pending.current -= count;
    if (pending.current > 0) timer.current = setTimeout(flush, LIKE_BATCH_MS);
    likeLiveSession(id, count).then(
      (res) => setLikes(id, (shown) => Math.max(shown, res.likes + pending.current)),
      () => undefined,
    );
  }, [setLikes]);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
      flush();
    },
    [flush],
  );

  return useCallback(() => {
    const id = sessionRef.current;
    if (!id) return;
    pending.current += 1;
    setLikes(id, (n) => n + 1);
    if (!timer.current) timer.current = setTimeout(flush, LIKE_BATCH_MS);
  }, [flush, setLikes]);
}
