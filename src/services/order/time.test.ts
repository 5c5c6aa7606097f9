import { formatCountdown, formatTime, remainingMs } from './time';

describe('remainingMs', () => {
  it('is the time left, never negative', () => {
    expect(remainingMs(10_000, 4_000)).toBe(6_000);
    expect(remainingMs(10_000, 10_000)).toBe(0);
    expect(remainingMs(10_000, 12_345)).toBe(0);
  });
});

describe('formatCountdown', () => {
  it.each([
    [0, '00:00'],
    [-5_000, '00:00'],
    [1, '00:01'], // a partial second rounds up: 00:00 only when time is really up
    [999, '00:01'],
    [1_000, '00:01'],
    [1_001, '00:02'],
    [59_000, '00:59'],
    [60_000, '01:00'],
    [61_000, '01:01'],
    [15 * 60_000, '15:00'],
    [59 * 60_000 + 59_000, '59:59'],
    [3_600_000, '1:00:00'],
    [3_661_000, '1:01:01'],
    [25 * 3_600_000 + 5_000, '25:00:05'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });
});

describe('formatTime', () => {
  it('formats epoch ms in local time with seconds', () => {
    const at = new Date(2026, 10, 22, 8, 5, 9).getTime();
    expect(formatTime(at)).toBe('2026-11-22 08:05:09');
  });
});
