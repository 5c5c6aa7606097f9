import type { LiveTopicEvent } from '@contract/live';

/**
 * Follows the `live:{sessionId}` topic while the calling page is mounted (guests too, docs/live.md):
 * `onEvent` gets each event of the topic; on (re)subscribing or a reset the session's cache entry
 * (keys.live.session) is refetched, since volatile events missed meanwhile are gone. `live` is
 * whether the push is up (the page may then skip its slow fallback refresh).
 *
 * The realtime client's side of live topics is not wired yet: nothing is delivered.
 */
export function useLiveTopic(sessionId: string | null, onEvent: (event: LiveTopicEvent) => void): { live: boolean } {
  void sessionId;
  void onEvent;
  return { live: false };
}
