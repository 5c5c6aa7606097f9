import { useRef } from 'react';
import { newIdempotencyKey } from '../http';

/**
 * One idempotency key per user intent: the same body sent again (a retry after a network
 * failure) reuses the key, so the server applies it once; another body, or `done()` after a
 * success, starts a new intent.
 */
export function useIntentKey() {
  const ref = useRef<{ body: string; key: string } | null>(null);
  return {
    keyFor(body: unknown): string {
      const text = JSON.stringify(body ?? null);
      if (!ref.current || ref.current.body !== text) ref.current = { body: text, key: newIdempotencyKey() };
      return ref.current.key;
    },
    done() {
      ref.current = null;
    },
  };
}
