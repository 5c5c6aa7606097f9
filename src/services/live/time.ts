import { useEffect, useState } from 'react';

/** Days, hours, minutes and seconds until a moment (all 0 once it has passed). */
export interface CountdownParts {
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  done: boolean;
}

export function countdownParts(target: number, now: number): CountdownParts {
  const left = Math.max(0, Math.ceil((target - now) / 1000));
  return {
    days: Math.floor(left / 86_400),
    hours: Math.floor((left % 86_400) / 3600),
    minutes: Math.floor((left % 3600) / 60),
    seconds: left % 60,
    done: left === 0,
  };
}

/** The clock, ticking every second while `active` (a countdown on screen). */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A start time in China's clock (UTC+8, what the shop's shoppers read): `20:00` today, `12/8 20:00` another day. */
export function formatStartTime(at: number, now: number = Date.now()): string {
  const shift = 8 * 3600_000;
  const d = new Date(at + shift);
  const today = new Date(now + shift);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  const sameDay = d.getUTCFullYear() === today.getUTCFullYear() && d.getUTCMonth() === today.getUTCMonth() && d.getUTCDate() === today.getUTCDate();
  return sameDay ? time : `${d.getUTCMonth() + 1}/${d.getUTCDate()} ${time}`;
}
