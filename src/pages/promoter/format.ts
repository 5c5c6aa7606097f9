import dayjs from 'dayjs';

/** A date as the centre shows it: 2026-01-05 (the device's time zone). */
export function formatDate(ts: number): string {
  return dayjs(ts).format('YYYY-MM-DD');
}

/** A time as the centre shows it: 2026-01-05 14:30. */
export function formatDateTime(ts: number): string {
  return dayjs(ts).format('YYYY-MM-DD HH:mm');
}

/** Only the hour and minute (when a ranking was computed today). */
export function formatClock(ts: number): string {
  return dayjs(ts).format('HH:mm');
}
