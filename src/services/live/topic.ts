import type { LiveTopicEvent } from '@contract/live';
import { useEffect, useRef } from 'react';
import { followTopic, liveTopic, onLiveEvent, useRealtimeLive } from '../realtime';

/**
 * Follows the `live:{sessionId}` topic while the calling page is mounted (guests too, docs/live.md):
 * `onEvent` gets each event of the topic; on (re)subscribing or a reset the session's cache entry
 * (keys.live.session) is refetched, since volatile events missed meanwhile are gone. `live` is
 * whether the push is up (the page may then skip its slow fallback refresh).
 *
 * The realtime client does the cache's part whoever listens (src/services/realtime/live.ts):
 * `live.status` and `live.pinned` (versioned) write the session's status and pinned product;
 * `live.lines` and `live.stats` (volatile, latest `at` wins) its lines' price, quota and stock
 * left, and its viewers and likes. Nobody signed in: the client runs a guest connection for the
 * room (`{"op":"auth","guest":true}`); a sign-in moves the room to the user's connection.
 * Unknown or malformed events are ignored.
 */
export function useLiveTopic(sessionId: string | null, onEvent: (event: LiveTopicEvent) => void): { live: boolean } {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    if (!sessionId) return undefined;
    const stopListening = onLiveEvent(sessionId, (event) => latest.current(event));
    const unfollow = followTopic(liveTopic(sessionId));
    return () => {
      unfollow();
      stopListening();
    };
  }, [sessionId]);
  return { live: useRealtimeLive() && !!sessionId };
}
