import { onlineManager } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/**
 * Whether this image failed to load, and the handler that says so. A failed image is tried
 * again when the network comes back (a shopper who was offline sees the pictures return); a new
 * src gets its own chance.
 */
export function useImageFailure(src: string | null | undefined): { failed: boolean; onError: () => void } {
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [src]);
  useEffect(() => {
    if (!failed) return undefined;
    return onlineManager.subscribe((online) => {
      if (online) setFailed(false);
    });
  }, [failed]);
  return { failed, onError: () => setFailed(true) };
}
