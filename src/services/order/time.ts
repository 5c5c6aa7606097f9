import dayjs from 'dayjs';

/** Milliseconds left until `deadline` (epoch ms), never negative. */
export function remainingMs(deadline: number, now: number): number {
  return Math.max(0, deadline - now);
}

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * A payment countdown: "mm:ss" below one hour, "h:mm:ss" above. Partial seconds round up,
 * so "00:00" shows only when the time is really up.
 */
export function formatCountdown(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** An order time for display: "2026-11-22 18:05:09" in the device's time zone. */
export function formatTime(ts: number): string {
  return dayjs(ts).format('YYYY-MM-DD HH:mm:ss');
}
