import { useEffect, useRef, useState } from 'react';
import { remainingMs } from './time';

/**
 * Milliseconds left until `deadline`, re-rendering every second while it runs. `onZero` is
 * called once when the countdown reaches zero (a page refetches the order then).
 * `deadline` null stops the clock.
 */
export function useCountdown(deadline: number | null, onZero?: () => void): number {
  const [now, setNow] = useState(() => Date.now());
  const onZeroRef = useRef(onZero);
  onZeroRef.current = onZero;

  useEffect(() => {
    if (deadline === null) return undefined;
    setNow(Date.now());
    if (remainingMs(deadline, Date.now()) === 0) return undefined;
    const timer = setInterval(() => {
      const at = Date.now();
      setNow(at);
      if (remainingMs(deadline, at) === 0) {
        clearInterval(timer);
        onZeroRef.current?.();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [deadline]);

  return deadline === null ? 0 : remainingMs(deadline, now);
}
